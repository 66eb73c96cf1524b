/// How a request path was read when it chose its route: as written (`exact`, the empty set) or as an
/// upstream with other path rules would read it (`path_variants` in routes.yaml).
public struct PathReading: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let exact: PathReading = []
    /// ASCII letters compared without case (IIS, Express with `caseSensitive: false`).
    public static let caseFolded = PathReading(rawValue: 1)
    /// Each segment's `;params` removed (Tomcat, Spring, Jetty).
    public static let semicolonParamsRemoved = PathReading(rawValue: 2)
    /// `/x` read as `/x/` (every framework routes both to one view, often by redirecting).
    public static let trailingSlashAdded = PathReading(rawValue: 4)

    /// `exact`, `case variant`, `case and trailing-slash variant`, … (for messages).
    public var description: String {
        if isEmpty { return "exact" }
        var parts: [String] = []
        if contains(.caseFolded) { parts.append("case") }
        if contains(.semicolonParamsRemoved) { parts.append("';'-parameter") }
        if contains(.trailingSlashAdded) { parts.append("trailing-slash") }
        return parts.joined(separator: " and ") + " variant"
    }
}
