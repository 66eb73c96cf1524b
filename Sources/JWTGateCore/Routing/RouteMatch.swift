/// The route a canonical path belongs to and what the upstream is sent.
public struct RouteMatch: Sendable {
    public let route: Route
    /// The canonical path that was matched.
    public let canonicalPath: String
    /// `canonicalPath` after `strip_prefix` (never empty), before the upstream's base path.
    public let forwardedPath: String
    /// Which reading of the path chose the route (`exact`, or a `path_variants` reading that was stricter).
    public let reading: PathReading

    /// `remainderStart`: byte offset in `canonicalPath` where the part after the route's prefix starts,
    /// as the chosen reading matched it; `strip_prefix` forwards only that part.
    init(route: Route, canonicalPath: String, remainderStart: Int, reading: PathReading) {
        self.route = route
        self.canonicalPath = canonicalPath
        self.reading = reading
        self.forwardedPath =
            route.config.stripPrefix ? RouteMatch.remainder(of: canonicalPath, from: remainderStart) : canonicalPath
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

    /// Where the part of `path` after `prefix` starts: `/api/` + `/api/x` → `/x`; `/api` + `/api/x` → `/x`.
    /// The slash that ends the prefix is kept so the remainder is still an absolute path; `/x` matched by
    /// `/x/` (trailing-slash reading) leaves nothing.
    static func remainderStart(of prefix: String, in path: String) -> Int {
        var end = prefix.utf8.count
        if prefix.utf8.last == UInt8(ascii: "/") { end -= 1 }
        return min(end, path.utf8.count)
    }

    /// The part of `path` from `offset`; whatever is left empty becomes `/`.
    static func remainder(of path: String, from offset: Int) -> String {
        let utf8 = path.utf8
        let rest = path[utf8.index(utf8.startIndex, offsetBy: offset)...]
        return rest.isEmpty ? "/" : String(rest)
    }
}
