import JWTGateCore
import Logging
import NIOCore
import NIOPosix

/// A started gateway: event loops, blocking pool, curl driver and listeners. `GatewayService`
/// runs one under ServiceLifecycle; tests start one directly on port 0.
public final class RunningGateway: Sendable {
    private let holder: RuntimeHolder
    /// The configuration in force now (changes on `reload`).
    public var runtime: GatewayRuntime { holder.current }
    /// The bound addresses (real ports when the configuration said 0).
    public let addresses: [SocketAddress]
    let metrics: GatewayMetrics
    let state: GatewayState
    private let group: MultiThreadedEventLoopGroup
    private let threadPool: NIOThreadPool
    private let client: UpstreamClient
    private let listeners: [any Channel]
    private let logger: Logger
    private let idleSweep: RepeatedTask

    public static func start(runtime: GatewayRuntime, logger: Logger) async throws -> RunningGateway {
        let server = runtime.config.server
        let group = MultiThreadedEventLoopGroup(numberOfThreads: server.eventLoopThreads > 0 ? server.eventLoopThreads : System.coreCount)
        let threadPool = NIOThreadPool(numberOfThreads: server.blockingThreads > 0 ? server.blockingThreads : System.coreCount)
        threadPool.start()
        let client = UpstreamClient(maxConnectionsPerHost: server.upstreamMaxConnectionsPerHost,
                                    maxTotalConnections: server.upstreamMaxConnections, logger: logger)
        do {
            try client.start()
            let metrics = GatewayMetrics()
            let state = GatewayState()
            let holder = RuntimeHolder(runtime)
            let pipeline = RequestPipeline(holder: holder, metrics: metrics, threadPool: threadPool, state: state, logger: logger)
            let listeners = try await GatewayServer(pipeline: pipeline, client: client, group: group).bind()
            let idleSweep = group.next().scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in
                state.checkIdleConnections()
                let runtime = holder.current
                let now = GatewayClock.monotonicSeconds()
                runtime.obtainPerIP?.sweep(now: now)
                runtime.obtainPerUsername?.sweep(now: now)
            }
            return RunningGateway(holder: holder, idleSweep: idleSweep, addresses: listeners.compactMap(\.localAddress), metrics: metrics,
                                  state: state, group: group, threadPool: threadPool, client: client,
                                  listeners: listeners, logger: logger)
        } catch {
            client.shutdown()
            try? await threadPool.shutdownGracefully()
            try? await group.shutdownGracefully()
            throw error
        }
    }

    private init(holder: RuntimeHolder, idleSweep: RepeatedTask, addresses: [SocketAddress], metrics: GatewayMetrics, state: GatewayState,
                 group: MultiThreadedEventLoopGroup, threadPool: NIOThreadPool, client: UpstreamClient,
                 listeners: [any Channel], logger: Logger) {
        self.holder = holder
        self.idleSweep = idleSweep
        self.addresses = addresses
        self.metrics = metrics
        self.state = state
        self.group = group
        self.threadPool = threadPool
        self.client = client
        self.listeners = listeners
        self.logger = logger
    }

    public var port: Int { addresses.first?.port ?? 0 }

    /// Re-reads the configuration files (SIGHUP) and swaps the runtime: routes, users, keys, limits,
    /// logging of requests. On any problem the running configuration stays and every problem is
    /// logged. Listen addresses and thread counts are bound at start and need a restart.
    @discardableResult
    public func reload() -> Result<GatewayRuntime, StartupError> {
        let old = holder.current
        let next: GatewayRuntime
        do {
            next = try GatewayRuntime(config: try ConfigLoader.load(path: old.config.sourceFile))
        } catch let error as ConfigError {
            return reloadFailed(StartupError(error))
        } catch let error as StartupError {
            return reloadFailed(error)
        } catch {
            return reloadFailed(StartupError(String(describing: error)))
        }
        let fixed = old.config.server
        let asked = next.config.server
        if fixed.listen != asked.listen || fixed.eventLoopThreads != asked.eventLoopThreads
            || fixed.blockingThreads != asked.blockingThreads {
            logger.warning("config.reload.partial", metadata: [
                "reason": "server.listen, event_loop_threads and blocking_threads apply at the next restart",
            ])
        }
        holder.replace(with: next)
        metrics.reloads.increment()
        logger.notice("config.reloaded", metadata: [
            "config": "\(next.config.sourceFile)", "routes": "\(next.config.routes.count)",
        ])
        return .success(next)
    }

    private func reloadFailed(_ error: StartupError) -> Result<GatewayRuntime, StartupError> {
        metrics.reloadFailures.increment()
        logger.error("config.reload.failed", metadata: ["problems": "\(error.description)"])
        return .failure(error)
    }

    public var isDraining: Bool { state.isDraining }

    /// Until the listeners close (on their own, or through `stop`).
    public func waitForListenersToClose() async {
        await withTaskGroup(of: Void.self) { tasks in
            for channel in listeners { tasks.addTask { try? await channel.closeFuture.get() } }
        }
    }

    /// Readiness turns 503 now; after `grace` the listeners close and idle connections are closed;
    /// requests in flight get until `timeout` to finish; then everything stops.
    public func drainAndStop(grace: Duration, timeout: Duration) async {
        state.startDraining()
        metrics.draining.set(1.0)
        if grace > .zero { try? await Task.sleep(for: grace) }
        for channel in listeners { try? await channel.close() }
        state.closeIdleConnections()
        let deadline = ContinuousClock.now + timeout
        while state.openConnections.load(ordering: .relaxed) > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        let left = state.openConnections.load(ordering: .relaxed)
        idleSweep.cancel()
        client.shutdown()
        try? await threadPool.shutdownGracefully()
        try? await group.shutdownGracefully()
        logger.notice("gateway.stopped", metadata: ["connections.cut": "\(left)"])
    }
}
