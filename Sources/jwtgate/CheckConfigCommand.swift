import ArgumentParser
import JWTGateCore
import JWTGateServer

struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate gateway.yaml and the routes and users files it names.",
        discussion: "Prints every problem with file, key, line and the fix, or \"configuration is valid\". Exit status 0 or 1. Warnings (routes that upstreams reading paths differently could reach without a token, TLS certificates that expire within 14 days) go to standard error and do not change the exit status."
    )

    @OptionGroup var options: ConfigOption

    func run() throws {
        let runtime = try loadRuntime(options.config)
        let config = runtime.config
        print("configuration is valid: \(config.sourceFile)")
        print("  \(config.routes.count) route(s), users: \(describe(config.users.backend)), algorithm \(config.jwt.algorithm.rawValue)")
        for warning in PathVariantReview.warnings(for: config) + TLSCertificateReview.warnings(for: config) {
            printError("warning: \(warning)")
        }
    }

    private func describe(_ backend: UserBackend) -> String {
        switch backend {
        case .file(let path, let users): return "file \(path) (\(users.count) users)"
        case .sqlite(let path): return "sqlite \(path)"
        case .postgres: return "postgres"
        }
    }
}
