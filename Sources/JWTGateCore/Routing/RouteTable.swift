/// Longest-prefix route lookup whose cost depends on the request path's segment count, never on the
/// number of routes, extended by `path_variants`: the readings of a path an upstream may use (case
/// folded, `;params` removed, trailing slash added) each choose a route too, and the strictest serves.
public final class RouteTable: Sendable {
    public let routes: [Route]
    public let variants: PathVariantsConfig
    /// Canonical prefix → first route listed with it (later duplicates lose the tie).
    private let exact: PrefixIndex
    /// Case-folded prefix → strictest route among those that fold alike; nil when case variants are off.
    private let folded: PrefixIndex?
    /// A prefix with an upper-case letter (`/API/`) is a case variant of lower-case paths, so then every
    /// path needs the folded reading, not only paths with an upper-case letter.
    private let hasUppercasePrefix: Bool
    /// The strictest route's `strictness`: a reading that matches a route this strict cannot be beaten,
    /// so the others need not be tried (`required` unless a route asks for a client certificate).
    private let maximumStrictness: Int

    public init(_ configs: [RouteConfig], variants: PathVariantsConfig = PathVariantsConfig()) {
        var routes: [Route] = []
        routes.reserveCapacity(configs.count)
        for (position, config) in configs.enumerated() {
            routes.append(Route(config, position: position))
        }
        self.routes = routes
        self.variants = variants
        maximumStrictness = routes.map(\.config.strictness).max() ?? 0
        exact = PrefixIndex(routes, key: { $0 }, keepStrictest: false)
        folded = variants.caseInsensitive
            ? PrefixIndex(routes, key: PathVariantText.caseFolded, keepStrictest: true) : nil
        hasUppercasePrefix = routes.contains { PathVariantText.features(of: $0.prefix).hasUppercase }
    }

    public var isEmpty: Bool { routes.isEmpty }

    /// The route that serves `canonicalPath` (from `RequestTarget.canonicalize`): of the routes its
    /// exact reading and its variant readings match, the strictest (`RouteConfig.strictness`: a client
    /// certificate requirement, then `required` > `optional` > `none`);
    /// on equal strictness the exact reading, then the earlier reading in the order tried below. The
    /// path forwarded is always `canonicalPath` itself (after `strip_prefix`), never a variant.
    public func match(_ canonicalPath: String) -> RouteMatch? {
        guard let chosen = choose(canonicalPath) else { return nil }
        return RouteMatch(route: chosen.route, canonicalPath: canonicalPath,
                          remainderStart: chosen.remainderStart, reading: chosen.reading)
    }

    /// The route the exact reading alone matches (today's longest whole-segment prefix), for reviews.
    public func exactMatch(_ canonicalPath: String) -> Route? { exact.longestMatch(canonicalPath) }

    /// `RequestTarget.canonicalize`, plus `path_variants.semicolon_params: reject`: any `;` in the
    /// path is refused like the other path tricks (400 "Bad request path.").
    public func canonicalTarget(_ target: some Collection<UInt8>) -> Result<CanonicalTarget, PathRejection> {
        let result = RequestTarget.canonicalize(target)
        guard variants.semicolonParams == .reject, case .success(let canonical) = result,
              canonical.path.utf8.contains(UInt8(ascii: ";")) else { return result }
        return .failure(.semicolonInPath)
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

    // MARK: - Choosing among the readings

    private struct Chosen {
        let route: Route
        let reading: PathReading
        /// Byte offset in the original path where the part after the prefix starts (for `strip_prefix`).
        let remainderStart: Int
    }

    private func choose(_ path: String) -> Chosen? {
        if exact.isEmpty { return nil }
        var best = exact.longestMatch(path).map {
            Chosen(route: $0, reading: .exact, remainderStart: RouteMatch.remainderStart(of: $0.prefix, in: path))
        }
        // Nothing is stricter than the strictest route (`required` without client-certificate routes), and
        // ties go to the exact reading: the common protected request costs nothing more than before.
        if let best, best.route.config.strictness >= maximumStrictness { return best }

        /// Keeps `route` if it is stricter than the best so far; true once nothing can beat the best.
        func offer(_ route: Route?, _ reading: PathReading, in readPath: String,
                   offsets: [Int]? = nil) -> Bool {
            guard let route else { return false }
            if let current = best, !route.config.isStricter(than: current.route.config) { return false }
            var start = RouteMatch.remainderStart(of: route.prefix, in: readPath)
            if let offsets { start = offsets[start] }
            best = Chosen(route: route, reading: reading, remainderStart: start)
            return route.config.strictness >= maximumStrictness
        }

        /// `readPath` with a trailing slash added: one probe, and only for a path without one.
        func offerSlashAppended(_ readPath: String, _ reading: PathReading, index: PrefixIndex,
                                offsets: [Int]? = nil) -> Bool {
            guard variants.trailingSlash, readPath.utf8.last != UInt8(ascii: "/") else { return false }
            return offer(index.matchWithSlashAppended(readPath), reading.union(.trailingSlashAdded),
                         in: readPath, offsets: offsets)
        }

        /// A variant reading as is, then with a trailing slash added.
        func offerReading(_ readPath: String, _ reading: PathReading, index: PrefixIndex,
                          offsets: [Int]? = nil) -> Bool {
            offer(index.longestMatch(readPath), reading, in: readPath, offsets: offsets)
                || offerSlashAppended(readPath, reading, index: index, offsets: offsets)
        }

        if offerSlashAppended(path, .exact, index: exact) { return best }
        let features = PathVariantText.features(of: path)
        let semicolonFree = variants.semicolonParams == .on && features.hasSemicolon
            ? PathVariantText.semicolonFree(path) : nil
        if let semicolonFree,
           offerReading(semicolonFree.path, .semicolonParamsRemoved, index: exact,
                        offsets: semicolonFree.originalOffsets) {
            return best
        }
        guard let folded, features.hasUppercase || hasUppercasePrefix else { return best }
        let foldedPath = features.hasUppercase ? PathVariantText.caseFolded(path) : path
        if offerReading(foldedPath, .caseFolded, index: folded) { return best }
        if let semicolonFree {
            _ = offerReading(PathVariantText.caseFolded(semicolonFree.path),
                             [.caseFolded, .semicolonParamsRemoved], index: folded,
                             offsets: semicolonFree.originalOffsets)
        }
        return best
    }
}
