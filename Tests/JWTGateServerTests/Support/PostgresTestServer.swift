import Foundation
import Synchronization

/// A private PostgreSQL server for this test process (postgres-test-server.sh next to this file):
/// started on first use, stopped when the process exits. Each test gets a database of its own.
final class PostgresTestServer: Sendable {
    /// The server, or why it could not start (tests then fail with that message).
    static let shared = Result(catching: { () throws(PostgresTestServerError) -> PostgresTestServer in try start() })

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

    private static func start() throws(PostgresTestServerError) -> PostgresTestServer {
        let directory = "/tmp/jwtgate-pg-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let (status, output) = run([script, "start", directory])
        guard status == 0, let url = output.split(separator: "\n").last.map(String.init), url.hasPrefix("postgres://") else {
            throw PostgresTestServerError("could not start a private PostgreSQL server (\(script) start): \(output)")
        }
        stopDirectory.withLock { $0 = directory }
        atexit {
            guard let directory = stopDirectory.withLock({ $0 }) else { return }
            _ = PostgresTestServer.run([PostgresTestServer.script, "stop", directory])
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
        let (status, output) = Self.run(["/usr/bin/env", "psql", url, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql])
        guard status == 0 else { throw PostgresTestServerError("psql failed: \(output)") }
    }

    /// Runs `arguments` (each single-quoted for the shell) and returns its exit status and combined output. `system(3)` rather than
    /// Foundation's `Process`, whose exit monitoring hangs here; output goes through a file, not a pipe,
    /// because the server the script starts inherits the script's descriptors.
    private static func run(_ arguments: [String]) -> (Int32, String) {
        let outputPath = "/tmp/jwtgate-pg-run-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).log"
        defer { unlink(outputPath) }
        let quoted = arguments.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let status = system("\(quoted) >\(outputPath) 2>&1 </dev/null")
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let exit = status == -1 ? -1 : (status >> 8) & 0xFF
        return (exit, text)
    }
}

struct PostgresTestServerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

private let stopDirectory = Mutex<String?>(nil)
