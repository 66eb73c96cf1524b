import CJWTGateCurl
import CJWTGateCurlShims
import NIOCore

/// Owns one libcurl easy handle (`CURL*`) and the reusable header list that goes with it. Handles are
/// pooled by the driver. The options that never change are set once, at creation; `prepare` sets
/// every option that differs between requests — always all of them, so nothing of the previous
/// request can leak into the next (curl_easy_reset plus re-setting everything cost a few µs per
/// request); the route's client certificate and minimum TLS version are set when they change
/// (`CurlUpstreamTLS`). The connection cache lives in the multi handle, so reuse of keep-alive connections
/// does not depend on which easy handle is picked.
///
/// Not thread-safe: created, used and freed on the driver thread only.
final class CurlEasyHandle {
    let raw: UnsafeMutableRawPointer
    private let headerList = CurlHeaderList()
    private var tls = CurlUpstreamTLS()

    init?() {
        guard let raw = curl_easy_init() else { return nil }
        self.raw = raw
        Self.setFixedOptions(raw)
        _ = jwtgate_curl_easy_setopt_data_callback(raw, CURLOPT_HEADERFUNCTION, curlHeaderCallback)
        _ = jwtgate_curl_easy_setopt_data_callback(raw, CURLOPT_WRITEFUNCTION, curlWriteCallback)
    }

    /// The options every upstream handle carries, whichever driver runs it (also `LoopEasyHandle`).
    static func setFixedOptions(_ raw: UnsafeMutableRawPointer) {
        _ = jwtgate_curl_easy_setopt_long(raw, CURLOPT_NOSIGNAL, 1)
        _ = jwtgate_curl_easy_setopt_long(raw, CURLOPT_PATH_AS_IS, 1)
        _ = jwtgate_curl_easy_setopt_long(raw, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1)
        _ = jwtgate_curl_easy_setopt_long(raw, CURLOPT_HTTP_CONTENT_DECODING, 0)
        _ = jwtgate_curl_easy_setopt_long(raw, CURLOPT_TCP_NODELAY, 1)
        _ = jwtgate_curl_easy_setopt_long(raw, CURLOPT_TCP_KEEPALIVE, 1)
        _ = jwtgate_curl_easy_setopt_long(raw, CURLOPT_FOLLOWLOCATION, 0)
        // Upstreams are http or https, nothing else libcurl could be talked into (file://, gopher://, ...).
        _ = "http,https".withCString { jwtgate_curl_easy_setopt_pointer(raw, CURLOPT_PROTOCOLS_STR, $0) }
        // TLS: certificate chain and host name always verified (libcurl's defaults, stated so they stay).
        _ = jwtgate_curl_easy_setopt_long(raw, CURLOPT_SSL_VERIFYPEER, 1)
        _ = jwtgate_curl_easy_setopt_long(raw, CURLOPT_SSL_VERIFYHOST, 2)
        CurlUpstreamTLS.setFixedOptions(raw)
    }

    deinit { curl_easy_cleanup(self.raw) }

