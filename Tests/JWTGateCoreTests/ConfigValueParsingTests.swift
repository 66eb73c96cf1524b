import Testing
@testable import JWTGateCore

@Suite("Config value parsing")
struct ConfigValueParsingTests {
    @Test("durations in seconds or with a unit", arguments: [
        ("0", 0), ("300", 300_000), ("250ms", 250), ("30s", 30_000), ("5m", 300_000), ("1h", 3_600_000),
        ("7d", 604_800_000), (" 2m ", 120_000),
    ] as [(String, Int64)])
    func duration(text: String, milliseconds: Int64) {
        #expect(DurationParsing.milliseconds(from: text) == milliseconds)
    }

    @Test("things that are not durations", arguments: ["", "m", "-5", "5w", "1.5h", "5 minutes", "99999999999999999999d"])
    func notDuration(text: String) {
        #expect(DurationParsing.milliseconds(from: text) == nil)
    }

    @Test("byte sizes", arguments: [("16384", 16_384), ("16KiB", 16_384), ("10MiB", 10_485_760), ("1GiB", 1 << 30),
                                     ("12B", 12)] as [(String, Int64)])
    func bytes(text: String, bytes: Int64) {
        #expect(DurationParsing.bytes(from: text) == bytes)
    }

    @Test("CIDR blocks, bare addresses as single hosts", arguments: [
        ("10.0.0.0/8", "10.0.0.0/8"), ("192.0.2.7", "192.0.2.7/32"), ("0.0.0.0/0", "0.0.0.0/0"),
        ("::1", "0:0:0:0:0:0:0:1/128"), ("fd00::/8", "fd00:0:0:0:0:0:0:0/8"),
        ("2001:db8::8a2e:370:7334/64", "2001:db8:0:0:0:8a2e:370:7334/64"),
        ("::ffff:192.0.2.1/128", "0:0:0:0:0:ffff:c000:201/128"),
        ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8/128"),
    ])
    func cidr(text: String, description: String) {
        #expect(IPAddressParsing.cidr(text)?.description == description)
    }

    @Test("not CIDR blocks", arguments: ["10.0.0/8", "10.0.0.256", "10.0.0.0/33", "::1/129", "1::2::3", "1:2:3:4:5:6:7:8:9",
                                         "10.0.0.0/", "host", "", "fe80::1%eth0", "12345::"])
    func notCIDR(text: String) {
        #expect(IPAddressParsing.cidr(text) == nil)
    }

    @Test("a CIDR block contains its addresses")
    func cidrContains() throws {
        let block = try #require(IPAddressParsing.cidr("10.1.0.0/16"))
        #expect(block.contains([10, 1, 200, 3]))
        #expect(!block.contains([10, 2, 0, 1]))
    }

    @Test("listen addresses", arguments: [
        ("127.0.0.1:8080", "127.0.0.1", 8080), ("[::1]:8443", "::1", 8443), ("localhost:0", "localhost", 0),
        ("0.0.0.0:65535", "0.0.0.0", 65535),
    ])
    func listen(text: String, host: String, port: Int) throws {
        let address = try ConfigLoader.listenAddress(text).get()
        #expect(address == ListenAddress(host: host, port: port))
    }

    @Test("upstream URLs", arguments: [
        ("http://127.0.0.1:9001", "127.0.0.1", 9001, ""), ("http://Backend.local", "backend.local", 80, ""),
        ("http://a:8080/base/", "a", 8080, "/base"), ("HTTP://[2001:db8::1]:81/x/y", "2001:db8::1", 81, "/x/y"),
        ("http://a/", "a", 80, ""),
    ])
    func upstream(text: String, host: String, port: Int, basePath: String) throws {
        let target = try UpstreamURLParsing.parse(text).get()
        #expect(target == UpstreamTarget(scheme: "http", host: host, port: port, basePath: basePath))
    }

