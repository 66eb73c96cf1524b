import Synchronization

/// The runtime requests read now. A reload (SIGHUP) swaps it whole: a request that already took the
/// old one finishes with it, every later one sees the new one; nothing is ever half-applied.
final class RuntimeHolder: Sendable {
    private let runtime: Mutex<GatewayRuntime>

    init(_ runtime: GatewayRuntime) { self.runtime = Mutex(runtime) }

    var current: GatewayRuntime { runtime.withLock { $0 } }

    func replace(with next: GatewayRuntime) { runtime.withLock { $0 = next } }
}
