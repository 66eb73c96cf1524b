@testable import JWTGateCore
import JWTGateServer
import Testing

/// Against a real PostgreSQL server the tests start themselves (Support/postgres-test-server.sh).
@Suite("The postgres user backend on a real PostgreSQL server")
struct PostgresBackendTests {
    /// Django 3.2's `auth_user` on PostgreSQL (`manage.py sqlmigrate auth` folded into one table), and the
    /// users of the SQLite fixture with the same hashes (alice-secret-1 is alice's password).
    static let djangoAuthUser = """
        CREATE TABLE auth_user (
            id serial NOT NULL PRIMARY KEY, password varchar(128) NOT NULL, last_login timestamp with time zone NULL,
            is_superuser boolean NOT NULL, username varchar(150) NOT NULL UNIQUE, first_name varchar(150) NOT NULL,
            last_name varchar(150) NOT NULL, email varchar(254) NOT NULL, is_staff boolean NOT NULL,
            is_active boolean NOT NULL, date_joined timestamp with time zone NOT NULL);
        INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined) VALUES
          ('pbkdf2_sha256$1000$alicesalt0123456789abc$lM3/A3qb5UiJ+AhASrAL5jokjrxhoDxfoFFkKCMUN08=', false, 'alice', '', '', 'alice@example.com', false, true, '2024-01-01T00:00:00Z'),
          ('pbkdf2_sha256$1000$bobsalt0123456789abcde$ynYWFTvgWZhT2jHcvqEK8dVjni0Pqckg2IbkGTN+Bl8=', false, 'bob', '', '', 'bob@example.com', false, false, '2024-01-03T00:00:00Z'),
          ('pbkdf2_sha256$1000$carolsalt0123456789abc$wVikqGKbVH6E9tR8B6s9gtzL7uS1tmLwhmENMJ4ERvc=', false, 'carol', '', '', '', false, true, '2024-01-02T00:00:00Z'),
          ('!C79rJWb7lEZmJJqQXZFaTYuzFrKFN6PQBmICOFat', false, 'dave', '', '', 'dave@example.com', false, true, '2024-01-04T00:00:00Z');
        """

    static func server() throws -> PostgresTestServer { try PostgresTestServer.shared.get() }

