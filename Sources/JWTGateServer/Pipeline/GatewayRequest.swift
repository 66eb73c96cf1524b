import JWTGateCore
import NIOCore

/// One request as the pipeline sees it: the parser's head, the body when the pipeline needs it (token
/// views; the NIO plane also buffers proxied bodies), and who sent it. Neither plane's types leak in:
/// the NIO server converts its head (`RequestHead(nio:)`), the loop server passes the parser's.
struct GatewayRequest: Sendable {
    var head: RequestHead
    /// The whole body, when it was read before deciding (token views, and every request on the NIO plane).
    var body: ByteBuffer?
    /// Peer address bytes (4 or 16) and text, for X-Forwarded-For and trusted-proxy checks.
    var peerBytes: [UInt8]
    var peerText: String
    /// Monotonic time when the head arrived.
    var startedAt: UInt64
    /// The request came over TLS (X-Forwarded-Proto: https; the cookie's `Secure` when configured).
    var isTLS = false
    /// The verified client certificate's subject, forwarded as `X-Auth-Client-Subject`.
    var clientSubject: String?
}

/// What the pipeline decided for a request.
enum PipelineResult: Sendable {
    /// The gateway answers itself.
    case answer(GatewayAnswer, GatewayMetrics.Series)
    /// Forward to an upstream; the connection streams the answer back.
    case forward(ForwardPlan)
}

/// A request ready for libcurl, plus what the connection needs to report on it.
struct ForwardPlan: Sendable {
    var request: UpstreamRequest
    var target: GatewayMetrics.Series
    var upstream: UpstreamTarget
    var userID: String?
    var requestID: String
    /// The trace the upstream continues (`traceparent`), logged as `trace.id`.
    var traceID: String
    /// Whom the transfer counts against for `server.max_transfers_per_client` (a retry keeps it).
    var client: ClientAddressKey
    /// For a retry on another upstream after a refused connection.
    var match: RouteMatch
    var query: String?
    var attempts = 1
}

/// Synchronous when it can be (the hot path); otherwise blocking work (a password hash, a SQL lookup)
/// that the connection runs on the blocking pool, bringing the result back to its own loop — NIO's
/// `runIfActive(eventLoop:)` on the NIO plane, `IOLoopHandle.execute` on the loop plane.
enum PipelineStep {
    case done(PipelineResult)
    case blocking(@Sendable () -> PipelineResult)
}
