import Foundation
import Synchronization

/// A private PostgreSQL server for this test process (postgres-test-server.sh next to this file):
/// started on first use, stopped when the process exits. Each test gets a database of its own.
final class PostgresTestServer: Sendable {
    /// The server, or why it could not start (tests then fail with that message).
    static let shared = Result(catching: { () throws(TestSupportError) -> PostgresTestServer in try start() })

    let directory: String
    /// `postgres://jwtgate@127.0.0.1:PORT/postgres` (trust authentication: any password is accepted).
    let adminURL: String
    let port: Int

    private init(directory: String, adminURL: String) {
        self.directory = directory
        self.adminURL = adminURL
        self.port = Int(adminURL.split(separator: ":").last!.split(separator: "/").first!)!
    }

    private static let script: String = {
        let here = #filePath
        return String(here[..<here.lastIndex(of: "/")!]) + "/postgres-test-server.sh"
    }()

    private static func start() throws(TestSupportError) -> PostgresTestServer {
        let directory = "/tmp/jwtgate-pg-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let (status, output) = TestCommand.run([script, "start", directory])
        guard status == 0, let url = output.split(separator: "\n").last.map(String.init), url.hasPrefix("postgres://") else {
            throw TestSupportError("could not start a private PostgreSQL server (\(script) start): \(output)")
        }
        stopDirectory.withLock { $0 = directory }
        atexit {
            guard let directory = stopDirectory.withLock({ $0 }) else { return }
            _ = TestCommand.run([PostgresTestServer.script, "stop", directory])
        }
        return PostgresTestServer(directory: directory, adminURL: url)
    }

    /// A new, empty database with `sql` run in it; returns its URL (user `jwtgate`, with `password` if given).
    func makeDatabase(_ sql: String, password: String? = nil) throws -> String {
        let name = "t_\(UInt64.random(in: 0...UInt64.max))"
        try psql(adminURL, "CREATE DATABASE \(name)")
        let url = "postgres://jwtgate\(password.map { ":\($0)" } ?? "")@127.0.0.1:\(port)/\(name)"
        try psql(url, sql)
        return url
    }

    /// Runs SQL as the superuser (tables, rows, `pg_terminate_backend`).
    func psql(_ url: String, _ sql: String) throws {
        let (status, output) = TestCommand.run(["/usr/bin/env", "psql", url, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql])
        guard status == 0 else { throw TestSupportError("psql failed: \(output)") }
    }
}

private let stopDirectory = Mutex<String?>(nil)