    /// Sets every option for `transfer`. Returns the error to fail it with when that is impossible.
    func prepare(for transfer: CurlTransfer) -> UpstreamError? {
        let request = transfer.request
        let h = self.raw
        let method = request.method
        var body = request.body
        if body == nil && (method == "POST" || method == "PUT" || method == "PATCH") {
            body = ByteBuffer()  // these always carry a Content-Length, `Content-Length: 0` for none
        }
        guard let headers = self.headerList.build(request.headers, sendsBody: body != nil) else {
            return .invalidRequest
        }
        var code = CURLE_OK
        func set(_ option: CURLoption, _ value: Int) {
            let result = jwtgate_curl_easy_setopt_long(h, option, value)
            if result != CURLE_OK { code = result }
        }
        func set(_ option: CURLoption, pointer: UnsafeRawPointer?) {
            let result = jwtgate_curl_easy_setopt_pointer(h, option, pointer)
            if result != CURLE_OK { code = result }
        }

        // This request: every option a previous request could have set is set again here.
        let userdata = UnsafeRawPointer(Unmanaged.passUnretained(transfer).toOpaque())
        set(CURLOPT_PRIVATE, pointer: userdata)
        set(CURLOPT_HEADERDATA, pointer: userdata)
        set(CURLOPT_WRITEDATA, pointer: userdata)
        set(CURLOPT_CONNECTTIMEOUT_MS, max(1, Self.milliseconds(request.timeout)))
        set(CURLOPT_HTTPHEADER, pointer: UnsafeRawPointer(headers))
        let urlResult = request.url.withCString { jwtgate_curl_easy_setopt_pointer(h, CURLOPT_URL, $0) }
        if urlResult != CURLE_OK { return .invalidRequest(curlCode: Int(urlResult.rawValue)) }
        if request.url.utf8.starts(with: Self.httpsPrefix.utf8) {
            // The route's CA file, or back to libcurl's built-in bundle: a handle may have served another route.
            let caResult: CURLcode
            if let caFile = request.caFile ?? Self.defaultCAFile {
                caResult = caFile.withCString { jwtgate_curl_easy_setopt_pointer(h, CURLOPT_CAINFO, $0) }
            } else {
                caResult = jwtgate_curl_easy_setopt_pointer(h, CURLOPT_CAINFO, nil)
            }
            if caResult != CURLE_OK { return .invalidRequest(curlCode: Int(caResult.rawValue)) }
            let tlsResult = self.tls.apply(to: h, clientCertificate: request.clientCertificate,
                                           minVersion: request.minTLSVersion)
            if tlsResult != CURLE_OK { return .invalidRequest(curlCode: Int(tlsResult.rawValue)) }
        }

        if method == "HEAD" {
            set(CURLOPT_NOBODY, 1)
            set(CURLOPT_CUSTOMREQUEST, pointer: nil)
        } else if let body {
            set(CURLOPT_NOBODY, 0)
            // POSTFIELDS does not copy: the storage is retained in the transfer until it is done.
            let pointer: UnsafeRawPointer = body.withUnsafeReadableBytesWithStorageManagement { bytes, storage in
                transfer.bodyStorage = storage.retain()
                return bytes.baseAddress.map { UnsafeRawPointer($0) } ?? UnsafeRawPointer(Self.emptyBody.utf8Start)
            }
            _ = jwtgate_curl_easy_setopt_off_t(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.readableBytes))
            set(CURLOPT_POSTFIELDS, pointer: pointer)
            if method != "POST" {
                let result = method.withCString { jwtgate_curl_easy_setopt_pointer(h, CURLOPT_CUSTOMREQUEST, $0) }
                if result != CURLE_OK { code = result }
            } else {
                set(CURLOPT_CUSTOMREQUEST, pointer: nil)
            }
        } else {
            set(CURLOPT_HTTPGET, 1)  // back to a bodyless GET: clears NOBODY and a previous POST body
            if method != "GET" {
                let result = method.withCString { jwtgate_curl_easy_setopt_pointer(h, CURLOPT_CUSTOMREQUEST, $0) }
                if result != CURLE_OK { code = result }
            } else {
                set(CURLOPT_CUSTOMREQUEST, pointer: nil)
            }
        }
        if code != CURLE_OK { return .invalidRequest(curlCode: Int(code.rawValue)) }
        return nil
    }

    /// Back to the pool: drops the pointers into the finished transfer (its body and the transfer object),
    /// so an idle handle references nothing that may be freed.
    func recycle() {
        _ = jwtgate_curl_easy_setopt_pointer(self.raw, CURLOPT_POSTFIELDS, nil)
        _ = jwtgate_curl_easy_setopt_pointer(self.raw, CURLOPT_PRIVATE, nil)
        _ = jwtgate_curl_easy_setopt_pointer(self.raw, CURLOPT_HEADERDATA, nil)
        _ = jwtgate_curl_easy_setopt_pointer(self.raw, CURLOPT_WRITEDATA, nil)
    }

    /// The transfer a finished handle belonged to (CURLOPT_PRIVATE).
    static func transfer(of raw: UnsafeMutableRawPointer) -> CurlTransfer? {
        var pointer: UnsafeMutableRawPointer?
        guard jwtgate_curl_easy_getinfo_pointer(raw, CURLINFO_PRIVATE, &pointer) == CURLE_OK, let pointer else { return nil }
        return Unmanaged<CurlTransfer>.fromOpaque(pointer).takeUnretainedValue()
    }

    /// Maps a finished transfer's `CURLcode` to the error the caller turns into 502 or 504.
    static func error(for code: CURLcode) -> UpstreamError {
        let raw = Int(code.rawValue)
        switch code {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .connectFailed(curlCode: raw)
        case CURLE_OPERATION_TIMEDOUT:
            return .timedOut(curlCode: raw)
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_BAD_FUNCTION_ARGUMENT:
            return .invalidRequest(curlCode: raw)
        default:
            // CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE, CURLE_GOT_NOTHING,
            // CURLE_WEIRD_SERVER_REPLY, ... : the upstream broke the exchange.
            return .resetOrProtocol(curlCode: raw)
        }
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }

    private static let httpsPrefix = "https://"

    /// libcurl's built-in CA bundle (CURLINFO_CAINFO of a fresh handle), restored for https routes without `ca_file`.
    static let defaultCAFile: String? = {
        guard let probe = curl_easy_init() else { return nil }
        defer { curl_easy_cleanup(probe) }
        var pointer: UnsafeMutableRawPointer?
        guard jwtgate_curl_easy_getinfo_pointer(probe, CURLINFO_CAINFO, &pointer) == CURLE_OK, let pointer else { return nil }
        return String(cString: pointer.assumingMemoryBound(to: CChar.self))
    }()

    /// A valid pointer for an empty POSTFIELDS body (NULL would make libcurl call a read function).
    private static let emptyBody: StaticString = "-"
}

@available(*, unavailable)
extension CurlEasyHandle: Sendable {}

/// CURLOPT_HEADERFUNCTION: one raw header line (status line and blank line included) for the transfer in `userdata`.
private let curlHeaderCallback: jwtgate_curl_data_callback = { buffer, size, count, userdata in
    let length = size * count
    guard let buffer, let userdata else { return length }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    transfer.receivedHeaderLine(UnsafeRawBufferPointer(start: buffer, count: length))
    return length
}

/// CURLOPT_WRITEFUNCTION: a piece of the de-chunked body for the transfer in `userdata`.
private let curlWriteCallback: jwtgate_curl_data_callback = { buffer, size, count, userdata in
    let length = size * count
    guard let buffer, let userdata else { return length }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    transfer.receivedBody(UnsafeRawBufferPointer(start: buffer, count: length))
    return length
}
