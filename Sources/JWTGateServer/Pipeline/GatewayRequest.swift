import JWTGateCore
import NIOCore
import NIOHTTP1

/// One complete client request as the pipeline sees it: head, buffered body, and who sent it.
struct GatewayRequest: Sendable {
    var head: HTTPRequestHead
    var body: ByteBuffer?
    /// Peer address bytes (4 or 16) and text, for X-Forwarded-For and trusted-proxy checks.
    var peerBytes: [UInt8]
    var peerText: String
    /// Monotonic time when the head arrived.
    var startedAt: UInt64
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
    /// For a retry on another upstream after a refused connection.
    var match: RouteMatch
    var query: String?
    var attempts = 1
}

/// Synchronous when it can be (the hot path), a future when work had to leave the event loop.
enum PipelineStep {
    case done(PipelineResult)
    case pending(EventLoopFuture<PipelineResult>)
}
