import Foundation
import Testing
@testable import JWTGateCore

/// One wrong users.yaml or routes.yaml and the single issue it must produce.
struct FileErrorCase: CustomTestStringConvertible, Sendable {
    var name: String
    var yaml: String
    var key: String
    var line: Int?
    var problem: String
    var fix: String = ""
    var testDescription: String { name }

    /// `yaml` as routes.yaml gives exactly this one issue.
    func expectOneRoutesIssue() throws {
        let fixture = try ConfigFixture()
        let issues = try fixture.issues(gateway: ConfigFixture.gateway(), routes: yaml)
        try #require(issues.count == 1, "got: \(issues.map(\.description))")
        let issue = issues[0]
        #expect(issue.file == fixture.path("routes.yaml"))
        #expect(issue.key == key)
        #expect(issue.line == line)
        #expect(issue.problem.contains(problem), "problem: \(issue.problem)")
        #expect(fix.isEmpty || issue.fix.contains(fix), "fix: \(issue.fix)")
    }
}

@Suite("users.yaml and routes.yaml problems")
struct ConfigFilesErrorTests {
    static let hash = ConfigFixture.validHash

    static let userCases: [FileErrorCase] = [
        .init(name: "id missing", yaml: "users:\n  - username: a\n    password: \"\(hash)\"\n",
              key: "users[0].id", line: 2, problem: "is missing"),
        .init(name: "id neither int nor UUID", yaml: "users:\n  - id: abc\n    username: a\n    password: \"\(hash)\"\n",
              key: "users[0].id", line: 2, problem: "\"abc\" is neither an integer nor a UUID"),
        .init(name: "UUID with wrong grouping", yaml: "users:\n  - id: 550e8400e29b-41d4-a716-4466-55440000\n    username: a\n    password: \"\(hash)\"\n",
              key: "users[0].id", line: 2, problem: "is neither an integer nor a UUID"),
        .init(name: "username missing", yaml: "users:\n  - id: 1\n    password: \"\(hash)\"\n",
              key: "users[0].username", line: 2, problem: "is missing"),
        .init(name: "username empty", yaml: "users:\n  - id: 1\n    username: \"\"\n    password: \"\(hash)\"\n",
              key: "users[0].username", line: 3, problem: "is empty"),
        .init(name: "password missing", yaml: "users:\n  - id: 1\n    username: a\n",
              key: "users[0].password", line: 2, problem: "is missing", fix: "jwtgate hash-password"),
        .init(name: "plain password", yaml: "users:\n  - id: 1\n    username: a\n    password: correcthorse\n",
              key: "users[0].password", line: 4, problem: "is not a Django password hash"),
        .init(name: "unknown hasher", yaml: "users:\n  - id: 1\n    username: a\n    password: \"pa$$word\"\n",
              key: "users[0].password", line: 4, problem: "not a Django hasher name"),
        .init(name: "is_active not a boolean", yaml: "users:\n  - id: 1\n    username: a\n    password: \"!\"\n    is_active: 2\n",
              key: "users[0].is_active", line: 5, problem: "expected true or false"),
        .init(name: "misspelt is_active", yaml: "users:\n  - id: 1\n    username: a\n    password: \"!\"\n    is_activ: false\n",
              key: "users[0].is_activ", line: 5, problem: "unknown key", fix: "did you mean `is_active`?"),
        .init(name: "extra field that is a list", yaml: "users:\n  - id: 1\n    username: a\n    password: \"!\"\n    groups: [x]\n",
              key: "users[0].groups", line: 5, problem: "is a list; extra user fields must be single values"),
        .init(name: "duplicate id", yaml: "users:\n  - id: 7\n    username: a\n    password: \"!\"\n  - id: 7\n    username: b\n    password: \"!\"\n",
              key: "users[1].id", line: 5, problem: "id 7 is already used by users[0] (line 2)"),
        .init(name: "duplicate UUID in two spellings", yaml: "users:\n  - id: 550e8400-e29b-41d4-a716-446655440000\n    username: a\n    password: \"!\"\n  - id: 550E8400E29B41D4A716446655440000\n    username: b\n    password: \"!\"\n",
              key: "users[1].id", line: 5, problem: "is already used by users[0]"),
        .init(name: "duplicate username", yaml: "users:\n  - id: 1\n    username: a\n    password: \"!\"\n  - id: 2\n    username: a\n    password: \"!\"\n",
              key: "users[1].username", line: 6, problem: "username \"a\" is already used by users[0] (line 3)"),
        .init(name: "users not a list", yaml: "users:\n  alice: 1\n",
              key: "users", line: 1, problem: "expected a list of users, got a mapping"),
        .init(name: "no users key", yaml: "people: []\n",
              key: "people", line: 1, problem: "unknown key `people`"),
    ]

    @Test("a wrong users.yaml gives one precise issue", arguments: userCases)
    func usersError(_ testCase: FileErrorCase) throws {
        let fixture = try ConfigFixture()
        let issues = try fixture.issues(gateway: ConfigFixture.gateway(), users: testCase.yaml)
        let missingUsers = testCase.key == "people"   // also reports the missing `users:` key
        try #require(issues.count == (missingUsers ? 2 : 1), "got: \(issues.map(\.description))")
        let issue = issues[0]
        #expect(issue.file == fixture.path("users.yaml"))
        #expect(issue.key == testCase.key)
        #expect(issue.line == testCase.line)
        #expect(issue.problem.contains(testCase.problem), "problem: \(issue.problem)")
        #expect(testCase.fix.isEmpty || issue.fix.contains(testCase.fix), "fix: \(issue.fix)")
    }

