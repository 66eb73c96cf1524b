import JWTGateCore

/// What a loop-plane connection reads from `server:` — copied at each request's start, so a reload
/// applies from the next request and the hot path never takes the runtime lock for it.
struct ConnectionSettings {
    var headerTimeout: Duration
    var bodyTimeout: Duration
    var sendTimeout: Duration
    var idleTimeout: Duration
    var routeBodyCap: Int
    var tokenBodyCap: Int
    var maxTransfersPerClient: Int
    var parseLimits: HTTPParseLimits

    /// Answer bytes queued per connection before the upstream transfer pauses.
    static let sendBufferLimit = 64 * 1024
    /// After the last answer of a closing connection: at most this much is read and dropped…
    static let lingerBudget = 64 * 1024
    /// …for at most this long.
    static let lingerTimeout: Duration = .seconds(2)

    /// Unconsumed input kept per connection: one head, plus one read of what follows it.
    static func inputLimit(_ settings: ConnectionSettings) -> Int { settings.parseLimits.maxHeadBytes + 64 * 1024 }

    init(_ server: ServerConfig) {
        headerTimeout = server.headerTimeout
        bodyTimeout = server.bodyTimeout
        sendTimeout = server.sendTimeout
        idleTimeout = server.idleTimeout
        routeBodyCap = server.maxBodyBytes
        tokenBodyCap = server.maxTokenBodyBytes
        maxTransfersPerClient = server.maxTransfersPerClient
        let head = max(1, server.maxHeaderBytes)
        parseLimits = HTTPParseLimits(maxHeadBytes: head, maxHeaderCount: 100, maxTargetBytes: head,
                                      maxBodyBytes: server.maxBodyBytes)
    }
}
