/// One entry of `routes.yaml`, compiled once at start-up; the request path only reads it.
public final class Route: Sendable {
    public let config: RouteConfig
    /// The configured prefix in canonical form (the form request paths are matched in).
    public let prefix: String
    /// Upper-cased; nil = every method.
    public let methods: Set<String>?
    public let upstreams: UpstreamPool
    /// 0-based position in the routes file, used to break ties between identical prefixes.
    public let position: Int

    public init(_ config: RouteConfig, position: Int) {
        self.config = config
        self.prefix = RouteTable.canonicalPrefix(config.path)
        self.methods = config.methods.map { Set($0.map { $0.uppercased() }) }
        self.upstreams = UpstreamPool(config.upstreams)
        self.position = position
    }

    /// Exact comparison: HTTP methods are case-sensitive, and a Django view lower-cases the method before
    /// dispatch, so letting `delete` through a `[GET]` route would reach `delete()` upstream.
    public func allows(method: String) -> Bool {
        guard let methods else { return true }
        return methods.contains(method)
    }
}
