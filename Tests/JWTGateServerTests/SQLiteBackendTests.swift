import JWTGateCore
import JWTGateServer
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("The gateway on a Django project's SQLite database", .serialized)
struct SQLiteBackendTests {
    /// A private copy of the database Django's migrations built (Tests/JWTGateCoreTests/Fixtures).
    static func copyOfDjangoDatabase() throws -> String {
        let here = #filePath
        let tests = here[..<here.lastIndex(of: "/")!].dropLast("JWTGateServerTests".count)
        let source = "\(tests)JWTGateCoreTests/Fixtures/django-auth.sqlite3"
        let target = "/tmp/jwtgate-sqlite-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sqlite3"
        let input = try #require(fopen(source, "rb"))
        defer { fclose(input) }
        let output = try #require(fopen(target, "wb"))
        defer { fclose(output) }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = fread(&buffer, 1, buffer.count, input)
            if n <= 0 { break }
            fwrite(buffer, 1, n, output)
        }
        return target
    }

    @Test("users log in with their Django hashes, proxied requests carry their identity, and readiness follows the file")
    func endToEnd() async throws {
        let path = try Self.copyOfDjangoDatabase()
        defer { unlink(path) }
        try await GatewayHarness.withGateway(configure: {
            $0.users = UsersConfig(backend: .sqlite(path: path))
            $0.users.cacheTTL = .zero
        }) { gateway, upstream in
            let client = try RawHTTPClient(port: gateway.port)
            let token = try GatewayHarness.expectAliceLogsInAndIsForwarded(client, upstream)

            let inactive = try client.request("POST", "/api-token-auth/", headers: [("Content-Type", "application/json")],
                                              body: Array(#"{"username":"dave","password":"anything"}"#.utf8))
            #expect(inactive.text == #"{"non_field_errors":["Unable to log in with provided credentials."]}"#, "unusable password")

            #expect(try client.request("GET", "/readyz").status == 200)
            unlink(path)
            try await Task.sleep(for: .milliseconds(1100))  // the readiness probe caches its verdict for a second
            let ready = try client.request("GET", "/readyz")
            #expect(ready.status == 503)
            let after = try client.request("GET", "/api/orders", headers: [("Authorization", "JWT \(token)")])
            #expect(after.status == 503, "a user store that cannot be read never lets a request through")
        }
    }

    /// Issue 8: `cp new.sqlite3 db.sqlite3` over the live file keeps its inode, and the copy's header can carry
    /// the same change counter (both files here are the fixture plus one write), so SQLite alone would keep
    /// serving alice's cached row from a pooled connection.
    @Test("a user made inactive by cp of a new database over the live file can no longer obtain a token")
    func copiedOverInPlace() async throws {
        let path = try Self.copyOfDjangoDatabase()
        let replacement = path + ".new"
        defer { unlink(path); unlink(replacement) }
        #expect(TestCommand.run(["/bin/cp", path, replacement]).status == 0)
        let python = "import sqlite3, sys; db = sqlite3.connect(sys.argv[1], isolation_level=None); db.execute(sys.argv[2])"
        let changes = [(path, "UPDATE auth_user SET last_name = 'A.' WHERE username = 'alice'"),
                       (replacement, "UPDATE auth_user SET is_active = 0 WHERE username = 'alice'")]
        for (file, sql) in changes {
            let written = TestCommand.run(["/usr/bin/python3", "-c", python, file, sql])
            #expect(written.status == 0, "\(written.output)")
        }

        try await GatewayHarness.withGateway(configure: {
            $0.users = UsersConfig(backend: .sqlite(path: path))
            $0.users.cacheTTL = .zero
        }) { gateway, upstream in
            let client = try RawHTTPClient(port: gateway.port)
            let credentials = Array(#"{"username":"alice","password":"alice-secret-1"}"#.utf8)
            // Enough logins for every pooled connection to have read alice's row.
            for _ in 0..<8 {
                let obtained = try client.request("POST", "/api-token-auth/", headers: [("Content-Type", "application/json")],
                                                  body: credentials)
                #expect(obtained.status == 200, "\(obtained.text)")
            }

            #expect(TestCommand.run(["/bin/cp", replacement, path]).status == 0)

            for _ in 0..<8 {
                let refused = try client.request("POST", "/api-token-auth/", headers: [("Content-Type", "application/json")],
                                                 body: credentials)
                #expect(refused.status == 400, "\(refused.text)")
                #expect(!refused.text.contains("token"), "\(refused.text)")
            }
        }
    }
}
