import JWTGateCore
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// The gateway as a `Service` in a ServiceGroup: it runs until graceful shutdown (SIGTERM/SIGINT),
/// then drains (see `RunningGateway.drainAndStop`).
public final class GatewayService: Service, Sendable {
    public let runtime: GatewayRuntime
    private let logger: Logger

    public init(runtime: GatewayRuntime, logger: Logger) {
        self.runtime = runtime
        self.logger = logger
    }

    public func run() async throws {
        let gateway = try await RunningGateway.start(runtime: runtime, logger: logger)
        logger.notice("gateway.listening", metadata: [
            "addresses": "\(gateway.addresses.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" }.joined(separator: ", "))",
            "config": "\(runtime.config.sourceFile)",
        ])
        let server = runtime.config.server
        // SIGHUP reloads the configuration files and reopens the access log, as nginx and HAProxy
        // users expect; SIGUSR1 only reopens the access log (logrotate's postrotate).
        let logger = self.logger
        let reloads = Task {
            for await signal in await UnixSignalsSequence(trapping: .sighup, .sigusr1) {
                if signal == .sighup { gateway.reload() }
                do {
                    try AccessLog.reopen()
                } catch {
                    logger.error("access_log.reopen.failed", metadata: ["error": "\(error)"])
                }
            }
        }
        defer { reloads.cancel() }
        // Suspends until the ServiceGroup relays SIGTERM/SIGINT (or the task is cancelled).
        try? await gracefulShutdown()
        logger.notice("gateway.draining", metadata: ["drain_grace": "\(server.drainGrace)"])
        await gateway.drainAndStop(grace: server.drainGrace, timeout: server.shutdownTimeout)
        AccessLog.flush()
    }
}
