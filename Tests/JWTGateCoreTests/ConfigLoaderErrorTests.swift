import Foundation
import Testing
@testable import JWTGateCore

/// One wrong gateway.yaml and the single issue it must produce.
struct GatewayErrorCase: CustomTestStringConvertible, Sendable {
    var name: String
    var yaml: String
    var key: String
    var line: Int?
    var problem: String
    var fix: String = ""
    var testDescription: String { name }
}

@Suite("ConfigLoader reports each problem with file, key, line and fix")
struct ConfigLoaderErrorTests {
    static let gatewayCases: [GatewayErrorCase] = [
        .init(name: "lower-case algorithm", yaml: "jwt:\n  secret_key: s\n  algorithm: hs256\n",
              key: "jwt.algorithm", line: 3, problem: "unknown value \"hs256\"", fix: "did you mean HS256?"),
        .init(name: "unknown algorithm", yaml: "jwt:\n  secret_key: s\n  algorithm: none\n",
              key: "jwt.algorithm", line: 3, problem: "unknown value \"none\"", fix: "use one of HS256"),
        .init(name: "verify false", yaml: "jwt:\n  secret_key: s\n  verify: false\n",
              key: "jwt.verify", line: 3, problem: "false is not offered", fix: "open door"),
        .init(name: "missing HMAC secret", yaml: "jwt:\n  algorithm: HS384\n",
              key: "jwt.secret_key", line: 1, problem: "is required for HS384", fix: "${JWT_SECRET_KEY}"),
        .init(name: "missing jwt section", yaml: "server:\n  listen: \"127.0.0.1:1\"\n",
              key: "jwt.secret_key", line: nil, problem: "is required for HS256"),
        .init(name: "empty secret", yaml: "jwt:\n  secret_key: \"\"\n",
              key: "jwt.secret_key", line: 2, problem: "is empty"),
        .init(name: "missing public key for RS256", yaml: "jwt:\n  algorithm: RS256\nendpoints: {obtain: null, refresh: null}\n",
              key: "jwt.public_key_file", line: 1, problem: "is required for RS256"),
        .init(name: "missing private key while obtain is on",
              yaml: "jwt:\n  algorithm: PS256\n  public_key_file: pub.pem\n",
              key: "jwt.private_key_file", line: 1, problem: "obtain or refresh endpoint is on"),
        .init(name: "key file with HS256", yaml: "jwt:\n  secret_key: s\n  public_key_file: pub.pem\n",
              key: "jwt.public_key_file", line: 3, problem: "HS256 signs and verifies with secret_key"),
        .init(name: "missing key file", yaml: "jwt:\n  algorithm: ES256\n  public_key_file: nowhere.pem\n  private_key_file: priv.pem\n",
              key: "jwt.public_key_file", line: 3, problem: "nowhere.pem does not exist"),
        .init(name: "key file that is not PEM", yaml: "jwt:\n  algorithm: ES256\n  public_key_file: garbage.pem\n  private_key_file: priv.pem\n",
              key: "jwt.public_key_file", line: 3, problem: "is not PEM"),
        .init(name: "private key as public key", yaml: "jwt:\n  algorithm: ES256\n  public_key_file: priv.pem\n  private_key_file: priv.pem\n",
              key: "jwt.public_key_file", line: 3, problem: "holds a private key"),
        .init(name: "fractional leeway", yaml: "jwt:\n  secret_key: s\n  leeway: 250ms\n",
              key: "jwt.leeway", line: 3, problem: "must be whole seconds"),
        .init(name: "zero expiration", yaml: "jwt:\n  secret_key: s\n  expiration_delta: 0\n",
              key: "jwt.expiration_delta", line: 3, problem: "must be longer than zero"),
        .init(name: "bad duration", yaml: "jwt:\n  secret_key: s\n  refresh_expiration_delta: 7 days\n",
              key: "jwt.refresh_expiration_delta", line: 3, problem: "expected a duration, got \"7 days\"",
              fix: "ms, s, m, h, d"),
        .init(name: "prefix with space", yaml: "jwt:\n  secret_key: s\n  auth_header_prefix: \"JWT x\"\n",
              key: "jwt.auth_header_prefix", line: 3, problem: "contains whitespace"),
        .init(name: "empty prefix", yaml: "jwt:\n  secret_key: s\n  auth_header_prefix: \"\"\n",
              key: "jwt.auth_header_prefix", line: 3, problem: "is empty"),
        .init(name: "bad cookie name", yaml: "jwt:\n  secret_key: s\n  auth_cookie: \"jwt;token\"\n",
              key: "jwt.auth_cookie", line: 3, problem: "is not a valid cookie name"),
        .init(name: "audience as a mapping", yaml: "jwt:\n  secret_key: s\n  audience:\n    a: b\n",
              key: "jwt.audience", line: 3, problem: "expected a list of audience names, got a mapping"),
        .init(name: "unknown response field", yaml: "jwt:\n  secret_key: s\n  response_fields: [token, usernme]\n",
              key: "jwt.response_fields[1]", line: 3, problem: "unknown value \"usernme\"", fix: "did you mean username?"),
        .init(name: "response fields without token", yaml: "jwt:\n  secret_key: s\n  response_fields: [exp]\n",
              key: "jwt.response_fields", line: 3, problem: "does not include `token`"),
        .init(name: "user secret field not an identifier", yaml: "jwt:\n  secret_key: s\n  user_secret_field: \"a-b\"\n",
              key: "jwt.user_secret_field", line: 3, problem: "is not a field name"),
        .init(name: "port out of range", yaml: "server:\n  listen: \"127.0.0.1:70000\"\njwt: {secret_key: s}\n",
              key: "server.listen", line: 2, problem: "port outside 0–65535"),
        .init(name: "listen without port", yaml: "server:\n  listen: localhost\njwt: {secret_key: s}\n",
              key: "server.listen", line: 2, problem: "has no port"),
        .init(name: "IPv6 listen without brackets", yaml: "server:\n  listen: [\"::1:8080\"]\njwt: {secret_key: s}\n",
              key: "server.listen[0]", line: 2, problem: "IPv6 address without brackets", fix: "[::1]:8080"),
        .init(name: "listener mapping with an unknown key", yaml: "server:\n  listen: {address: \"127.0.0.1:1\", port: 1}\njwt: {secret_key: s}\n",
              key: "server.listen.port", line: 2, problem: "unknown key"),
        .init(name: "negative body size", yaml: "server:\n  max_body_bytes: -1\njwt: {secret_key: s}\n",
              key: "server.max_body_bytes", line: 2, problem: "expected a size in bytes, got \"-1\""),
        .init(name: "zero header size", yaml: "server:\n  max_header_bytes: 0\njwt: {secret_key: s}\n",
              key: "server.max_header_bytes", line: 2, problem: "must be positive"),
        .init(name: "bad CIDR", yaml: "server:\n  trusted_proxies:\n    - 10.0.0.0/33\njwt: {secret_key: s}\n",
              key: "server.trusted_proxies[0]", line: 3, problem: "\"10.0.0.0/33\" is not an IPv4 or IPv6"),
        .init(name: "too many threads", yaml: "server:\n  event_loop_threads: 5000\njwt: {secret_key: s}\n",
              key: "server.event_loop_threads", line: 2, problem: "5000 is out of range"),
        .init(name: "not a number", yaml: "server:\n  blocking_threads: many\njwt: {secret_key: s}\n",
              key: "server.blocking_threads", line: 2, problem: "expected a whole number, got \"many\""),
        .init(name: "negative transfers per client", yaml: "server:\n  max_transfers_per_client: -1\njwt: {secret_key: s}\n",
              key: "server.max_transfers_per_client", line: 2, problem: "-1 is out of range", fix: "0 = no cap"),
        .init(name: "transfers per client not a number", yaml: "server:\n  max_transfers_per_client: lots\njwt: {secret_key: s}\n",
              key: "server.max_transfers_per_client", line: 2, problem: "expected a whole number, got \"lots\""),
        .init(name: "not a boolean", yaml: "jwt:\n  secret_key: s\n  allow_refresh: maybe\n",
              key: "jwt.allow_refresh", line: 3, problem: "expected true or false, got \"maybe\""),
        .init(name: "unknown key with suggestion", yaml: "jwt:\n  secret_key: s\n  expiraton_delta: 5\n",
              key: "jwt.expiraton_delta", line: 3, problem: "unknown key `expiraton_delta`",
              fix: "did you mean `expiration_delta`?"),
        .init(name: "Django setting name", yaml: "jwt:\n  secret_key: s\n  JWT_LEEWAY: 5\n",
              key: "jwt.JWT_LEEWAY", line: 3, problem: "unknown key", fix: "did you mean `leeway`?"),
        .init(name: "key in the wrong section", yaml: "server:\n  secret_key: s\njwt: {secret_key: s}\n",
              key: "server.secret_key", line: 2, problem: "unknown key", fix: "did you mean `jwt.secret_key`?"),
        .init(name: "unknown key without suggestion", yaml: "jwt: {secret_key: s}\nfrobnicate: 1\n",
              key: "frobnicate", line: 2, problem: "unknown key `frobnicate`", fix: "known keys here: server, jwt"),
        .init(name: "duplicate key", yaml: "jwt:\n  secret_key: s\n  leeway: 1\n  leeway: 2\n",
              key: "jwt.leeway", line: 4, problem: "is given twice (first at line 3)"),
        .init(name: "endpoint without slash", yaml: "jwt: {secret_key: s}\nendpoints:\n  obtain: login\n",
              key: "endpoints.obtain", line: 3, problem: "does not start with `/`"),
        .init(name: "two endpoints on one path", yaml: "jwt: {secret_key: s}\nendpoints:\n  obtain: /t/\n  verify: /t/\n",
              key: "endpoints.verify", line: 4, problem: "is the same path as endpoints.obtain"),
        .init(name: "unknown backend", yaml: "jwt: {secret_key: s}\nusers:\n  backend: mysql\n",
              key: "users.backend", line: 3, problem: "unknown value \"mysql\"", fix: "use one of file, sqlite, postgres"),
        .init(name: "sqlite without path", yaml: "jwt: {secret_key: s}\nusers:\n  backend: sqlite\n",
              key: "users.path", line: 2, problem: "is required for the sqlite backend"),
        .init(name: "sqlite file missing", yaml: "jwt: {secret_key: s}\nusers:\n  backend: sqlite\n  path: db.sqlite3\n",
              key: "users.path", line: 4, problem: "db.sqlite3 does not exist"),
        .init(name: "postgres without url", yaml: "jwt: {secret_key: s}\nusers:\n  backend: postgres\n",
              key: "users.url", line: 2, problem: "is required for the postgres backend"),
        .init(name: "postgres url of another scheme", yaml: "jwt: {secret_key: s}\nusers:\n  backend: postgres\n  url: mysql://u:p@h/d\n",
              key: "users.url", line: 4, problem: "is not a postgres:// URL"),
        .init(name: "url with the file backend", yaml: "jwt: {secret_key: s}\nusers:\n  url: postgres://h/d\n",
              key: "users.url", line: 3, problem: "is not used by the file backend"),
        .init(name: "table not an identifier", yaml: "jwt: {secret_key: s}\nusers:\n  table: \"auth_user; drop\"\n",
              key: "users.table", line: 3, problem: "is not an SQL identifier"),
        .init(name: "bad cache ttl", yaml: "jwt: {secret_key: s}\nusers:\n  cache_ttl: soon\n",
              key: "users.cache_ttl", line: 3, problem: "expected a duration"),
        .init(name: "users file missing", yaml: "jwt: {secret_key: s}\nusers:\n  path: nobody.yaml\n",
              key: "users.path", line: 3, problem: "nobody.yaml does not exist"),
        .init(name: "routes file missing", yaml: "jwt: {secret_key: s}\nroutes: nowhere.yaml\n",
              key: "routes", line: 2, problem: "nowhere.yaml does not exist"),
        .init(name: "bad log level", yaml: "jwt: {secret_key: s}\nlogging:\n  level: verbose\n",
              key: "logging.level", line: 3, problem: "unknown value \"verbose\""),
        .init(name: "section that is a list", yaml: "jwt:\n  - secret_key\n",
              key: "jwt", line: 1, problem: "expected a mapping of keys, got a list"),
        .init(name: "throttle store that is not a URL", yaml: "jwt: {secret_key: s}\nthrottle:\n  store: redis\n",
              key: "throttle.store", line: 3, problem: "is neither `memory` nor a Redis URL: does not start with redis://",
              fix: "redis://host:6379/0"),
        .init(name: "throttle store with a bad port", yaml: "jwt: {secret_key: s}\nthrottle:\n  store: \"redis://cache:port/0\"\n",
              key: "throttle.store", line: 3, problem: "the port is not a number from 1 to 65535"),
        .init(name: "throttle store with a bad database", yaml: "jwt: {secret_key: s}\nthrottle:\n  store: \"redis://cache:6379/x\"\n",
              key: "throttle.store", line: 3, problem: "the database \"x\" is not a number"),
        .init(name: "throttle store without a host", yaml: "jwt: {secret_key: s}\nthrottle:\n  store: \"redis://:6379\"\n",
              key: "throttle.store", line: 3, problem: "has no host"),
        .init(name: "unknown store error policy", yaml: "jwt: {secret_key: s}\nthrottle:\n  on_store_error: fail\n",
              key: "throttle.on_store_error", line: 3, problem: "unknown value \"fail\"", fix: "allow, deny"),
        .init(name: "long store timeout", yaml: "jwt: {secret_key: s}\nthrottle:\n  store_timeout: 30s\n",
              key: "throttle.store_timeout", line: 3, problem: "is longer than 10 s"),
        .init(name: "short throttle key", yaml: "jwt: {secret_key: s}\nthrottle:\n  key: short\n",
              key: "throttle.key", line: 3, problem: "is shorter than 16 bytes"),
        .init(name: "malformed reference", yaml: "jwt:\n  secret_key: \"${UNCLOSED\"\n",
              key: "jwt.secret_key", line: 2, problem: "is not a complete `${NAME}` reference"),
    ]

