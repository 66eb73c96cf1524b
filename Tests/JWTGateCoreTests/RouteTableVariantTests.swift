import Testing

@testable import JWTGateCore

private func route(_ path: String, _ auth: RouteAuthMode, line: Int, strip: Bool = false) -> RouteConfig {
    RouteFixtures.route(path, auth, line: line, strip: strip)
}

private func variants(caseInsensitive: Bool = true, semicolons: PathVariantsConfig.SemicolonParams = .on,
                      trailingSlash: Bool = true) -> PathVariantsConfig {
    RouteFixtures.variants(caseInsensitive: caseInsensitive, semicolons: semicolons, trailingSlash: trailingSlash)
}

/// The review's example: a public catch-all and one protected prefix.
private let catchAllAndPrivate = [route("/", .none, line: 1), route("/api/private/", .required, line: 2)]

@Suite("Route table: the strictest reading of a path wins")
struct RouteTableVariantTests {
    let table = RouteTable(catchAllAndPrivate)

    static let variantPaths: [(String, PathReading)] = [
        ("/API/private/x", .caseFolded),
        ("/api/PRIVATE/", .caseFolded),
        ("/api/private;x/y", .semicolonParamsRemoved),
        ("/api/private;jsessionid=1/", .semicolonParamsRemoved),
        ("/api/;x/private/y", .semicolonParamsRemoved),
        ("/api;v=2/private;x/y", .semicolonParamsRemoved),
        ("/api/private", .trailingSlashAdded),
        ("/Api/Private", [.caseFolded, .trailingSlashAdded]),
        ("/api/private;x", [.semicolonParamsRemoved, .trailingSlashAdded]),
        ("/API/PRIVATE;x/y", [.caseFolded, .semicolonParamsRemoved]),
        ("/api/PRIVATE;jsessionid=1", [.caseFolded, .semicolonParamsRemoved, .trailingSlashAdded]),
    ]

    @Test("every variant reading of a protected prefix, and their combinations, reaches the protected route",
          arguments: variantPaths)
    func variantReachesProtected(path: String, reading: PathReading) throws {
        let match = try #require(table.match(path))
        #expect(match.route.config.line == 2)
        #expect(match.reading == reading)
        #expect(match.forwardedPath == path, "the path forwarded is the one the client sent, never a variant")
        #expect(table.exactMatch(path)?.config.line == 1, "the exact reading alone would go to the catch-all")
    }

    @Test("paths that are no variant of the protected prefix stay on the catch-all", arguments: [
        "/other", "/api/privately", "/api/private-x/y", "/api", "/API/other", "/api/other;x/private/", "/",
        "/api/privat;e/", "/api/private%3Bx/y",
    ])
    func othersStayOnCatchAll(path: String) throws {
        let match = try #require(table.match(path))
        #expect(match.route.config.line == 1)
        #expect(match.reading == .exact)
    }

    @Test("the exact reading still serves the protected prefix itself")
    func exactProtected() {
        #expect(table.match("/api/private/x")?.route.config.line == 2)
        #expect(table.match("/api/private/x")?.reading == .exact)
    }

    @Test("the conformance layout: near-public paths need auth, the public prefix stays public", arguments: [
        ("/api/public", 2, PathReading.exact), ("/api/PUBLIC/echo", 2, .exact), ("/api/publicity", 2, .exact),
        ("/api/public;x/y", 2, .exact), ("/api/public/ping", 1, .exact), ("/api/public/", 1, .exact),
        ("/API/public/ping", 1, .caseFolded), ("/API/x", 2, .caseFolded),
    ])
    func conformanceLayout(path: String, line: Int, reading: PathReading) {
        let table = RouteTable([route("/api/public/", .none, line: 1), route("/api/", .required, line: 2)])
        #expect(table.match(path)?.route.config.line == line)
        #expect(table.match(path)?.reading == reading)
    }

    @Test("on equal strictness the exact reading wins", arguments: [
        (RouteAuthMode.required, RouteAuthMode.required), (.optional, .optional), (.none, .none),
    ])
    func tieGoesToExact(catchAll: RouteAuthMode, prefixed: RouteAuthMode) {
        let table = RouteTable([route("/", catchAll, line: 1), route("/api/private/", prefixed, line: 2)])
        for path in ["/API/private/x", "/api/private;x/y", "/api/private"] {
            #expect(table.match(path)?.route.config.line == 1, "\(path)")
            #expect(table.match(path)?.reading == .exact, "\(path)")
        }
    }

