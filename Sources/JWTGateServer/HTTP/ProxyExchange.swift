import JWTGateCore
import NIOCore
import NIOHTTP1

/// One proxied request in flight on a connection. Event-loop confined.
final class ProxyExchange {
    let plan: ForwardPlan
    let requestHead: HTTPRequestHead
    let startedAt: UInt64
    /// When this exchange's transfer was handed to libcurl (a retry is a new exchange): for
    /// `jwtgate_upstream_response_seconds`.
    let upstreamStartedAt = GatewayClock.monotonicNanoseconds()
    var transfer: UpstreamTransfer?
    /// The `max_transfers_per_client` slot the transfer holds; handed to the next exchange on a retry.
    var transferSlot: ClientAddressKey?
    var responseStatus: Int?
    var keepAlive = true
    var paused = false

    init(plan: ForwardPlan, requestHead: HTTPRequestHead, startedAt: UInt64) {
        self.plan = plan
        self.requestHead = requestHead
        self.startedAt = startedAt
    }
}

@available(*, unavailable)
extension ProxyExchange: Sendable {}
