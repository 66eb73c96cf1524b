/// Why a forwarded request failed. Equality is on the kind only; `description` adds libcurl's code for logs.
public struct UpstreamError: Error, Equatable, Sendable, CustomStringConvertible {
    private enum Code: Equatable, Sendable {
        case connectFailed
        case timedOut
        case resetOrProtocol
        case invalidRequest
        case shutdown
        case invalidFraming
    }

    private let code: Code
    /// The libcurl `CURLcode` behind this error, when there is one (for logs only).
    public let curlCode: Int?

    private init(_ code: Code, curlCode: Int? = nil) {
        self.code = code
        self.curlCode = curlCode
    }

    /// The upstream could not be reached (connection refused, unresolvable name). Answer 502.
    public static let connectFailed = UpstreamError(.connectFailed)
    /// Connecting or the response took longer than the request's timeout. Answer 504.
    public static let timedOut = UpstreamError(.timedOut)
    /// The connection was reset, closed early, or the upstream's reply was not valid HTTP/1.x. Answer 502.
    public static let resetOrProtocol = UpstreamError(.resetOrProtocol)
    /// The request could not be sent as given (malformed URL, CR/LF/NUL in a header). Answer 502.
    public static let invalidRequest = UpstreamError(.invalidRequest)
    /// The client is not running (not started, or shut down while the transfer was in flight). Answer 502.
    public static let shutdown = UpstreamError(.shutdown)
    /// The upstream's answer framed its body ambiguously (Content-Length with Transfer-Encoding,
    /// conflicting or malformed Content-Lengths): a request-smuggling vector, never forwarded. Answer 502.
    public static let invalidFraming = UpstreamError(.invalidFraming)

    static func connectFailed(curlCode: Int) -> UpstreamError { UpstreamError(.connectFailed, curlCode: curlCode) }
    static func timedOut(curlCode: Int) -> UpstreamError { UpstreamError(.timedOut, curlCode: curlCode) }
    static func resetOrProtocol(curlCode: Int) -> UpstreamError { UpstreamError(.resetOrProtocol, curlCode: curlCode) }
    static func invalidRequest(curlCode: Int) -> UpstreamError { UpstreamError(.invalidRequest, curlCode: curlCode) }

    /// True when the right answer is 504 rather than 502.
    public var isTimeout: Bool { self.code == .timedOut }

    /// True when no connection could be made at all, so the request never reached the upstream
    /// (a candidate for ejecting that upstream from a round robin).
    public var refusedConnection: Bool { self.code == .connectFailed }

    public static func == (lhs: UpstreamError, rhs: UpstreamError) -> Bool { lhs.code == rhs.code }

    public var description: String {
        let kind: String
        switch self.code {
        case .connectFailed: kind = "upstream connect failed"
        case .timedOut: kind = "upstream timed out"
        case .resetOrProtocol: kind = "upstream reset the connection or sent an invalid reply"
        case .invalidRequest: kind = "request could not be sent upstream"
        case .shutdown: kind = "upstream client is shut down"
        case .invalidFraming: kind = "upstream answer had conflicting framing (Content-Length and Transfer-Encoding, or differing lengths)"
        }
        if let curlCode { return "\(kind) (curl code \(curlCode))" }
        return kind
    }
}