    @Test("a wrong gateway.yaml gives exactly one precise issue", arguments: gatewayCases)
    func gatewayError(_ testCase: GatewayErrorCase) throws {
        let fixture = try ConfigFixture()
        try fixture.write("garbage.pem", "not a key\n")
        try fixture.write("pub.pem", "-----BEGIN PUBLIC KEY-----\nx\n-----END PUBLIC KEY-----\n")
        try fixture.write("priv.pem", "-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n")
        let issues = try fixture.issues(gateway: testCase.yaml)
        try #require(issues.count == 1, "got: \(issues.map(\.description))")
        let issue = issues[0]
        #expect(issue.file == fixture.path("gateway.yaml"))
        #expect(issue.key == testCase.key)
        #expect(issue.line == testCase.line)
        #expect(issue.problem.contains(testCase.problem), "problem: \(issue.problem)")
        #expect(testCase.fix.isEmpty || issue.fix.contains(testCase.fix), "fix: \(issue.fix)")
        #expect(!issue.fix.isEmpty)
    }

    @Test("a YAML syntax error is one issue with the parser's line")
    func syntaxError() throws {
        let fixture = try ConfigFixture()
        let issues = try fixture.issues(gateway: "jwt:\n  secret_key: s\n  leeway: [1, 2\nusers: {}\n")
        try #require(issues.count == 1)
        #expect(issues[0].key == "")
        #expect(issues[0].line == 4)
        #expect(issues[0].problem.hasPrefix("YAML syntax error at column"))
    }

