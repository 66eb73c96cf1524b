/// Route prefixes in a hash, probed once per segment boundary of a path, longest first: the cost follows
/// the path's segment count, never the number of routes.
struct PrefixIndex: Sendable {
    /// Key → route. Keys are prefixes as given by `key(for:)` (canonical, or case-folded).
    private var byPrefix: [Substring: Route] = [:]
    /// A prefix ending in `/` (not `/` itself) without that slash → its route: the trailing-slash reading
    /// of a path is then one probe with the path itself, with no string built.
    private var bySlashless: [Substring: Route] = [:]

    var isEmpty: Bool { byPrefix.isEmpty }

    /// `keepStrictest`: of routes with the same key, keep the strictest (the folded index, where `/API/`
    /// and `/api/` meet); otherwise, and on equal strictness, the first listed.
    init(_ routes: [Route], key: (String) -> String, keepStrictest: Bool) {
        byPrefix.reserveCapacity(routes.count)
        for route in routes {
            let prefix = key(route.prefix)
            Self.insert(route, at: Substring(prefix), into: &byPrefix, keepStrictest: keepStrictest)
            if prefix.utf8.count > 1, prefix.utf8.last == UInt8(ascii: "/") {
                Self.insert(route, at: prefix.dropLast(), into: &bySlashless, keepStrictest: keepStrictest)
            }
        }
    }

    private static func insert(_ route: Route, at key: Substring, into index: inout [Substring: Route],
                               keepStrictest: Bool) {
        guard let existing = index[key] else { index[key] = route; return }
        if keepStrictest, route.config.isStricter(than: existing.config) { index[key] = route }
    }

    /// The route of the longest prefix that matches `path` on whole segments: a prefix ending in `/`
    /// matches paths that start with it; one without matches itself and paths continuing with `/`.
    func longestMatch(_ path: String) -> Route? {
        if let route = byPrefix[Substring(path)] { return route }
        let utf8 = path.utf8
        var i = utf8.endIndex
        while i > utf8.startIndex {
            i = utf8.index(before: i)
            guard utf8[i] == UInt8(ascii: "/") else { continue }
            let afterSlash = utf8.index(after: i)
            // "/a/b/" was already probed whole above.
            if afterSlash != utf8.endIndex, let route = byPrefix[path[..<afterSlash]] { return route }
            if i != utf8.startIndex, let route = byPrefix[path[..<i]] { return route }
        }
        return nil
    }

    /// The route whose prefix is exactly `path + "/"`. Shorter prefixes need no probe: on whole segments
    /// they match `path` and `path/` alike.
    func matchWithSlashAppended(_ path: String) -> Route? {
        bySlashless[Substring(path)]
    }
}
