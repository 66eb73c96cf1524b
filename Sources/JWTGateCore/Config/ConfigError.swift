/// Every problem found in the configuration files, reported at once (oauth2-proxy's validators do the same).
/// `description` is exactly what `jwtgate check-config` prints.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var issues: [ConfigIssue]

    public init(issues: [ConfigIssue]) {
        self.issues = issues
    }

    public var description: String {
        let header = issues.count == 1
            ? "configuration has 1 problem:"
            : "configuration has \(issues.count) problems:"
        return ([header] + issues.map { "  " + $0.description }).joined(separator: "\n")
    }
}

extension ConfigLoader {
    /// The text `jwtgate check-config` prints for a failed load (the same as `error.description`).
    public static func render(_ error: ConfigError) -> String {
        error.description
    }
}
