/// `check-config` warnings about routes and `path_variants` (they never stop the gateway from starting):
///
/// 1. A variant reading is switched off, and a less strict route receives that variant of a stricter
///    route's prefix (`/API/PRIVATE/` reaching `/` instead of `/api/private/`): an upstream that reads
///    paths that way would serve a protected view without the protection.
/// 2. A less strict route never serves a request as itself, because each of its paths is a variant of a
///    stricter route's (public `/API/` beside protected `/api/`): the configuration says something the
///    gateway will not do.
/// 3. Two routes with different `allowed_client_subjects` are equally strict, and a reading of one's
///    prefix is served by the other (`/BILLING/x` by `/` when `/billing/` lists other subjects).
public enum PathVariantReview {
    /// At most this many warnings of one kind are listed one by one; the rest are counted in one more.
    static let listedPerKind = 5

    public static func warnings(for config: GatewayConfig) -> [ConfigIssue] {
        warnings(routes: config.routes, variants: config.pathVariants, file: config.routesFile ?? "routes.yaml")
    }

    public static func warnings(routes: [RouteConfig], variants: PathVariantsConfig, file: String) -> [ConfigIssue] {
        let table = RouteTable(routes, variants: variants)
        var issues: [ConfigIssue] = []
        for variant in Variant.allCases where variant.isOff(in: variants) {
            let found = table.routes.compactMap { capturedVariant(variant, of: $0, in: table, file: file) }
            issues += capped(found, kind: "routes receive \(variant.plural) of stricter routes", file: file,
                             key: variant.key, line: variants.lines[variant.key])
        }
        let shadowed = table.routes.compactMap { shadowedRoute($0, in: table, file: file) }
        issues += capped(shadowed, kind: "routes never serve a request", file: file, key: "routes", line: nil)
        let crossed = table.routes.flatMap { route in
            Variant.allCases.compactMap { crossedSubjects($0, of: route, in: table, file: file) }
        }
        issues += capped(crossed, kind: "subject lists are crossed by path readings", file: file, key: "routes", line: nil)
        return issues
    }

    // MARK: - 3. equally strict routes with different client subject lists

    /// Routes with different `allowed_client_subjects` are equally strict, so when a reading of one's
    /// prefix is served by the other, the other's subjects reach it in that spelling.
    private static func crossedSubjects(_ variant: Variant, of route: Route, in table: RouteTable,
                                        file: String) -> ConfigIssue? {
        guard let subjects = route.config.allowedClientSubjects, let sample = variant.sample(of: route.prefix),
              let served = table.match(sample)?.route, served !== route,
              served.config.strictness == route.config.strictness,
              served.config.allowedClientSubjects != subjects else { return nil }
        let problem = "'\(sample)', a \(variant.reading) of \(describe(route)), is served by \(describe(served)), whose "
            + "allowed_client_subjects differ; an upstream that \(variant.upstreamReading) would serve "
            + "'\(route.config.path)' to the subjects '\(served.config.path)' admits"
        return ConfigIssue(file: file, key: "routes[\(route.position)].allowed_client_subjects", line: line(of: route),
                           problem: problem,
                           fix: "give both routes the same allowed_client_subjects, or make '\(route.config.path)' "
                               + "stricter (auth: required) so its readings stay with it")
    }

    // MARK: - 1. a switched-off variant reaches a less strict route

    private static func capturedVariant(_ variant: Variant, of stricter: Route, in table: RouteTable,
                                        file: String) -> ConfigIssue? {
        guard let sample = variant.sample(of: stricter.prefix),
              let receiver = table.match(sample)?.route,
              stricter.config.isStricter(than: receiver.config) else { return nil }
        let problem = "route \(describe(receiver)) receives \(variant.plural) of \(describe(stricter)) such as "
            + "'\(sample)'; an upstream that \(variant.upstreamReading) would serve them "
            + withoutProtection(stricter.config, beside: receiver.config)
        return ConfigIssue(file: file, key: "path_variants.\(variant.key)",
                           line: table.variants.lines[variant.key] ?? line(of: stricter),
                           problem: problem, fix: variant.fix)
    }

    // MARK: - 2. a route that only ever loses to a stricter variant