    @Test("users are looked up by username exactly as Django's get_by_natural_key matches")
    func lookups() throws {
        let url = try Self.server().makeDatabase(Self.djangoAuthUser)
        let store = try PostgresUserStore(url: url)
        let alice = try #require(try store.user(named: "alice"))
        #expect(alice == UserRecord(id: .integer(1), username: "alice", email: "alice@example.com",
                                    passwordHash: "pbkdf2_sha256$1000$alicesalt0123456789abc$lM3/A3qb5UiJ+AhASrAL5jokjrxhoDxfoFFkKCMUN08=",
                                    isActive: true))
        #expect(try store.user(named: "bob")?.isActive == false)
        #expect(try store.user(named: "carol")?.email == "")
        #expect(try store.user(named: "ALICE") == nil, "case-sensitive, as Django's varchar comparison")
        #expect(try store.user(named: "alice\u{0}x") == nil, "a NUL would cut libpq's parameter at 'alice'")
        #expect(try store.user(named: "nobody") == nil)
        #expect(try store.user(named: "' OR '1'='1") == nil)
        // The latest joined active user with a usable password: carol (bob is inactive, dave unusable).
        #expect(try store.samplePasswordHash()?.hasPrefix("pbkdf2_sha256$1000$carolsalt") == true)
        try store.checkReachable()
    }

    @Test("a custom user model: UUID primary key, email as USERNAME_FIELD, no is_active, a per-user secret column")
    func customUserModel() throws {
        let url = try Self.server().makeDatabase("""
            CREATE TABLE accounts_member (
                uuid uuid NOT NULL PRIMARY KEY, email_address varchar(254) NOT NULL UNIQUE,
                password varchar(128) NOT NULL, jwt_secret uuid NOT NULL);
            INSERT INTO accounts_member VALUES
              ('7D444840-9DC0-11D1-B245-5FFDCE74FAD2', 'Erin@Example.com', 'pbkdf2_sha256$1$s$h', '0b9e1d7c-2f04-4a5e-9f0e-8d6c1b2a3f40');
            """)
        let store = try PostgresUserStore(url: url, table: "accounts_member", usernameField: "email_address",
                                          extraFields: ["jwt_secret"])
        let erin = try #require(try store.user(named: "Erin@Example.com"))
        #expect(erin.id == .uuid("7d444840-9dc0-11d1-b245-5ffdce74fad2"))
        #expect(erin.email == nil, "no email column: no email claim")
        #expect(erin.isActive, "no is_active column: active, as AbstractBaseUser")
        #expect(erin.fields["jwt_secret"] == "0b9e1d7c-2f04-4a5e-9f0e-8d6c1b2a3f40")
        #expect(try store.user(named: "erin@example.com") == nil)
    }

    @Test("configuration mistakes name the server, the table, the column and the key to fix — never the password")
    func errors() throws {
        let server = try Self.server()
        let url = try server.makeDatabase(Self.djangoAuthUser, password: "pg-pass-do-not-log")
        func failure(_ body: () throws -> Void) -> String {
            do {
                try body()
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        let noTable = failure { _ = try PostgresUserStore(url: url, table: "accounts_user") }
        #expect(noTable.contains("table \"accounts_user\" not found") && noTable.contains("tables there: auth_user")
                && noTable.contains("users.table"), "\(noTable)")
        #expect(noTable.contains("postgres://jwtgate@127.0.0.1:\(server.port)/"), "\(noTable)")
        let noColumn = failure { _ = try PostgresUserStore(url: url, usernameField: "login") }
        #expect(noColumn.contains("no column \"login\"") && noColumn.contains("users.username_field"), "\(noColumn)")
        let noSecret = failure { _ = try PostgresUserStore(url: url, extraFields: ["jwt_secret"]) }
        #expect(noSecret.contains("jwt.user_secret_field"), "\(noSecret)")
        let badName = failure { _ = try PostgresUserStore(url: url, table: "auth_user; DROP TABLE auth_user") }
        #expect(badName.contains("not a plain SQL identifier"), "\(badName)")

        // Nothing listens on port 1.
        let unreachable = failure { _ = try PostgresUserStore(url: "postgres://jwtgate:pg-pass-do-not-log@127.0.0.1:1/x?password=pg-pass-do-not-log") }
        #expect(unreachable.contains("cannot connect to PostgreSQL at postgres://jwtgate@127.0.0.1:1/x") && unreachable.contains("users.url"),
                "\(unreachable)")
        for message in [noTable, noColumn, noSecret, unreachable] {
            #expect(!message.contains("pg-pass-do-not-log"), "\(message)")
        }
    }

    @Test("sessions are read-only, and a connection the server dropped is replaced on the next lookup")
    func readOnlyAndReconnect() throws {
        let server = try Self.server()
        let url = try server.makeDatabase(Self.djangoAuthUser)
        let store = try PostgresUserStore(url: url, maxConnections: 1)
        #expect(try store.user(named: "alice") != nil)
        let database = String(url.split(separator: "/").last!)
        try server.psql(server.adminURL, """
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE application_name = 'jwtgate' AND datname = '\(database)'
            """)
        // The first use notices the dead connection (an error, or already a fresh one); the next one works.
        _ = try? store.user(named: "alice")
        #expect(try store.user(named: "alice")?.username == "alice")
        let connection = try PostgresConnection(url: url)
        let write = Result { try connection.query("UPDATE auth_user SET is_active = true RETURNING id") }
        #expect(throws: UserStoreError.self) { try write.get() }
        #expect("\(write)".contains("read-only transaction"), "\(write)")
    }

    @Test("the gateway logs users in from PostgreSQL and forwards their identity")
    func endToEnd() async throws {
        let url = try Self.server().makeDatabase(Self.djangoAuthUser)
        try await GatewayHarness.withGateway(configure: {
            $0.users = UsersConfig(backend: .postgres(url: Secret(url)))
            $0.users.cacheTTL = .zero
        }) { gateway, upstream in
            let client = try RawHTTPClient(port: gateway.port)
            _ = try GatewayHarness.expectAliceLogsInAndIsForwarded(client, upstream)
            let wrong = try client.request("POST", "/api-token-auth/", headers: [("Content-Type", "application/json")],
                                           body: Array(#"{"username":"alice","password":"nope"}"#.utf8))
            #expect(wrong.text == #"{"non_field_errors":["Unable to log in with provided credentials."]}"#)
            #expect(try client.request("GET", "/readyz").status == 200)
        }
    }
}