    @Test("a missing gateway file is one issue naming it")
    func missingGatewayFile() throws {
        let fixture = try ConfigFixture()
        let path = fixture.path("absent.yaml")
        #expect(throws: ConfigError.self) { try ConfigLoader.load(path: path, environment: [:]) }
        do {
            _ = try ConfigLoader.load(path: path, environment: [:])
        } catch {
            #expect(error.issues == [ConfigIssue(file: path, key: "", line: nil, problem: "file \(path) does not exist",
                                                 fix: "pass the path of an existing file")])
        }
    }

    @Test("every problem in all three files is reported at once, in file order")
    func allProblemsAtOnce() throws {
        let fixture = try ConfigFixture()
        let issues = try fixture.issues(gateway: """
            server:
              listen: "nowhere"
            jwt:
              algorithm: HS256
              verify: false
              leeway: -3
            users:
              path: users.yaml
            routes: routes.yaml
            """, users: """
            users:
              - id: 1
                username: alice
                password: plain-text-password
              - id: 1
                username: alice
                password: "\(ConfigFixture.validHash)"
                is_actve: false
            """, routes: """
            routes:
              - path: api/
                upstream: https://secure.example:99999
                auth: sometimes
                metods: [GET]
              - path: /x/
            """)
        let gateway = fixture.path("gateway.yaml"), users = fixture.path("users.yaml"), routes = fixture.path("routes.yaml")
        let found = issues.map { "\($0.file == gateway ? "g" : $0.file == users ? "u" : $0.file == routes ? "r" : "?"):\($0.line ?? 0):\($0.key)" }
        #expect(found == [
            "g:2:server.listen", "g:3:jwt.secret_key", "g:5:jwt.verify", "g:6:jwt.leeway",
            "u:4:users[0].password", "u:8:users[1].is_actve",
            "r:2:routes[0].path", "r:3:routes[0].upstream", "r:4:routes[0].auth", "r:5:routes[0].metods",
            "r:6:routes[1].upstream",
        ])
        let text = ConfigLoader.render(ConfigError(issues: issues))
        #expect(text.hasPrefix("configuration has 11 problems:\n"))
        #expect(text.contains("\n  \(gateway):5: jwt.verify: false is not offered"))
        #expect(text.contains("has a port outside 1–65535"))
        #expect(text.contains("did you mean `is_active`?"))
        #expect(!text.contains("plain-text-password"))
    }
}
