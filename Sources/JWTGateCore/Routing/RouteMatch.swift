/// The route a canonical path belongs to and what the upstream is sent.
public struct RouteMatch: Sendable {
    public let route: Route
    /// The canonical path that was matched.
    public let canonicalPath: String
    /// `canonicalPath` after `strip_prefix` (never empty), before the upstream's base path.
    public let forwardedPath: String

    init(route: Route, canonicalPath: String) {
        self.route = route
        self.canonicalPath = canonicalPath
        self.forwardedPath =
            route.config.stripPrefix ? RouteMatch.strip(route.prefix, from: canonicalPath) : canonicalPath
    }

    /// The path for a chosen target: its base path (no trailing slash) followed by `forwardedPath`.
    public func upstreamPath(for target: UpstreamTarget) -> String {
        target.basePath.isEmpty ? forwardedPath : target.basePath + forwardedPath
    }

    /// The request-line target for a chosen target: `upstreamPath` plus the raw query, if any.
    public func upstreamRequestTarget(for target: UpstreamTarget, query: String?) -> String {
        let path = upstreamPath(for: target)
        guard let query else { return path }
        return path + "?" + query
    }

    /// `/api/` + `/api/x` → `/x`; `/api` + `/api/x` → `/x`; whatever is left empty becomes `/`.
    static func strip(_ prefix: String, from path: String) -> String {
        let utf8 = path.utf8
        var cut = utf8.index(utf8.startIndex, offsetBy: prefix.utf8.count)
        // Keep the slash that ends the prefix so the remainder is still an absolute path.
        if prefix.utf8.last == UInt8(ascii: "/") { cut = utf8.index(before: cut) }
        let rest = path[cut...]
        return rest.isEmpty ? "/" : String(rest)
    }
}
