import Testing

@testable import JWTGateCore

private func route(_ path: String, _ auth: RouteAuthMode, line: Int, strip: Bool = false) -> RouteConfig {
    RouteFixtures.route(path, auth, line: line, strip: strip)
}

private func variants(caseInsensitive: Bool = true, semicolons: PathVariantsConfig.SemicolonParams = .on,
                      trailingSlash: Bool = true) -> PathVariantsConfig {
    RouteFixtures.variants(caseInsensitive: caseInsensitive, semicolons: semicolons, trailingSlash: trailingSlash)
}

private let catchAllAndPrivate = [route("/", .none, line: 2), route("/api/private/", .required, line: 5)]

private func review(_ routes: [RouteConfig], _ variants: PathVariantsConfig) -> [ConfigIssue] {
    PathVariantReview.warnings(routes: routes, variants: variants, file: "/etc/jwtgate/routes.yaml")
}

@Suite("check-config warnings about path variants")
struct PathVariantReviewTests {
    @Test("with every variant on, the review's layout and the conformance layout get no warning")
    func quietByDefault() {
        #expect(review(catchAllAndPrivate, PathVariantsConfig()).isEmpty)
        #expect(review([route("/api/public/", .none, line: 1), route("/api/", .required, line: 2)],
                       PathVariantsConfig()).isEmpty)
        #expect(review(catchAllAndPrivate, variants(semicolons: .reject)).isEmpty)
    }

    @Test("case_insensitive: false warns that the catch-all receives case variants of the protected prefix")
    func caseOff() throws {
        var settings = variants(caseInsensitive: false)
        settings.lines = ["case_insensitive": 9]
        let issues = review(catchAllAndPrivate, settings)
        try #require(issues.count == 1, "got: \(issues.map(\.description))")
        #expect(issues[0] == ConfigIssue(
            file: "/etc/jwtgate/routes.yaml", key: "path_variants.case_insensitive", line: 9,
            problem: "route '/' (auth: none) receives case variants of '/api/private/' (auth: required) such as "
                + "'/API/PRIVATE/'; an upstream that matches paths case-insensitively would serve them without a token",
            fix: "set path_variants.case_insensitive: true"))
    }

    @Test("semicolon_params: false warns with a ';' sample; the fix offers reject")
    func semicolonsOff() throws {
        let issues = review(catchAllAndPrivate, variants(semicolons: .off))
        try #require(issues.count == 1, "got: \(issues.map(\.description))")
        #expect(issues[0].key == "path_variants.semicolon_params")
        #expect(issues[0].line == 5, "without the key's line, the stricter route's")
        #expect(issues[0].problem.hasPrefix(
            "route '/' (auth: none) receives ';'-parameter variants of '/api/private/' (auth: required) such as '/api/private;x/'"))
        #expect(issues[0].problem.hasSuffix("without a token"))
        #expect(issues[0].fix == "set path_variants.semicolon_params: true, or reject to answer 400 to any path with ';'")
    }

    @Test("trailing_slash: false warns with the slash-less sample")
    func trailingSlashOff() throws {
        let issues = review(catchAllAndPrivate, variants(trailingSlash: false))
        try #require(issues.count == 1, "got: \(issues.map(\.description))")
        #expect(issues[0].key == "path_variants.trailing_slash")
        #expect(issues[0].problem.contains("such as '/api/private';"))
        #expect(issues[0].fix == "set path_variants.trailing_slash: true")
    }

    @Test("all three off: one warning per key; an optional route is said to be reached without checking the token")
    func allOff() {
        let routes = [route("/", .none, line: 1), route("/api/private/", .optional, line: 2)]
        let issues = review(routes, variants(caseInsensitive: false, semicolons: .off, trailingSlash: false))
        #expect(issues.map(\.key) == ["path_variants.case_insensitive", "path_variants.semicolon_params",
                                      "path_variants.trailing_slash"])
        #expect(issues.allSatisfy { $0.problem.hasSuffix("without checking the token") })
    }

    @Test("no warning when the variant lands on a route that is just as strict, or on no route at all")
    func noLessStrictReceiver() {
        let off = variants(caseInsensitive: false, semicolons: .off, trailingSlash: false)
        #expect(review([route("/", .required, line: 1), route("/api/private/", .required, line: 2)], off).isEmpty)
        #expect(review([route("/api/private/", .required, line: 1)], off).isEmpty)
    }

    @Test("a public route that only ever loses to a stricter case variant is named", arguments: [
        ([route("/api/", .required, line: 3), route("/API/", .none, line: 7)], "routes[1].path", 7,
         "route '/API/' (auth: none) never serves a request: its paths are also case variants of '/api/' "
             + "(auth: required), and the strictest reading wins (path_variants.case_insensitive)"),
        ([route("/api/private/", .required, line: 3), route("/api/private", .none, line: 7)], "routes[1].path", 7,
         "route '/api/private' (auth: none) never serves a request: its paths are also trailing-slash variants of "
             + "'/api/private/' (auth: required), and the strictest reading wins (path_variants.trailing_slash)"),
        ([route("/api;v=1/", .optional, line: 3), route("/api/", .required, line: 7)], "routes[0].path", 3,
         "route '/api;v=1/' (auth: optional) never serves a request: its paths are also ';'-parameter variants of "
             + "'/api/' (auth: required), and the strictest reading wins (path_variants.semicolon_params)"),
    ])
    func shadowed(routes: [RouteConfig], key: String, line: Int, problem: String) throws {
        let issues = review(routes, PathVariantsConfig())
        try #require(issues.count == 1, "got: \(issues.map(\.description))")
        #expect(issues[0].key == key)
        #expect(issues[0].line == line)
        #expect(issues[0].problem == problem)
        #expect(issues[0].fix.hasPrefix("remove route"))
    }

    @Test("a thousand routes reached the same way give five warnings and a count, not a thousand lines")
    func capped() {
        let routes = [route("/", .none, line: 1)] + (0..<1000).map { route("/svc\($0)/", .required, line: $0 + 2) }
        let issues = review(routes, variants(caseInsensitive: false))
        #expect(issues.count == PathVariantReview.listedPerKind + 1)
        #expect(issues.last?.problem == "995 more routes receive case variants of stricter routes in the same way")
    }

    @Test("check-config's review of a loaded configuration names the routes file and the key's line")
    func fromLoadedConfig() throws {
        let fixture = try ConfigFixture()
        let routes = """
            path_variants:
              case_insensitive: false
            routes:
              - path: /
                upstream: http://127.0.0.1:9001
                auth: none
              - path: /api/private/
                upstream: http://127.0.0.1:9001

            """
        let config = try fixture.load(gateway: ConfigFixture.gateway(), routes: routes)
        let issues = PathVariantReview.warnings(for: config)
        try #require(issues.count == 1, "got: \(issues.map(\.description))")
        #expect(issues[0].file == config.routesFile)
        #expect(issues[0].line == 2)
        #expect(issues[0].description.hasPrefix("\(config.routesFile ?? ""):2: path_variants.case_insensitive: route '/'"))
    }
}