    @Test("optional beats none, required beats optional, and a stricter exact match is kept")
    func strictnessOrder() {
        let optionalPrivate = RouteTable([route("/", .none, line: 1), route("/api/private/", .optional, line: 2)])
        #expect(optionalPrivate.match("/API/private/x")?.route.config.line == 2)
        let optionalCatchAll = RouteTable([route("/", .optional, line: 1), route("/api/private/", .required, line: 2)])
        #expect(optionalCatchAll.match("/api/private")?.route.config.line == 2)
        let publicPrivate = RouteTable([route("/", .required, line: 1), route("/api/private/", .none, line: 2)])
        #expect(publicPrivate.match("/API/private/x")?.route.config.line == 1)
        #expect(publicPrivate.match("/api/private;x/y")?.route.config.line == 1)
        #expect(publicPrivate.match("/api/private/x")?.route.config.line == 2)
    }

    @Test("routes whose prefixes differ only in case: the stricter one serves both spellings")
    func prefixesDifferingInCase() {
        let table = RouteTable([route("/api/", .required, line: 1), route("/API/", .none, line: 2)])
        #expect(table.match("/API/x")?.route.config.line == 1)
        #expect(table.match("/api/x")?.route.config.line == 1)
        // An upper-case prefix is a case variant of lower-case paths too, even with none in the path.
        let upper = RouteTable([route("/", .none, line: 1), route("/API/", .required, line: 2)])
        #expect(upper.match("/api/x")?.route.config.line == 2)
        #expect(upper.match("/api/x")?.reading == .caseFolded)
    }

    @Test("without an exact match a variant still finds its route")
    func variantWithoutExactMatch() {
        let table = RouteTable([route("/api/private/", .required, line: 1)])
        for path in ["/API/private/x", "/api/private;x/y", "/api/private", "/api/private;x"] {
            #expect(table.match(path)?.route.config.line == 1, "\(path)")
        }
        #expect(table.match("/api/other") == nil)
    }

    @Test("a switched-off variant no longer chooses the route", arguments: [
        ("/API/private/x", variants(caseInsensitive: false)),
        ("/Api/Private", variants(caseInsensitive: false)),
        ("/api/private;x/y", variants(semicolons: .off)),
        ("/api/private;x", variants(semicolons: .off)),
        ("/api/private", variants(trailingSlash: false)),
        ("/api/private;x", variants(trailingSlash: false)),
        ("/API/private", variants(trailingSlash: false)),
    ])
    func variantOff(path: String, variants: PathVariantsConfig) {
        let table = RouteTable(catchAllAndPrivate, variants: variants)
        #expect(table.match(path)?.route.config.line == 1)
    }

    @Test("the other variants keep working when one is off")
    func othersStayOn() {
        let noCase = RouteTable(catchAllAndPrivate, variants: variants(caseInsensitive: false))
        #expect(noCase.match("/api/private;x/y")?.route.config.line == 2)
        #expect(noCase.match("/api/private")?.route.config.line == 2)
        let noSlash = RouteTable(catchAllAndPrivate, variants: variants(trailingSlash: false))
        #expect(noSlash.match("/API/private/x")?.route.config.line == 2)
    }

    @Test("strip_prefix cuts the path where the prefix ended in the reading that chose the route", arguments: [
        ("/api/private/", "/API/private/y", "/y"),
        ("/api/private/", "/api/private;x/y/z", "/y/z"),
        ("/api/private/", "/api/;a/private;b/c/d", "/c/d"),
        ("/api/private/", "/api/private", "/"),
        ("/api/private/", "/api/private;x", "/"),
        ("/api/private/", "/api/PRIVATE;x/y", "/y"),
        ("/api", "/api;v=2/x", "/x"),
        ("/api", "/API", "/"),
    ])
    func stripPrefixUnderVariants(prefix: String, path: String, forwarded: String) {
        let table = RouteTable([route("/", .none, line: 1), route(prefix, .required, line: 2, strip: true)])
        #expect(table.match(path)?.route.config.line == 2)
        #expect(table.match(path)?.forwardedPath == forwarded)
    }

    @Test("percent-escapes are not letters: their hex stays as canonical form writes it")
    func percentEscapes() {
        #expect(!PathVariantText.features(of: "/caf%C3%A9/").hasUppercase)
        #expect(PathVariantText.features(of: "/Caf%C3%A9/").hasUppercase)
        #expect(PathVariantText.features(of: "/a;b").hasSemicolon)
        #expect(!PathVariantText.features(of: "/a%3Bb").hasSemicolon)
        let table = RouteTable([route("/", .none, line: 1), route("/caf%C3%A9/", .required, line: 2)])
        #expect(table.match("/CAF%C3%A9/x")?.route.config.line == 2)
        #expect(table.match("/caf%C3%A9")?.route.config.line == 2)
    }