    private static func shadowedRoute(_ route: Route, in table: RouteTable, file: String) -> ConfigIssue? {
        let prefix = route.prefix
        let samples = [prefix, prefix.utf8.last == UInt8(ascii: "/") ? prefix + "x" : prefix + "/x"]
        var winner: RouteMatch?
        for sample in samples {
            guard let served = table.match(sample), served.route !== route,
                  served.route.config.isStricter(than: route.config) else { return nil }
            if winner == nil, served.reading != .exact { winner = served }
        }
        guard let winner else { return nil }
        let keys = Variant.allCases.filter { winner.reading.contains($0.reading) }
            .map { "path_variants.\($0.key)" }.joined(separator: ", ")
        let problem = "route \(describe(route)) never serves a request: its paths are also "
            + "\(winner.reading)s of \(describe(winner.route)), and the strictest reading wins (\(keys))"
        return ConfigIssue(file: file, key: "routes[\(route.position)].path", line: line(of: route),
                           problem: problem,
                           fix: "remove route '\(route.config.path)', or give it "
                               + "\(requirements(winner.route.config)) as '\(winner.route.config.path)' has")
    }

    // MARK: - Wording

    private static func describe(_ route: Route) -> String {
        "'\(route.config.path)' (\(requirements(route.config)))"
    }

    private static func requirements(_ config: RouteConfig) -> String {
        let certificate = config.allowedClientSubjects != nil ? ", allowed_client_subjects"
            : config.requireClientCertificate ? ", require_client_certificate: true" : ""
        return "auth: \(config.auth.rawValue)\(certificate)"
    }

    private static func withoutProtection(_ stricter: RouteConfig, beside receiver: RouteConfig) -> String {
        if stricter.requireClientCertificate && !receiver.requireClientCertificate { return "without a client certificate" }
        if stricter.allowedClientSubjects != nil && receiver.allowedClientSubjects == nil {
            return "to any client certificate's subject"
        }
        return stricter.auth == .required ? "without a token" : "without checking the token"
    }

    private static func line(of route: Route) -> Int? { route.config.line > 0 ? route.config.line : nil }

    /// The first few issues, then one that counts the rest (a 10,000-route table must not print 10,000 lines).
    private static func capped(_ issues: [ConfigIssue], kind: String, file: String, key: String,
                               line: Int?) -> [ConfigIssue] {
        guard issues.count > listedPerKind else { return issues }
        let rest = issues.count - listedPerKind
        return Array(issues.prefix(listedPerKind))
            + [ConfigIssue(file: file, key: key, line: line,
                           problem: "\(rest) more \(kind) in the same way",
                           fix: "see the warnings above for what to change")]
    }

    /// One `path_variants` key, and how to make a path that only that reading routes differently.
    enum Variant: CaseIterable {
        case caseInsensitive, semicolonParams, trailingSlash

        var key: String {
            switch self {
            case .caseInsensitive: return "case_insensitive"
            case .semicolonParams: return "semicolon_params"
            case .trailingSlash: return "trailing_slash"
            }
        }

        var reading: PathReading {
            switch self {
            case .caseInsensitive: return .caseFolded
            case .semicolonParams: return .semicolonParamsRemoved
            case .trailingSlash: return .trailingSlashAdded
            }
        }

        var plural: String { "\(reading)s" }

        /// `reject` is not "off": such paths never reach any route.
        func isOff(in variants: PathVariantsConfig) -> Bool {
            switch self {
            case .caseInsensitive: return !variants.caseInsensitive
            case .semicolonParams: return variants.semicolonParams == .off
            case .trailingSlash: return !variants.trailingSlash
            }
        }

        var upstreamReading: String {
            switch self {
            case .caseInsensitive: return "matches paths case-insensitively"
            case .semicolonParams: return "removes ';' parameters before routing (Tomcat, Spring, Jetty)"
            case .trailingSlash: return "routes '/x' and '/x/' to one view (most frameworks do)"
            }
        }

        var fix: String {
            switch self {
            case .caseInsensitive: return "set path_variants.case_insensitive: true"
            case .semicolonParams:
                return "set path_variants.semicolon_params: true, or reject to answer 400 to any path with ';'"
            case .trailingSlash: return "set path_variants.trailing_slash: true"
            }
        }

        /// A path that reads as `prefix` only under this variant: `/api/private/` → `/API/PRIVATE/`,
        /// `/api/private;x/`, `/api/private`. Nil when the prefix has no such variant.
        func sample(of prefix: String) -> String? {
            let endsWithSlash = prefix.utf8.last == UInt8(ascii: "/")
            switch self {
            case .caseInsensitive:
                let upper = PathVariantText.uppercased(prefix)
                if upper != prefix { return upper }
                let lower = PathVariantText.lowercasedOutsideEscapes(prefix)
                return lower != prefix ? lower : nil
            case .semicolonParams:
                guard prefix != "/" else { return nil }
                return endsWithSlash ? prefix.dropLast() + ";x/" : prefix + ";x"
            case .trailingSlash:
                guard endsWithSlash, prefix != "/" else { return nil }
                return String(prefix.dropLast())
            }
        }
    }
}
