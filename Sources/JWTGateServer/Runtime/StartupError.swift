import JWTGateCore

/// Why the gateway would not start: configuration problems (with file, key and fix) or a resource
/// that could not be opened.
public struct StartupError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }

    public init(_ error: ConfigError) { description = error.description }

    init(file: String, keyError: JWTKeyError) {
        description = "\(file): \(keyError.key): \(keyError.problem) — \(keyError.fix)"
    }
}
