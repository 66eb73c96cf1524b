import ArgumentParser
import JWTGateCore
import JWTGateServer

#if canImport(Glibc)
import Glibc
#endif

/// Prints to standard error (errors and diagnostics never go to stdout, which carries results).
func printError(_ message: String) {
    var text = message
    if !text.hasSuffix("\n") { text += "\n" }
    writeToStandardError(text)
}

/// write(2) to fd 2: the C `stderr` global is not concurrency-safe in Swift 6.
func writeToStandardError(_ text: String) {
    var bytes = Array(text.utf8)
    writeToStandardError(&bytes)
}

func writeToStandardError(_ bytes: inout [UInt8]) {
    bytes.withUnsafeBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let n = write(STDERR_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
            if n <= 0 { return }
            offset += n
        }
    }
}

/// Loads and compiles the configuration, or prints every problem and exits 1. `adjust` applies
/// command-line overrides before the runtime is built.
func loadRuntime(_ path: String, adjust: (inout GatewayConfig) -> Void = { _ in }) throws -> GatewayRuntime {
    var config: GatewayConfig
    do {
        config = try ConfigLoader.load(path: path)
        adjust(&config)
    } catch {
        printError(error.description)
        throw ExitCode(1)
    }
    do {
        return try GatewayRuntime(config: config)
    } catch {
        printError(error.description)
        throw ExitCode(1)
    }
}
