import ArgumentParser
import JWTGateCore
import JWTGateServer
import Logging
import ServiceLifecycle

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the gateway.",
        discussion: "Stops gracefully on SIGTERM or SIGINT: /readyz answers 503 at once, listeners close after server.drain_grace, in-flight requests finish."
    )

    @OptionGroup var options: ConfigOption

    @Option(help: ArgumentHelp("Override logging.level (trace, debug, info, notice, warning, error, critical).", valueName: "level"))
    var logLevel: String?

    @Option(help: ArgumentHelp("Override server.data_plane (nio, loop) for this run.", valueName: "plane"))
    var dataPlane: String?

    func run() async throws {
        var plane: DataPlane?
        if let dataPlane {
            guard let parsed = DataPlane(rawValue: dataPlane) else {
                throw ValidationError("--data-plane must be nio or loop")
            }
            plane = parsed
        }
        let runtime = try loadRuntime(options.config) { config in
            if let plane { config.server.dataPlane = plane }
        }
        let logging = runtime.config.logging
        var level = Logger.Level(rawValue: logging.level.rawValue) ?? .info
        if let logLevel {
            guard let parsed = Logger.Level(rawValue: logLevel) else {
                throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
            }
            level = parsed
        }
        let format = logging.format
        let chosenLevel = level
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = format == .json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = chosenLevel
            return handler
        }
        let logger = Logger(label: "jwtgate")
        // Access-log lines go to a buffer written in batches off the request threads.
        let accessLog = try AccessLogSink(destination: logging.accessLogPath.map { .file($0) } ?? .standardError,
                                          capacity: logging.accessLogBuffer)
        try accessLog.start()
        AccessLog.bootstrap(accessLog, format: format == .json ? .json : .text)
        defer { accessLog.stop() }
        for warning in PathVariantReview.warnings(for: runtime.config) + TLSCertificateReview.warnings(for: runtime.config) {
            logger.warning("config.warning", metadata: ["config.issue": "\(warning)"])
        }
        let service = GatewayService(runtime: runtime, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [.init(service: service)],
                                                      gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
