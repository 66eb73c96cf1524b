/// Longest-prefix route lookup whose cost depends on the request path's segment count, never on the
/// number of routes: every segment boundary of the path is probed in a hash of prefixes, longest first.
public final class RouteTable: Sendable {
    public let routes: [Route]
    /// Prefix → first route listed with it (later duplicates lose the tie).
    private let byPrefix: [Substring: Route]

    public init(_ configs: [RouteConfig]) {
        var routes: [Route] = []
        routes.reserveCapacity(configs.count)
        var byPrefix: [Substring: Route] = [:]
        byPrefix.reserveCapacity(configs.count)
        for (position, config) in configs.enumerated() {
            let route = Route(config, position: position)
            routes.append(route)
            if byPrefix[Substring(route.prefix)] == nil { byPrefix[Substring(route.prefix)] = route }
        }
        self.routes = routes
        self.byPrefix = byPrefix
    }

    public var isEmpty: Bool { routes.isEmpty }

    /// `canonicalPath` must come from `RequestTarget.canonicalize`. A prefix ending in `/` matches paths
    /// that start with it; one without matches itself and paths continuing with `/`. Case-sensitive.
    public func match(_ canonicalPath: String) -> RouteMatch? {
        if byPrefix.isEmpty { return nil }
        if let route = byPrefix[Substring(canonicalPath)] {
            return RouteMatch(route: route, canonicalPath: canonicalPath)
        }
        let utf8 = canonicalPath.utf8
        var i = utf8.endIndex
        while i > utf8.startIndex {
            i = utf8.index(before: i)
            guard utf8[i] == UInt8(ascii: "/") else { continue }
            let afterSlash = utf8.index(after: i)
            // "/a/b/" was already probed whole above.
            if afterSlash != utf8.endIndex, let route = byPrefix[canonicalPath[..<afterSlash]] {
                return RouteMatch(route: route, canonicalPath: canonicalPath)
            }
            if i != utf8.startIndex, let route = byPrefix[canonicalPath[..<i]] {
                return RouteMatch(route: route, canonicalPath: canonicalPath)
            }
        }
        return nil
    }

    /// A configured prefix in the form request paths are compared in (`/api/caf%c3%a9` →
    /// `/api/caf%C3%A9`, `/api//v1` → `/api/v1`). A prefix that does not canonicalise is kept as written;
    /// `check-config` should report it with `prefixProblem`.
    public static func canonicalPrefix(_ path: String) -> String {
        guard path.utf8.first == UInt8(ascii: "/") else { return path }
        switch RequestTarget.canonicalize(path) {
        case .success(let target) where target.query == nil: return target.path
        default: return path
        }
    }

    /// Why a configured prefix can never match a canonical request path, or nil when it is usable.
    public static func prefixProblem(_ path: String) -> String? {
        guard path.utf8.first == UInt8(ascii: "/") else { return "a route path must start with '/'" }
        switch RequestTarget.canonicalize(path) {
        case .failure(let rejection): return rejection.description
        case .success(let target):
            if target.query != nil { return "a route path cannot contain '?'" }
            if target.path != path { return "not in canonical form; write it as \(target.path)" }
            return nil
        }
    }
}
