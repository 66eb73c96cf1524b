import JWTGateCore
import NIOCore

/// One request to forward, exactly as it must reach the upstream.
public struct UpstreamRequest: Sendable {
    /// Sent as is (`HEAD` is sent without reading a body back).
    public var method: String
    /// Absolute, already canonical URL (`http://127.0.0.1:9001/api/x?y=1`); reaches the upstream byte for byte.
    public var url: String
    /// The headers to send, in order, `Host` among them. The client adds none of its own (no `Accept`,
    /// no form `Content-Type`, no `Expect`). Framing is the client's job: any `Content-Length`,
    /// `Transfer-Encoding` or `Expect` given here is dropped and `Content-Length` is computed from `body`.
    /// An empty value is sent as an empty header. Names or values containing CR, LF or NUL (or a name
    /// containing `:`) fail the transfer with `UpstreamError.invalidRequest`.
    public var headers: [(name: String, value: String)]
    /// The request body, sent with its `Content-Length`. `nil` means "no body": no `Content-Length` is
    /// sent, except for POST, PUT and PATCH, which always get one (`Content-Length: 0` for `nil`).
    public var body: ByteBuffer?
    /// Connect plus the whole response. Time spent paused by `UpstreamTransfer.pause()` does not count.
    public var timeout: Duration
    /// For https URLs: a PEM file of the CAs to trust instead of the system's. The certificate and the
    /// host name are always verified.
    public var caFile: String?
    /// For https URLs: the client certificate to present when the upstream asks for one; nil: none.
    public var clientCertificate: UpstreamClientCertificate?
    /// For https URLs: the oldest TLS version accepted.
    public var minTLSVersion: ListenerTLSConfig.Version

    public init(
        method: String,
        url: String,
        headers: [(name: String, value: String)],
        body: ByteBuffer? = nil,
        timeout: Duration = .seconds(30),
        caFile: String? = nil,
        clientCertificate: UpstreamClientCertificate? = nil,
        minTLSVersion: ListenerTLSConfig.Version = .tls12
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.caFile = caFile
        self.clientCertificate = clientCertificate
        self.minTLSVersion = minTLSVersion
    }
}
