import JWTGateCore
import Logging
import NIOCore
import NIOPosix

/// A started gateway: event loops, blocking pool, curl driver and listeners. `GatewayService`
/// runs one under ServiceLifecycle; tests start one directly on port 0.
public final class RunningGateway: Sendable {
    public let runtime: GatewayRuntime
    /// The bound addresses (real ports when the configuration said 0).
    public let addresses: [SocketAddress]
    let metrics: GatewayMetrics
    let state: GatewayState
    private let group: MultiThreadedEventLoopGroup
    private let threadPool: NIOThreadPool
    private let client: UpstreamClient
    private let listeners: [any Channel]
    private let logger: Logger

    public static func start(runtime: GatewayRuntime, logger: Logger) async throws -> RunningGateway {
        let server = runtime.config.server
        let group = MultiThreadedEventLoopGroup(numberOfThreads: server.eventLoopThreads > 0 ? server.eventLoopThreads : System.coreCount)
        let threadPool = NIOThreadPool(numberOfThreads: server.blockingThreads > 0 ? server.blockingThreads : System.coreCount)
        threadPool.start()
        let client = UpstreamClient(logger: logger)
        do {
            try client.start()
            let metrics = GatewayMetrics(routePaths: runtime.config.routes.map(\.path))
            let state = GatewayState()
            let pipeline = RequestPipeline(runtime: runtime, metrics: metrics, threadPool: threadPool, state: state, logger: logger)
            let listeners = try await GatewayServer(pipeline: pipeline, client: client, group: group).bind()
            return RunningGateway(runtime: runtime, addresses: listeners.compactMap(\.localAddress), metrics: metrics,
                                  state: state, group: group, threadPool: threadPool, client: client,
                                  listeners: listeners, logger: logger)
        } catch {
            client.shutdown()
            try? await threadPool.shutdownGracefully()
            try? await group.shutdownGracefully()
            throw error
        }
    }

    private init(runtime: GatewayRuntime, addresses: [SocketAddress], metrics: GatewayMetrics, state: GatewayState,
                 group: MultiThreadedEventLoopGroup, threadPool: NIOThreadPool, client: UpstreamClient,
                 listeners: [any Channel], logger: Logger) {
        self.runtime = runtime
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
        client.shutdown()
        try? await threadPool.shutdownGracefully()
        try? await group.shutdownGracefully()
        logger.notice("gateway.stopped", metadata: ["connections.cut": "\(left)"])
    }
}
