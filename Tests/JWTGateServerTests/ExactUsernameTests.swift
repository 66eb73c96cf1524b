import JWTGateCore
import JWTGateServer
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// "zoë" in NFC and in NFD are two usernames to Django, SQLite and PostgreSQL. The answers below are
/// the library's (checked against the oracle): the other spelling cannot log in, and its token
/// names nobody — `Invalid signature.` on a protected route, `User doesn't exist.` at verify and refresh.
@Suite("Usernames are matched by exact code points in every store and cache", .serialized)
struct ExactUsernameTests {
    static let nfc = "zo\u{EB}"
    static let nfdJSON = #"zoe\u0308"#

    /// Runs the scenario against a gateway whose store holds `nfc` with `password`; user caches on.
    static func expectOnlyTheStoredSpellingWorks(_ gateway: RunningGateway, _ upstream: TestUpstreamServer,
                                                password: String) throws {
        let client = try RawHTTPClient(port: gateway.port)
        let json = [("Content-Type", "application/json")]
        let obtained = try client.request("POST", "/api-token-auth/", headers: json,
                                          body: Array("{\"username\":\"\(nfc)\",\"password\":\"\(password)\"}".utf8))
        #expect(obtained.status == 200, "\(obtained.text)")
        let token = try #require(try PythonJSON.parse(obtained.body).objectValue?["token"]?.stringValue)
        #expect(try client.request("GET", "/api/orders", headers: [("Authorization", "JWT \(token)")]).status == 200)
        let forwarded = try #require(upstream.requests.last?.values("X-Auth-Username").first)
        #expect(forwarded.isExactly(nfc))

        let other = try client.request("POST", "/api-token-auth/", headers: json,
                                       body: Array("{\"username\":\"\(nfdJSON)\",\"password\":\"\(password)\"}".utf8))
        #expect(other.status == 400)
        #expect(other.text == #"{"non_field_errors":["Unable to log in with provided credentials."]}"#)

        let now = Int64(time(nil))
        let nfdToken = GatewayHarness.token("{\"username\":\"\(nfdJSON)\",\"exp\":\(now + 300),\"orig_iat\":\(now)}")
        let seen = upstream.requests.count
        let proxied = try client.request("GET", "/api/orders", headers: [("Authorization", "JWT \(nfdToken)")])
        #expect(proxied.status == 401)
        #expect(proxied.text == #"{"detail":"Invalid signature."}"#)
        #expect(upstream.requests.count == seen, "never forwarded")
        for view in ["/api-token-verify/", "/api-token-refresh/"] {
            let answer = try client.request("POST", view, headers: json, body: Array("{\"token\":\"\(nfdToken)\"}".utf8))
            #expect(answer.status == 400, "\(view)")
            #expect(answer.text == #"{"non_field_errors":["User doesn't exist."]}"#, "\(view)")
        }
    }

    @Test("file store")
    func fileStore() async throws {
        let zoe = UserRecord(id: .integer(77), username: Self.nfc, email: "zoe@example.com",
                             passwordHash: GatewayHarness.hash, isActive: true)
        try await GatewayHarness.withGateway(configure: {
            $0.users = UsersConfig(backend: .file(path: "/tests/users.yaml", users: GatewayHarness.users + [zoe]))
        }) { gateway, upstream in
            try Self.expectOnlyTheStoredSpellingWorks(gateway, upstream, password: "secret123")
        }
    }

    @Test("SQLite store, with the user cache on")
    func sqliteStore() async throws {
        let path = try SQLiteBackendTests.copyOfDjangoDatabase()
        defer { unlink(path) }
        let insert = """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            db.execute("INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff, "
                       "is_active, date_joined) SELECT password, 0, ?, '', '', 'zoe@example.com', 0, 1, date_joined "
                       "FROM auth_user WHERE username = 'alice'", ("zo\\u00eb",))
            db.commit()
            """
        let (status, output) = TestCommand.run(["/usr/bin/env", "python3", "-c", insert, path])
        try #require(status == 0, "\(output)")
        try await GatewayHarness.withGateway(configure: {
            $0.users = UsersConfig(backend: .sqlite(path: path))
            $0.users.cacheTTL = .seconds(60)
        }) { gateway, upstream in
            try Self.expectOnlyTheStoredSpellingWorks(gateway, upstream, password: "alice-secret-1")
        }
    }

    @Test("PostgreSQL store, with the user cache on")
    func postgresStore() async throws {
        let url = try PostgresBackendTests.server().makeDatabase(PostgresBackendTests.djangoAuthUser + """
            INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined)
              SELECT password, false, U&'zo\\00EB', '', '', 'zoe@example.com', false, true, date_joined FROM auth_user WHERE username = 'alice';
            """)
        try await GatewayHarness.withGateway(configure: {
            $0.users = UsersConfig(backend: .postgres(url: Secret(url)))
            $0.users.cacheTTL = .seconds(60)
        }) { gateway, upstream in
            try Self.expectOnlyTheStoredSpellingWorks(gateway, upstream, password: "alice-secret-1")
        }
    }
}
