import JWTGateCore
import Logging
import NIOCore
import NIOPosix

/// A started gateway: the data plane `server.data_plane` names (SwiftNIO event loops + curl driver
/// thread, or the per-core `IOLoop`s), one blocking pool for both, and the listeners. `GatewayService`
/// runs one under ServiceLifecycle; tests start one directly on port 0.
public final class RunningGateway: Sendable {
    private enum Plane: Sendable {
        case nio(group: MultiThreadedEventLoopGroup, client: UpstreamClient, listeners: [any Channel], idleSweep: RepeatedTask)
        case loop(LoopGatewayServer, sweep: Task<Void, Never>)
    }

    private let holder: RuntimeHolder
    /// The configuration in force now (changes on `reload`).
    public var runtime: GatewayRuntime { holder.current }
    /// The bound addresses (real ports when the configuration said 0).
    public let addresses: [SocketAddress]
    /// Which server carries the requests (fixed at start).
    public let dataPlane: DataPlane
    let metrics: GatewayMetrics
    let state: GatewayState
    private let threadPool: NIOThreadPool
    private let plane: Plane
    private let logger: Logger

    public static func start(runtime: GatewayRuntime, logger: Logger) async throws -> RunningGateway {
        let server = runtime.config.server
        let threadPool = NIOThreadPool(numberOfThreads: server.blockingThreads > 0 ? server.blockingThreads : System.coreCount)
        threadPool.start()
        let metrics = GatewayMetrics()
        let state = GatewayState()
        let holder = RuntimeHolder(runtime)
        let pipeline = RequestPipeline(holder: holder, metrics: metrics, threadPool: threadPool, state: state, logger: logger)
        switch server.dataPlane {
        case .nio:
            return try await startNIO(pipeline: pipeline, threadPool: threadPool, logger: logger)
        case .loop:
            do {
                let server = try await LoopGatewayServer.start(pipeline: pipeline, threadPool: threadPool, logger: logger)
                server.certificateWatcher.loaded(runtime.config.server.listen)
                let sweep = Task {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(1))
                        Self.sweepThrottles(holder)
                        server.rotateTicketKeysIfDue()
                        server.certificateWatcher.check(config: holder.current.config, server: server, metrics: metrics, logger: logger)
                    }
                }
                return RunningGateway(holder: holder, plane: .loop(server, sweep: sweep), addresses: server.addresses,
                                      dataPlane: .loop, metrics: metrics, state: state, threadPool: threadPool, logger: logger)
            } catch {
                try? await threadPool.shutdownGracefully()
                throw error
            }
        }
    }

    private static func startNIO(pipeline: RequestPipeline, threadPool: NIOThreadPool, logger: Logger) async throws -> RunningGateway {
        let server = pipeline.runtime.config.server
        let group = MultiThreadedEventLoopGroup(numberOfThreads: server.eventLoopThreads > 0 ? server.eventLoopThreads : System.coreCount)
        let client = UpstreamClient(maxConnectionsPerHost: server.upstreamMaxConnectionsPerHost,
                                    maxTotalConnections: server.upstreamMaxConnections, logger: logger)
        do {
            try client.start()
            let listeners = try await GatewayServer(pipeline: pipeline, client: client, group: group).bind()
            let state = pipeline.state
            let holder = pipeline.holder
            let idleSweep = group.next().scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in
                state.checkIdleConnections()
                Self.sweepThrottles(holder)
            }
            return RunningGateway(holder: holder, plane: .nio(group: group, client: client, listeners: listeners, idleSweep: idleSweep),
                                  addresses: listeners.compactMap(\.localAddress), dataPlane: .nio, metrics: pipeline.metrics,
                                  state: state, threadPool: threadPool, logger: logger)
        } catch {
            client.shutdown()
            try? await threadPool.shutdownGracefully()
            try? await group.shutdownGracefully()
            throw error
        }
    }

    private static func sweepThrottles(_ holder: RuntimeHolder) {
        let runtime = holder.current
        let now = GatewayClock.monotonicSeconds()
        runtime.obtainPerIP?.sweep(now: now)
        runtime.obtainPerUsername?.sweep(now: now)
    }

    private init(holder: RuntimeHolder, plane: Plane, addresses: [SocketAddress], dataPlane: DataPlane, metrics: GatewayMetrics,
                 state: GatewayState, threadPool: NIOThreadPool, logger: Logger) {
        self.holder = holder
        self.plane = plane
        self.addresses = addresses
        self.dataPlane = dataPlane
        self.metrics = metrics
        self.state = state
        self.threadPool = threadPool
        self.logger = logger
    }

    public var port: Int { addresses.first?.port ?? 0 }

    /// Re-reads the configuration files (SIGHUP) and swaps the runtime: routes, users, keys, limits,
    /// logging of requests. On any problem the running configuration stays and every problem is
    /// logged. Listen addresses, thread counts and the data plane are bound at start and need a restart.
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
        if case .loop(let server, _) = plane {
            // Certificates are read again on every reload (a cert manager's hook sends SIGHUP); a pair that
            // does not load keeps the running certificates, and the rest of the reload with them.
            do {
                try server.reloadTLS(next.config.server.listen, metrics: metrics, logger: logger)
                server.certificateWatcher.loaded(next.config.server.listen)
            } catch {
                return reloadFailed(error)
            }
        }
        let fixed = old.config.server
        let asked = next.config.server
        if fixed.listen.map(\.description) != asked.listen.map(\.description) || fixed.eventLoopThreads != asked.eventLoopThreads
            || fixed.blockingThreads != asked.blockingThreads || fixed.dataPlane != asked.dataPlane
            || fixed.maxConnections != asked.maxConnections {
            logger.warning("config.reload.partial", metadata: [
                "reason": "server.listen, event_loop_threads, blocking_threads, data_plane and max_connections apply at the next restart",
            ])
        }
        holder.replace(with: next)
        metrics.reloads.increment()
        // A certificate about to expire is worth a line at every reload, as at start.
        for warning in TLSCertificateReview.warnings(for: next.config) {
            logger.warning("config.warning", metadata: ["config.issue": "\(warning)"])
        }
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
        switch plane {
        case .nio(_, _, let listeners, _):
            await withTaskGroup(of: Void.self) { tasks in
                for channel in listeners { tasks.addTask { try? await channel.closeFuture.get() } }
            }
        case .loop(let server, _):
            await server.waitForListenersToClose()
        }
    }

    /// Readiness turns 503 now; after `grace` the listeners close and idle connections are closed;
    /// requests in flight get until `timeout` to finish; then everything stops.
    public func drainAndStop(grace: Duration, timeout: Duration) async {
        state.startDraining()
        metrics.draining.set(1.0)
        if grace > .zero { try? await Task.sleep(for: grace) }
        switch plane {
        case .nio(_, _, let listeners, _):
            for channel in listeners { try? await channel.close() }
            state.closeIdleConnections()
        case .loop(let server, _):
            await server.closeListeners()
            server.closeIdleConnections()
        }
        let deadline = ContinuousClock.now + timeout
        while state.openConnections.load(ordering: .relaxed) > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        let left = state.openConnections.load(ordering: .relaxed)
        switch plane {
        case .nio(let group, let client, _, let idleSweep):
            idleSweep.cancel()
            client.shutdown()
            try? await threadPool.shutdownGracefully()
            try? await group.shutdownGracefully()
        case .loop(let server, let sweep):
            sweep.cancel()
            await server.shutdown()
            try? await threadPool.shutdownGracefully()
        }
        logger.notice("gateway.stopped", metadata: ["connections.cut": "\(left)"])
    }
}
