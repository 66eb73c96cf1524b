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

extension RouteConfig {
    /// How much a route asks of a request, for choosing among the routes a path's readings match. A
    /// client-certificate requirement outranks every auth mode (a subject list outranks any certificate),
    /// so a variant reading can never carry a request from a certificate-only route to one without the
    /// requirement; within a certificate level, `required` > `optional` > `none`.
    public var strictness: Int {
        let certificate = allowedClientSubjects != nil ? 2 : (requireClientCertificate ? 1 : 0)
        return certificate * 3 + auth.strictness
    }

    public func isStricter(than other: RouteConfig) -> Bool { strictness > other.strictness }
}
