import JWTGateCore

/// Receives one upstream answer on the loop that runs the transfer — what a client connection
/// implements. Calls come in order: `upstreamHead`, then `upstreamBody` any number of times, then
/// `upstreamEnd`; or `upstreamFailed` at any point (after the head: the client connection must be
/// closed, its answer is cut). Nothing is called after `upstreamEnd`, `upstreamFailed` or `cancel()`.
///
/// `upstreamHead` and `upstreamBody` run inside libcurl's callbacks: the delegate may call any method of
/// its `LoopUpstreamTransfer` there (they are deferred until libcurl returns) and may start other
/// transfers, but must not block.
protocol LoopUpstreamDelegate: AnyObject {
    /// Status and headers of the final answer (1xx skipped), names and values as received, repeats in order.
    func upstreamHead(status: Int, headers: [(name: String, value: String)])

    /// A piece of the (de-chunked) body, valid only during the call. Return true when it was taken whole,
    /// false to take none of it: the transfer pauses (the upstream socket is no longer read, so TCP pushes
    /// back) and the same bytes come again after `resumeAnswer()`.
    func upstreamBody(_ bytes: UnsafeRawBufferPointer) -> Bool

    func upstreamEnd()
    func upstreamFailed(_ error: UpstreamError)

    /// The request body buffer has room again after `writeBody` took less than offered (on a later turn).
    func upstreamRequestBodySpace()
}

extension LoopUpstreamDelegate {
    func upstreamRequestBodySpace() {}
}

/// One request to forward from a loop. Framing is libcurl's: give the body's length when known.
struct LoopUpstreamRequest {
    enum Body: Equatable {
        /// No body (POST, PUT and PATCH are sent with `Content-Length: 0`).
        case none
        /// Exactly this many bytes will be written (`Content-Length`).
        case length(Int)
        /// Length unknown: sent `Transfer-Encoding: chunked`.
        case chunked
    }

    var method: String
    /// Absolute, canonical URL; sent byte for byte.
    var url: String
    /// Sent in order; `Content-Length`, `Transfer-Encoding` and `Expect` are dropped (see `CurlHeaderList`).
    var headers: [(name: String, value: String)]
    var body: Body
    /// https only: PEM file of the CAs to trust instead of the system's (chain and host name always verified).
    var caFile: String?
    /// https only: the client certificate presented when the upstream asks for one; nil: none.
    var clientCertificate: UpstreamClientCertificate?
    /// https only: the oldest TLS version accepted.
    var minTLSVersion: ListenerTLSConfig.Version
    /// TCP (and TLS) connect, libcurl's CURLOPT_CONNECTTIMEOUT_MS.
    var connectTimeout: Duration
    /// From the end of the request body (the start, without one) to the answer's head.
    var firstByteTimeout: Duration
    /// The whole exchange from the start, time spent paused included.
    var totalTimeout: Duration

    init(
        method: String, url: String, headers: [(name: String, value: String)] = [], body: Body = .none,
        caFile: String? = nil, clientCertificate: UpstreamClientCertificate? = nil,
        minTLSVersion: ListenerTLSConfig.Version = .tls12, connectTimeout: Duration = .seconds(5),
        firstByteTimeout: Duration = .seconds(30), totalTimeout: Duration = .seconds(120)
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.caFile = caFile
        self.clientCertificate = clientCertificate
        self.minTLSVersion = minTLSVersion
        self.connectTimeout = connectTimeout
        self.firstByteTimeout = firstByteTimeout
        self.totalTimeout = totalTimeout
    }
}
