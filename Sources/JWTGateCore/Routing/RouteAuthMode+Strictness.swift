extension RouteAuthMode {
    /// `required` > `optional` > `none`: how much a route asks of a request before it reaches the upstream.
    /// When readings of one path match different routes, the strictest route serves it.
    public var strictness: Int {
        switch self {
        case .none: return 0
        case .optional: return 1
        case .required: return 2
        }
    }

    public func isStricter(than other: RouteAuthMode) -> Bool { strictness > other.strictness }
}