    @Test("user ids: integers and canonical UUIDs", arguments: [
        ("1", UserRecord.ID.integer(1)), ("-3", .integer(-3)),
        ("550E8400-E29B-41D4-A716-446655440000", .uuid("550e8400-e29b-41d4-a716-446655440000")),
        ("550e8400e29b41d4a716446655440000", .uuid("550e8400-e29b-41d4-a716-446655440000")),
    ])
    func userID(text: String, id: UserRecord.ID) {
        #expect(ConfigLoader.userID(text) == id)
    }

    @Test("Django hash shapes", arguments: [
        ("pbkdf2_sha256$260000$salt$hash", true), ("argon2$argon2id$v=19$m=102400,t=2,p=8$salt$hash", true),
        ("bcrypt_sha256$$2b$12$abc", true), ("!", true), ("!XyZ", true), ("5f4dcc3b5aa765d61d8327deb882cf99", true),
        ("password", false), ("pa$$word", false), ("pbkdf2_sha256$", false), ("", false),
    ])
    func djangoHash(value: String, valid: Bool) {
        #expect((DjangoHashShape.problem(with: value) == nil) == valid)
    }

    @Test("environment substitution", arguments: [
        ("plain", "plain"), ("${A}", "x"), ("a${A}b${B}c", "axbyc"), ("$${A}", "${A}"), ("$A", "$A"), ("cost $5", "cost $5"),
        ("${EMPTY}", ""),
    ])
    func substitution(text: String, expected: String) {
        let result = EnvironmentSubstitution.apply(to: text, environment: ["A": "x", "B": "y", "EMPTY": ""])
        #expect(result.text == expected)
        #expect(result.problems.isEmpty)
    }

    @Test("substitution problems")
    func substitutionProblems() {
        #expect(EnvironmentSubstitution.apply(to: "${MISSING}${MISSING}", environment: [:]).problems == [.missing("MISSING")])
        #expect(EnvironmentSubstitution.apply(to: "${1X}", environment: [:]).problems == [.malformed])
        #expect(EnvironmentSubstitution.apply(to: "${OPEN", environment: [:]).problems == [.malformed])
    }

    @Test("suggestions for misspelt keys", arguments: [
        ("expiraton_delta", "expiration_delta"), ("JWT_SECRET_KEY", "secret_key"), ("Auth-Cookie", "auth_cookie"),
        ("algoritm", "algorithm"),
    ])
    func suggestion(word: String, expected: String) {
        #expect(EditDistance.suggestion(for: word, among: GatewayKeys.jwt) == expected)
    }

    @Test("no suggestion when nothing is close")
    func noSuggestion() {
        #expect(EditDistance.suggestion(for: "frobnicate", among: GatewayKeys.jwt) == nil)
        #expect(EditDistance.between("kitten", "sitting") == 3)
    }

    @Test("issue and error descriptions")
    func descriptions() {
        let issue = ConfigIssue(file: "config/gateway.yaml", key: "jwt.algorithm", line: 7,
                                problem: "unknown value \"hs256\"", fix: "did you mean HS256?")
        #expect(issue.description == "config/gateway.yaml:7: jwt.algorithm: unknown value \"hs256\" — did you mean HS256?")
        let noLine = ConfigIssue(file: "gateway.yaml", key: "", line: nil, problem: "is empty", fix: "")
        #expect(noLine.description == "gateway.yaml: is empty")
        #expect(ConfigError(issues: [issue]).description
            == "configuration has 1 problem:\n  config/gateway.yaml:7: jwt.algorithm: unknown value \"hs256\" — did you mean HS256?")
    }

    @Test("relative paths are resolved lexically", arguments: [
        ("users.yaml", "", "users.yaml"), ("users.yaml", "config", "config/users.yaml"),
        ("../keys/k.pem", "/a/profiles", "/a/keys/k.pem"), ("/abs/x", "config", "/abs/x"), ("./x", "a/./b", "a/b/x"),
    ])
    func resolve(path: String, directory: String, expected: String) {
        #expect(ConfigPaths.resolve(path, relativeTo: directory) == expected)
    }
}
