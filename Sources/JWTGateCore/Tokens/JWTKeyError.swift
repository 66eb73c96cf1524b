/// A key configuration the gateway refuses to start with (the library would answer 500 on every
/// request instead: interface.md difference 2).
public struct JWTKeyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The `jwt.` key at fault, e.g. "jwt.public_key_file".
    public let key: String
    public let problem: String
    public let fix: String

    public init(key: String, problem: String, fix: String) {
        self.key = key
        self.problem = problem
        self.fix = fix
    }

    public var description: String { "\(key): \(problem) — \(fix)" }
}
