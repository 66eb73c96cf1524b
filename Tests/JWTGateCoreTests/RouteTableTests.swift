import Testing

@testable import JWTGateCore

private let local = UpstreamTarget(scheme: "http", host: "127.0.0.1", port: 9001, basePath: "")

private func route(_ path: String, strip: Bool = false, methods: Set<String>? = nil,
                   upstream: UpstreamTarget = local, line: Int = 0) -> RouteConfig {
    var config = RouteConfig(path: path, upstreams: [upstream])
    config.stripPrefix = strip
    config.methods = methods
    config.line = line
    return config
}

@Suite("Route table")
struct RouteTableTests {
    let table = RouteTable([
        route("/api/public/", line: 1),
        route("/api/", line: 2),
        route("/api/public/", line: 3),
        route("/static", line: 4),
        route("/api/public/deep/", line: 5),
    ])

    @Test("the longest matching prefix wins; identical prefixes go to the first listed", arguments: [
        ("/api/public/x", 1),
        ("/api/public/", 1),
        ("/api/public/deep/x", 5),
        ("/api/public/deep", 1),
        ("/api/x", 2),
        ("/api/", 2),
        ("/api/publicity", 2),
        ("/api/public", 2),
        ("/api/PUBLIC/x", 2),
        ("/static", 4),
        ("/static/", 4),
        ("/static/css/a.css", 4),
    ])
    func longestPrefix(path: String, line: Int) {
        #expect(table.match(path)?.route.config.line == line)
    }

    @Test("prefixes match whole segments only", arguments: ["/apix", "/staticx", "/", "/other"])
    func noMatch(path: String) {
        #expect(table.match(path) == nil)
    }

    @Test("with every path variant off, prefixes match case-sensitively and need their trailing slash",
          arguments: ["/api", "/Static", "/API/x", "/api/public"])
    func exactOnly(path: String) {
        var off = PathVariantsConfig()
        off.caseInsensitive = false
        off.semicolonParams = .off
        off.trailingSlash = false
        let exact = RouteTable(table.routes.map(\.config), variants: off)
        #expect(exact.match(path)?.route.config.line == (path == "/api/public" ? 2 : nil))
        #expect(exact.exactMatch(path)?.config.line == table.exactMatch(path)?.config.line)
    }

    @Test("a root route catches everything else")
    func rootRoute() {
        let table = RouteTable([route("/", line: 1), route("/api/", line: 2)])
        #expect(table.match("/")?.route.config.line == 1)
        #expect(table.match("/anything/at/all")?.route.config.line == 1)
        #expect(table.match("/api/x")?.route.config.line == 2)
        #expect(RouteTable([]).match("/") == nil)
    }

    @Test("strip_prefix removes the prefix, never leaving an empty path", arguments: [
        ("/api/", "/api/x/y", "/x/y"),
        ("/api/", "/api/", "/"),
        ("/api", "/api/x", "/x"),
        ("/api", "/api", "/"),
        ("/api", "/api/", "/"),
        ("/", "/x", "/x"),
    ])
    func stripPrefix(prefix: String, path: String, expected: String) {
        let table = RouteTable([route(prefix, strip: true)])
        #expect(table.match(path)?.forwardedPath == expected)
    }

    @Test("without strip_prefix the canonical path is forwarded as matched")
    func noStrip() {
        let match = table.match("/api/x/%3F")
        #expect(match?.forwardedPath == "/api/x/%3F")
        #expect(match?.canonicalPath == "/api/x/%3F")
    }

    @Test("the upstream's base path goes in front, then the query")
    func basePath() throws {
        let base = UpstreamTarget(scheme: "http", host: "legacy", port: 8000, basePath: "/legacy/v1")
        let table = RouteTable([route("/api/", strip: true, upstream: base)])
        let match = try #require(table.match("/api/users/7"))
        #expect(match.upstreamPath(for: base) == "/legacy/v1/users/7")
        #expect(match.upstreamRequestTarget(for: base, query: "a=%2F") == "/legacy/v1/users/7?a=%2F")
        #expect(match.upstreamRequestTarget(for: base, query: nil) == "/legacy/v1/users/7")
        #expect(table.match("/api/")?.upstreamPath(for: base) == "/legacy/v1/")
    }

    @Test("methods are compared upper-cased and exactly")
    func methods() throws {
        let table = RouteTable([route("/api/", methods: ["get", "POST"])])
        let route = try #require(table.match("/api/x")?.route)
        #expect(route.methods == ["GET", "POST"])
        #expect(route.allows(method: "GET"))
        #expect(route.allows(method: "POST"))
        #expect(!route.allows(method: "DELETE"))
        #expect(!route.allows(method: "get"))
        #expect(self.table.match("/api/x")?.route.allows(method: "PATCH") == true)
    }

    @Test("configured prefixes are compared in canonical form")
    func canonicalPrefixes() {
        let table = RouteTable([route("/caf%c3%a9/", line: 1), route("/a//b/", line: 2)])
        #expect(table.match("/caf%C3%A9/x")?.route.config.line == 1)
        #expect(table.match("/a/b/x")?.route.config.line == 2)
        #expect(RouteTable.prefixProblem("/api/") == nil)
        #expect(RouteTable.prefixProblem("api/") != nil)
        #expect(RouteTable.prefixProblem("/a//b/") != nil)
        #expect(RouteTable.prefixProblem("/a/%2F/") != nil)
    }

    @Test("10,000 routes match exactly as 10 do")
    func manyRoutes() {
        var configs: [RouteConfig] = []
        for i in 0..<10_000 {
            configs.append(route("/svc\(i)/", line: i))
            if i % 2 == 0 { configs.append(route("/svc\(i)/v1/", line: 100_000 + i)) }
        }
        configs.append(route("/", line: -1))
        let table = RouteTable(configs)
        for i in stride(from: 0, to: 10_000, by: 7) {
            #expect(table.match("/svc\(i)/x")?.route.config.line == i)
            #expect(table.match("/svc\(i)/v1/x")?.route.config.line == (i % 2 == 0 ? 100_000 + i : i))
            #expect(table.match("/svc\(i)x/y")?.route.config.line == -1)
        }
    }

    @Test("lookup cost does not grow with the number of routes")
    func lookupCost() {
        func time(_ table: RouteTable, _ paths: [String]) -> Duration {
            let clock = ContinuousClock()
            return clock.measure {
                for _ in 0..<20 { for path in paths { _ = table.match(path) } }
            }
        }
        let paths = (0..<500).map { "/svc\($0 % 10)/a/b/c/d" }
        let small = RouteTable((0..<10).map { route("/svc\($0)/") })
        let large = RouteTable((0..<10_000).map { route("/svc\($0)/") })
        // Best of three, so a busy shared machine does not decide the outcome.
        let smallTime = (0..<3).map { _ in time(small, paths) }.min()!
        let largeTime = (0..<3).map { _ in time(large, paths) }.min()!
        // Generous bound: a linear scan would be ~1000× slower; hashing noise stays well under 10×.
        #expect(largeTime < smallTime * 10 + .milliseconds(5))
    }
}
