import CJWTGateCurl
import CJWTGateCurlShims

#if canImport(Glibc)
import Glibc
#endif

/// Owns one libcurl easy handle for `LoopCurlMulti`: the fixed options (`CurlEasyHandle.setFixedOptions`:
/// NOSIGNAL, TCP_NODELAY, http/https only, HTTP/1.1, TLS verification on, TLS 1.2 at least, ...) and the
/// callbacks are set once at creation; `prepare` sets every option that differs between requests, all of
/// them each time — except the route's client certificate and minimum TLS version, set when they change
/// (`CurlUpstreamTLS`) — so nothing of the previous request leaks into the next.
///
/// The socket callbacks' user pointer is the multi (connections outlive the transfer that opened them);
/// the data callbacks' is the transfer, set per request and cleared by `recycle`.
///
/// Not thread-safe: its loop's thread only.
final class LoopEasyHandle {
    let raw: UnsafeMutableRawPointer
    private let headerList = CurlHeaderList()
    private var tls = CurlUpstreamTLS()

    init?(multi: LoopCurlMulti) {
        guard let raw = curl_easy_init() else { return nil }
        self.raw = raw
        CurlEasyHandle.setFixedOptions(raw)
        let multiPointer = UnsafeRawPointer(Unmanaged.passUnretained(multi).toOpaque())
        _ = jwtgate_curl_easy_setopt_data_callback(raw, CURLOPT_HEADERFUNCTION, loopHeaderCallback)
        _ = jwtgate_curl_easy_setopt_data_callback(raw, CURLOPT_WRITEFUNCTION, loopWriteCallback)
        _ = jwtgate_curl_easy_setopt_read_callback(raw, loopReadCallback)
        _ = jwtgate_curl_easy_setopt_opensocket_callback(raw, loopOpenSocketCallback)
        _ = jwtgate_curl_easy_setopt_pointer(raw, CURLOPT_OPENSOCKETDATA, multiPointer)
        _ = jwtgate_curl_easy_setopt_closesocket_callback(raw, loopCloseSocketCallback)
        _ = jwtgate_curl_easy_setopt_pointer(raw, CURLOPT_CLOSESOCKETDATA, multiPointer)
    }

    deinit { curl_easy_cleanup(self.raw) }

    /// Sets every per-request option for `transfer`; the error to fail it with when impossible.
    func prepare(for transfer: LoopUpstreamTransfer) -> UpstreamError? {
        let request = transfer.request
        let h = self.raw
        let sendsBody: Bool
        var length: Int64 = -1
        switch request.body {
        case .none:
            sendsBody = request.method == "POST" || request.method == "PUT" || request.method == "PATCH"
            length = 0
        case .length(let count):
            sendsBody = true
            length = Int64(count)
        case .chunked:
            sendsBody = true
        }
        guard let headers = self.headerList.build(request.headers, sendsBody: sendsBody) else { return .invalidRequest }
        var code = CURLE_OK
        func set(_ option: CURLoption, _ value: Int) {
            let result = jwtgate_curl_easy_setopt_long(h, option, value)
            if result != CURLE_OK { code = result }
        }
        func set(_ option: CURLoption, pointer: UnsafeRawPointer?) {
            let result = jwtgate_curl_easy_setopt_pointer(h, option, pointer)
            if result != CURLE_OK { code = result }
        }
        func set(_ option: CURLoption, string: String?) {
            let result = string.map { $0.withCString { jwtgate_curl_easy_setopt_pointer(h, option, $0) } }
                ?? jwtgate_curl_easy_setopt_pointer(h, option, nil)
            if result != CURLE_OK { code = result }
        }

        let userdata = UnsafeRawPointer(Unmanaged.passUnretained(transfer).toOpaque())
        set(CURLOPT_PRIVATE, pointer: userdata)
        set(CURLOPT_HEADERDATA, pointer: userdata)
        set(CURLOPT_WRITEDATA, pointer: userdata)
        set(CURLOPT_READDATA, pointer: userdata)
        set(CURLOPT_CONNECTTIMEOUT_MS, max(1, Int(request.connectTimeout.loopNanoseconds / 1_000_000)))
        set(CURLOPT_HTTPHEADER, pointer: UnsafeRawPointer(headers))
        let urlResult = request.url.withCString { jwtgate_curl_easy_setopt_pointer(h, CURLOPT_URL, $0) }
        if urlResult != CURLE_OK { return .invalidRequest(curlCode: Int(urlResult.rawValue)) }
        if request.url.utf8.starts(with: "https://".utf8) {
            set(CURLOPT_CAINFO, string: request.caFile ?? CurlEasyHandle.defaultCAFile)
            let tlsResult = self.tls.apply(to: h, clientCertificate: request.clientCertificate,
                                           minVersion: request.minTLSVersion)
            if tlsResult != CURLE_OK { code = tlsResult }
        }

        // Method and body: HTTPGET first resets UPLOAD, NOBODY and a previous custom body.
        set(CURLOPT_HTTPGET, 1)
        if request.method == "HEAD" {
            set(CURLOPT_NOBODY, 1)
            set(CURLOPT_CUSTOMREQUEST, string: nil)
        } else if sendsBody {
            // UPLOAD + a read callback streams the body; the method is whatever the client sent.
            set(CURLOPT_UPLOAD, 1)
            _ = jwtgate_curl_easy_setopt_off_t(h, CURLOPT_INFILESIZE_LARGE, curl_off_t(length))
            set(CURLOPT_CUSTOMREQUEST, string: request.method)
        } else {
            set(CURLOPT_CUSTOMREQUEST, string: request.method == "GET" ? nil : request.method)
        }
        if code != CURLE_OK { return .invalidRequest(curlCode: Int(code.rawValue)) }
        return nil
    }

