import Testing

@testable import JWTGateCore

private let twoRoutes = """
    routes:
      - path: /
        upstream: http://127.0.0.1:9001
        auth: none
      - path: /api/private/
        upstream: http://127.0.0.1:9001

    """

@Suite("routes.yaml path_variants")
struct PathVariantsConfigTests {
    @Test("absent or null, every variant is on")
    func defaults() throws {
        for routes in [twoRoutes, "path_variants:\n" + twoRoutes, "path_variants: {}\n" + twoRoutes] {
            let config = try ConfigFixture().load(gateway: ConfigFixture.gateway(), routes: routes)
            #expect(config.pathVariants == PathVariantsConfig())
            #expect(config.pathVariants.caseInsensitive)
            #expect(config.pathVariants.semicolonParams == .on)
            #expect(config.pathVariants.trailingSlash)
            #expect(config.routes.count == 2)
        }
    }

    @Test("each boolean key is read, with the line it is on", arguments: [
        ("case_insensitive", "false", false), ("case_insensitive", "true", true),
        ("trailing_slash", "no", false), ("trailing_slash", "yes", true),
    ])
    func booleans(key: String, value: String, expected: Bool) throws {
        let config = try ConfigFixture().load(gateway: ConfigFixture.gateway(),
                                              routes: "path_variants:\n  \(key): \(value)\n" + twoRoutes)
        let variants = config.pathVariants
        #expect((key == "case_insensitive" ? variants.caseInsensitive : variants.trailingSlash) == expected)
        #expect((key == "case_insensitive" ? variants.trailingSlash : variants.caseInsensitive) == true)
        #expect(variants.semicolonParams == .on)
        #expect(variants.lines == [key: 2])
    }

    @Test("semicolon_params is true, false or reject", arguments: [
        ("true", PathVariantsConfig.SemicolonParams.on), ("false", .off), ("reject", .reject), ("off", .off),
        ("\"reject\"", .reject),
    ])
    func semicolonParams(value: String, expected: PathVariantsConfig.SemicolonParams) throws {
        let routes = "routes:\n  - path: /a/\n    upstream: http://a\npath_variants:\n  semicolon_params: \(value)\n"
        let config = try ConfigFixture().load(gateway: ConfigFixture.gateway(), routes: routes)
        #expect(config.pathVariants.semicolonParams == expected)
        #expect(config.pathVariants.lines == ["semicolon_params": 5])
        #expect(config.routes.map(\.path) == ["/a/"])
    }

    static let badCases: [FileErrorCase] = [
        .init(name: "case_insensitive not a boolean", yaml: "path_variants:\n  case_insensitive: maybe\nroutes: []\n",
              key: "path_variants.case_insensitive", line: 2, problem: "expected true or false, got \"maybe\"",
              fix: "write `true` or `false`"),
        .init(name: "trailing_slash a list", yaml: "path_variants:\n  trailing_slash: [true]\nroutes: []\n",
              key: "path_variants.trailing_slash", line: 2, problem: "expected true or false, got a list"),
        .init(name: "semicolon_params unknown word", yaml: "routes: []\npath_variants:\n  semicolon_params: strip\n",
              key: "path_variants.semicolon_params", line: 3, problem: "expected true, false or reject, got \"strip\"",
              fix: "`reject` (answer 400 to any path with ';')"),
        .init(name: "misspelt key", yaml: "path_variants:\n  trailing_slashes: false\nroutes: []\n",
              key: "path_variants.trailing_slashes", line: 2, problem: "unknown key `trailing_slashes`",
              fix: "did you mean `trailing_slash`?"),
        .init(name: "not a mapping", yaml: "path_variants: true\nroutes: []\n",
              key: "path_variants", line: 1, problem: "expected a mapping of keys, got a single value"),
        .init(name: "misspelt section", yaml: "path_variant:\n  trailing_slash: false\nroutes: []\n",
              key: "path_variant", line: 1, problem: "unknown key `path_variant`", fix: "did you mean `path_variants`?"),
    ]

    @Test("a wrong value is one issue naming file, key, line and the fix", arguments: badCases)
    func badValue(_ testCase: FileErrorCase) throws {
        try testCase.expectOneRoutesIssue()
    }

    @Test("a wrong path_variants and a wrong route are both reported")
    func collectsWithRouteProblems() throws {
        let routes = "path_variants:\n  case_insensitive: maybe\nroutes:\n  - path: /a/\n    upstream: ftp://x\n"
        let issues = try ConfigFixture().issues(gateway: ConfigFixture.gateway(), routes: routes)
        #expect(issues.map(\.key) == ["path_variants.case_insensitive", "routes[0].upstream"])
    }
}