@Suite("check-config warnings about client subject lists crossed by path readings")
struct SubjectListReviewTests {
    static func listed(_ path: String, _ subjects: [String], line: Int) -> RouteConfig {
        var config = RouteFixtures.route(path, .none, line: line)
        config.requireClientCertificate = true
        config.allowedClientSubjects = Set(subjects)
        return config
    }

    @Test("a case variant of a listed route served by a route with another list is a warning naming the route")
    func crossedLists() throws {
        let issues = review([Self.listed("/", ["CN=a"], line: 2), Self.listed("/billing/", ["CN=b"], line: 5)],
                            PathVariantsConfig())
        let issue = try #require(issues.first { $0.key == "routes[1].allowed_client_subjects" }, "\(issues)")
        #expect(issue.line == 5)
        #expect(issue.problem.contains("'/BILLING/'"), "\(issue.problem)")
        #expect(issue.problem.contains("is served by '/' (auth: none, allowed_client_subjects)"), "\(issue.problem)")
        #expect(issue.fix.contains("same allowed_client_subjects"))
    }

    @Test("the same list, or a stricter listed route, is no warning")
    func sameOrStricter() {
        #expect(review([Self.listed("/", ["CN=a"], line: 2), Self.listed("/billing/", ["CN=a"], line: 5)],
                       PathVariantsConfig()).isEmpty)
        var stricter = Self.listed("/billing/", ["CN=b"], line: 5)
        stricter.auth = .required
        #expect(review([Self.listed("/", ["CN=a"], line: 2), stricter], PathVariantsConfig())
            .filter { $0.key.hasSuffix("allowed_client_subjects") }.isEmpty)
    }
}