    /// Back to the pool: no pointer into the finished transfer stays behind.
    func recycle() {
        _ = jwtgate_curl_easy_setopt_pointer(self.raw, CURLOPT_PRIVATE, nil)
        _ = jwtgate_curl_easy_setopt_pointer(self.raw, CURLOPT_HEADERDATA, nil)
        _ = jwtgate_curl_easy_setopt_pointer(self.raw, CURLOPT_WRITEDATA, nil)
        _ = jwtgate_curl_easy_setopt_pointer(self.raw, CURLOPT_READDATA, nil)
    }

    /// The transfer a handle is running (CURLOPT_PRIVATE).
    static func transfer(of raw: UnsafeMutableRawPointer) -> LoopUpstreamTransfer? {
        var pointer: UnsafeMutableRawPointer?
        guard jwtgate_curl_easy_getinfo_pointer(raw, CURLINFO_PRIVATE, &pointer) == CURLE_OK, let pointer else { return nil }
        return Unmanaged<LoopUpstreamTransfer>.fromOpaque(pointer).takeUnretainedValue()
    }
}

@available(*, unavailable)
extension LoopEasyHandle: Sendable {}

private let loopHeaderCallback: jwtgate_curl_data_callback = { buffer, size, count, userdata in
    let length = size * count
    guard let buffer, let userdata else { return 0 }
    let transfer = Unmanaged<LoopUpstreamTransfer>.fromOpaque(userdata).takeUnretainedValue()
    return transfer.headerLine(UnsafeRawBufferPointer(start: buffer, count: length)) ? length : 0
}

private let loopWriteCallback: jwtgate_curl_data_callback = { buffer, size, count, userdata in
    let length = size * count
    guard let buffer, let userdata else { return 0 }
    let transfer = Unmanaged<LoopUpstreamTransfer>.fromOpaque(userdata).takeUnretainedValue()
    return transfer.bodyBytes(UnsafeRawBufferPointer(start: buffer, count: length))
}

private let loopReadCallback: jwtgate_curl_read_callback = { buffer, size, count, userdata in
    guard let buffer, let userdata else { return Int(CURL_READFUNC_ABORT) }
    let transfer = Unmanaged<LoopUpstreamTransfer>.fromOpaque(userdata).takeUnretainedValue()
    return transfer.readBody(into: UnsafeMutableRawBufferPointer(start: buffer, count: size * count))
}

private let loopOpenSocketCallback: jwtgate_curl_opensocket_callback = { clientp, _, address in
    guard let clientp, let address else { return CURL_SOCKET_BAD }
    let fd = jwtgate_curl_open_socket(address)
    if fd >= 0 { Unmanaged<LoopCurlMulti>.fromOpaque(clientp).takeUnretainedValue().socketOpened(fd) }
    return fd
}

private let loopCloseSocketCallback: jwtgate_curl_closesocket_callback = { clientp, fd in
    guard let clientp else { return close(fd) }
    return Unmanaged<LoopCurlMulti>.fromOpaque(clientp).takeUnretainedValue().closeSocket(fd)
}