    @Test("the ';'-free reading drops parameters and the segments they leave empty", arguments: [
        ("/a;x/b", "/a/b"), ("/a/;x/b", "/a/b"), ("/a/b/;x", "/a/b/"), ("/a;x", "/a"), ("/;x", "/"),
        ("/;x/", "/"), ("/a;x;y/b;z", "/a/b"), ("/", "/"), ("/a/b", "/a/b"),
    ])
    func semicolonFreeText(path: String, expected: String) {
        let reading = PathVariantText.semicolonFree(path)
        #expect(reading.path == expected)
        #expect(reading.originalOffsets.count == expected.utf8.count + 1)
        #expect(reading.originalOffsets.last == path.utf8.count)
    }

    @Test("semicolon_params: reject refuses any ';' in the path, and only in the path")
    func rejectSemicolons() {
        let rejecting = RouteTable(catchAllAndPrivate, variants: variants(semicolons: .reject))
        #expect(rejecting.canonicalTarget("/api/private;x/y".utf8) == .failure(.semicolonInPath))
        #expect(rejecting.canonicalTarget("/other;x".utf8) == .failure(.semicolonInPath))
        #expect(rejecting.canonicalTarget("/a/b?x=1;2".utf8) == .success(CanonicalTarget(path: "/a/b", query: "x=1;2")))
        #expect(rejecting.canonicalTarget("/a%3Bb".utf8) == .success(CanonicalTarget(path: "/a%3Bb")))
        #expect(table.canonicalTarget("/api/private;x/y".utf8) == .success(CanonicalTarget(path: "/api/private;x/y")))
        // A rejected ';' never gets as far as routing, so `reject` routes like `false`.
        #expect(rejecting.match("/api/private;x/y")?.route.config.line == 1)
    }

    @Test("10,000 routes beside a public catch-all: every variant still finds its route")
    func manyRoutes() {
        var configs = [route("/", .none, line: -1)]
        for i in 0..<10_000 { configs.append(route("/svc\(i)/", .required, line: i)) }
        let table = RouteTable(configs)
        for i in stride(from: 0, to: 10_000, by: 7) {
            #expect(table.match("/svc\(i)/x")?.route.config.line == i)
            #expect(table.match("/SVC\(i)/x")?.route.config.line == i)
            #expect(table.match("/svc\(i);x/y")?.route.config.line == i)
            #expect(table.match("/svc\(i)")?.route.config.line == i)
            #expect(table.match("/Svc\(i);a")?.route.config.line == i)
            #expect(table.match("/svc\(i)x/y")?.route.config.line == -1)
        }
    }
}

@Suite("Route table: a client-certificate requirement outranks the auth modes across readings")
struct RouteTableClientCertificateVariantTests {
    static func certificateRoute(_ path: String, _ auth: RouteAuthMode, line: Int, subjects: [String]? = nil) -> RouteConfig {
        var config = RouteFixtures.route(path, auth, line: line)
        config.requireClientCertificate = true
        config.allowedClientSubjects = subjects.map(Set.init)
        return config
    }

    @Test("a variant of a certificate-only route is not served by a public catch-all, nor by a token-only route",
          arguments: ["/SVC/x", "/svc;v=1/x", "/svc", "/Svc"])
    func certificateRouteWins(path: String) throws {
        let table = RouteTable([RouteFixtures.route("/", .none, line: 1), Self.certificateRoute("/svc/", .none, line: 2),
                                RouteFixtures.route("/SVC/", .required, line: 3)])
        let match = try #require(table.match(path))
        #expect(match.route.config.line == 2, "served by \(match.route.config.path)")
        #expect(!match.route.config.admitsClient(subject: nil))
    }

    @Test("a subject list outranks a bare certificate requirement; auth breaks ties within a level")
    func levels() throws {
        let table = RouteTable([Self.certificateRoute("/a/", .required, line: 1),
                                Self.certificateRoute("/A/", .none, line: 2, subjects: ["CN=x"]),
                                Self.certificateRoute("/b/", .none, line: 3),
                                Self.certificateRoute("/B/", .required, line: 4)])
        #expect(try #require(table.match("/a/x")).route.config.line == 2)
        #expect(try #require(table.match("/b/x")).route.config.line == 4)
        #expect(try #require(table.match("/B/x")).route.config.line == 4)
    }

    @Test("without certificate routes a protected exact match still ends the search (strictness 2 is the top)")
    func noCertificateRoutes() throws {
        let table = RouteTable(catchAllAndPrivate)
        #expect(catchAllAndPrivate.map(\.strictness).max() == 2)
        #expect(try #require(table.match("/api/private/x")).reading == .exact)
    }
}
