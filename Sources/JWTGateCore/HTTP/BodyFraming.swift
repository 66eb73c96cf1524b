/// How the body of a request is delimited, decided once from its head (RFC 9112 §6.3). The connection
/// reads exactly this much and never guesses: a request without Content-Length or Transfer-Encoding has
/// no body, whatever bytes follow.
public enum BodyFraming: Sendable, Hashable {
    case none
    case contentLength(Int)
    case chunked
}
