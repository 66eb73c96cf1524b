/// One problem found while loading the configuration: where it is (file, dotted key, line) and how to fix it.
///
/// Messages never quote a secret (`secret_key`, private keys, database URLs, password hashes, extra user fields).
public struct ConfigIssue: Sendable, Equatable, CustomStringConvertible {
    /// The file as the operator named it (the gateway file as given, the others resolved next to it).
    public var file: String
    /// Dotted path of the key: `jwt.algorithm`, `routes[2].upstream`, `users[0].password`; empty for the whole file.
    public var key: String
    /// 1-based line, nil when the problem has no place in the file (a missing file, a missing section).
    public var line: Int?
    public var problem: String
    public var fix: String

    public init(file: String, key: String, line: Int?, problem: String, fix: String) {
        self.file = file
        self.key = key
        self.line = line
        self.problem = problem
        self.fix = fix
    }

    /// `<file>:<line>: <key>: <problem> — <fix>`
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if !key.isEmpty { text += "\(key): " }
        text += problem
        if !fix.isEmpty { text += " — \(fix)" }
        return text
    }
}
