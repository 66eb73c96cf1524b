import JWTGateCore
import NIOCore
import Synchronization

/// Liveness and readiness for load balancers: liveness says the process serves; readiness also
/// says the user store answers and the process is not draining (so it leaves rotation before it stops).
enum HealthEndpoints {
    static func health() -> GatewayAnswer {
        DRFAnswers.json(200, .object(JSONObject([("status", .string("ok"))])), headers: [("Cache-Control", "no-store")])
    }

    static func ready(_ status: String, detail: String? = nil) -> GatewayAnswer {
        var body = JSONObject([("status", .string(status))])
        if let detail { body["detail"] = .string(detail) }
        return DRFAnswers.json(status == "ready" ? 200 : 503, .object(body), headers: [("Cache-Control", "no-store")])
    }
}

/// Caches the user-store probe for a second so a busy health checker cannot hammer the database.
final class ReadinessProbe: Sendable {
    private struct Cached { var reachable: Bool; var checkedAt: UInt64 }
    private let cached = Mutex<Cached?>(nil)
    /// A probe started by `sample` is running on the pool.
    private let refreshing = Atomic<Bool>(false)
    private static let maxAge: UInt64 = 1_000_000_000

    func answer(pipeline: RequestPipeline) -> PipelineStep {
        if pipeline.state.isDraining { return .done(.answer(HealthEndpoints.ready("draining"), pipeline.metrics.ready)) }
        let store = pipeline.runtime.directory.store
        if store.isInMemory { return .done(.answer(HealthEndpoints.ready("ready"), pipeline.metrics.ready)) }
        let now = GatewayClock.monotonicNanoseconds()
        if let last = cached.withLock({ $0 }), now &- last.checkedAt < Self.maxAge {
            return .done(.answer(Self.render(last.reachable), pipeline.metrics.ready))
        }
        return .blocking { [self] () -> PipelineResult in
            .answer(Self.render(probe(store)), pipeline.metrics.ready)
        }
    }

    /// Blocking: asks the store, and keeps the answer for /readyz and `jwtgate_ready` alike.
    private func probe(_ store: any UserStore) -> Bool {
        let reachable = (try? store.checkReachable()) != nil
        cached.withLock { $0 = Cached(reachable: reachable, checkedAt: GatewayClock.monotonicNanoseconds()) }
        return reachable
    }

    /// What /readyz answers now, as `jwtgate_ready` reports it, without blocking the scrape: draining and an
    /// in-memory store are known at once; a database store's last probe is used — the one the load
    /// balancer's /readyz checks keep fresh — and one older than a second is refreshed on the pool for
    /// the next scrape. Before the first probe has finished, not ready.
    func sample(pipeline: RequestPipeline) -> Bool {
        if pipeline.state.isDraining { return false }
        let store = pipeline.runtime.directory.store
        if store.isInMemory { return true }
        let last = cached.withLock { $0 }
        if last.map({ GatewayClock.monotonicNanoseconds() &- $0.checkedAt >= Self.maxAge }) ?? true,
           !refreshing.exchange(true, ordering: .relaxed) {
            pipeline.threadPool.submit { [self] state in
                defer { refreshing.store(false, ordering: .relaxed) }
                guard state == .active else { return }
                _ = probe(store)
            }
        }
        return last?.reachable ?? false
    }

    private static func render(_ reachable: Bool) -> GatewayAnswer {
        reachable ? HealthEndpoints.ready("ready") : HealthEndpoints.ready("unavailable", detail: "user store unreachable")
    }
}