    static let routeCases: [FileErrorCase] = [
        .init(name: "ca_file on an http route", yaml: "routes:\n  - path: /a/\n    upstream: http://x\n    ca_file: /etc/hostname\n",
              key: "routes[0].ca_file", line: 4, problem: "is set but no upstream of this route is https"),
        .init(name: "ca_file that is not there", yaml: "routes:\n  - path: /a/\n    upstream: https://x\n    ca_file: no-such-ca.pem\n",
              key: "routes[0].ca_file", line: 4, problem: "cannot be read"),
        .init(name: "ca_file without a certificate", yaml: "routes:\n  - path: /a/\n    upstream: https://x\n    ca_file: routes.yaml\n",
              key: "routes[0].ca_file", line: 4, problem: "holds no PEM certificate"),
        .init(name: "ftp upstream", yaml: "routes:\n  - path: /a/\n    upstream: ftp://x\n",
              key: "routes[0].upstream", line: 3, problem: "only http and https are supported"),
        .init(name: "upstream port zero", yaml: "routes:\n  - path: /a/\n    upstream: http://x:0\n",
              key: "routes[0].upstream", line: 3, problem: "port outside 1–65535"),
        .init(name: "upstream with query", yaml: "routes:\n  - path: /a/\n    upstream: http://x/?a=1\n",
              key: "routes[0].upstream", line: 3, problem: "has a query or fragment"),
        .init(name: "upstream not a URL", yaml: "routes:\n  - path: /a/\n    upstream: 127.0.0.1:9001\n",
              key: "routes[0].upstream", line: 3, problem: "is not a URL"),
        .init(name: "empty upstream list", yaml: "routes:\n  - path: /a/\n    upstream: []\n",
              key: "routes[0].upstream", line: 3, problem: "is an empty list"),
        .init(name: "second upstream bad", yaml: "routes:\n  - path: /a/\n    upstream:\n      - http://a\n      - http://b:x\n",
              key: "routes[0].upstream[1]", line: 5, problem: "port outside"),
        .init(name: "upstream missing", yaml: "routes:\n  - path: /a/\n",
              key: "routes[0].upstream", line: 2, problem: "is missing"),
        .init(name: "path missing", yaml: "routes:\n  - upstream: http://a\n",
              key: "routes[0].path", line: 2, problem: "is missing"),
        .init(name: "path without slash", yaml: "routes:\n  - path: api\n    upstream: http://a\n",
              key: "routes[0].path", line: 2, problem: "does not start with `/`"),
        .init(name: "bad auth mode", yaml: "routes:\n  - path: /a/\n    upstream: http://a\n    auth: Required\n",
              key: "routes[0].auth", line: 4, problem: "unknown value \"Required\"", fix: "did you mean required?"),
        .init(name: "bad method", yaml: "routes:\n  - path: /a/\n    upstream: http://a\n    methods: [GET, \"PO ST\"]\n",
              key: "routes[0].methods[1]", line: 4, problem: "is not an HTTP method"),
        .init(name: "empty methods", yaml: "routes:\n  - path: /a/\n    upstream: http://a\n    methods: []\n",
              key: "routes[0].methods", line: 4, problem: "is an empty list"),
        .init(name: "bad timeout", yaml: "routes:\n  - path: /a/\n    upstream: http://a\n    timeout: forever\n",
              key: "routes[0].timeout", line: 4, problem: "expected a duration"),
        .init(name: "unknown route key", yaml: "routes:\n  - path: /a/\n    upstream: http://a\n    strip-prefix: true\n",
              key: "routes[0].strip-prefix", line: 4, problem: "unknown key", fix: "did you mean `strip_prefix`?"),
        .init(name: "duplicate path", yaml: "routes:\n  - path: /a/\n    upstream: http://a\n  - path: /a/\n    upstream: http://b\n",
              key: "routes[1].path", line: 4, problem: "\"/a/\" is already routed by routes[0] (line 2)"),
        .init(name: "unknown top-level key", yaml: "routes: []\nroute: []\n",
              key: "route", line: 2, problem: "unknown key `route`", fix: "did you mean `routes`?"),
    ]

    @Test("a wrong routes.yaml gives one precise issue", arguments: routeCases)
    func routesError(_ testCase: FileErrorCase) throws {
        try testCase.expectOneRoutesIssue()
    }

    @Test("user_secret_field must be present on every file user")
    func userSecretFieldPresence() throws {
        let fixture = try ConfigFixture()
        let issues = try fixture.issues(gateway: ConfigFixture.gateway("  ").replacingOccurrences(
            of: "  secret_key: test-secret-value", with: "  secret_key: s\n  user_secret_field: jwt_secret"))
        try #require(issues.count == 1, "got: \(issues.map(\.description))")
        #expect(issues[0].key == "jwt.user_secret_field")
        #expect(issues[0].line == 3)
        #expect(issues[0].problem.contains("which users \"alice\""))
    }
}
