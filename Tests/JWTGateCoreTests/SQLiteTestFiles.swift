import Foundation
import Testing

/// Fixtures (rebuild with `Fixtures/make-django-sqlite.sh`, which runs Django 3.2's own migrations):
/// - `django-auth.sqlite3`, table `auth_user` (migrated column order: id, password, last_login, is_superuser,
///   username, last_name, email, is_staff, is_active, date_joined, first_name):
///   alice (id 1, alice@example.com, active, password `alice-secret-1`), bob (id 2, inactive),
///   carol (id 3, email ""), dave (id 4, `set_unusable_password()`); joined in that order, monthly in 2024.
/// - `django-custom-user.sqlite3`, table `accounts_user` (columns: password, last_login, id, email, jwt_secret):
///   UUIDField pk stored as char(32) hex, USERNAME_FIELD = "email", no is_active, extra column jwt_secret:
///   erin@example.com (edf1b473-f099-4db4-8191-3d4249c63713, jwt_secret "erin-per-user-secret"),
///   frank@example.com (0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d, jwt_secret NULL).
/// - `hand-written.sqlite3`: not Django's; edge-case tables (see make_django_sqlite.py).
///
/// Read through `Bundle.module` (the target copies the `Fixtures` folder as a resource). Tests that change
/// the file (delete, corrupt, replace) work on a copy in a temporary folder.
enum SQLiteFixture: String {
    case djangoAuth = "django-auth"
    case customUser = "django-custom-user"
    case handWritten = "hand-written"

    var path: String {
        guard let path = Bundle.module.path(forResource: rawValue, ofType: "sqlite3", inDirectory: "Fixtures") else {
            fatalError("fixture \(rawValue).sqlite3 missing from the test bundle")
        }
        return path
    }

    /// A private copy in a fresh temporary folder (removed by the returned cleanup).
    func copy() throws -> (path: String, folder: URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("jwtgate-sqlite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let target = folder.appendingPathComponent("db.sqlite3")
        try FileManager.default.copyItem(atPath: path, toPath: target.path)
        return (target.path, folder)
    }
}

/// Another process writing the database, as Django does while jwtgate runs. Python's sqlite3 module plays
/// Django; skipped where no python3 is installed.
enum SQLiteWriter {
    static let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Runs `script` (with `db` bound to a connection to `path`, autocommit) to completion.
    static func run(_ path: String, _ script: String) throws {
        let process = try start(path, script)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    /// Starts `script` and returns once it printed its first line; it runs until stdin closes.
    static func start(_ path: String, _ script: String, input: Pipe? = nil) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python!)
        process.arguments = ["-c", "import sqlite3, sys\ndb = sqlite3.connect(sys.argv[1], isolation_level=None)\n" + script, path]
        let output = Pipe()
        process.standardOutput = output
        if let input { process.standardInput = input }
        try process.run()
        if input != nil { _ = output.fileHandleForReading.availableData }  // wait for the "ready" line
        return process
    }
}


/// A live database and a replacement for it, made for the tests of a file replaced under a running store.
/// Both are the Django fixture plus one write each, so the 16 header bytes SQLite's pager compares to decide
/// whether its page cache is still valid (change counter, page count, freelist; offsets 24–39) are equal:
/// SQLite alone cannot tell the two files apart. Live: alice active (her last name changed). Replacement:
/// alice inactive with another password hash, as after an admin deactivated her and reset her password.
struct SQLiteReplacementScene {
    static let replacedHash = "pbkdf2_sha256$1000$replacedsalt0123456789$0000000000000000000000000000000000000000000="

    let folder: URL
    let live: String
    let replacement: String

    init(journalMode: String) throws {
        (live, folder) = try SQLiteFixture.djangoAuth.copy()
        replacement = folder.appendingPathComponent("new.sqlite3").path
        try SQLiteWriter.run(live, "db.execute('PRAGMA journal_mode=\(journalMode)')")
        try FileManager.default.copyItem(atPath: live, toPath: replacement)
        try SQLiteWriter.run(live, "db.execute(\"UPDATE auth_user SET last_name = 'A.' WHERE username = 'alice'\")")
        try SQLiteWriter.run(replacement, Self.deactivateAlice)
        #expect(try Self.pagerHeader(live) == Self.pagerHeader(replacement), "the two files must look alike to SQLite")
    }

    /// A Python statement (for `SQLiteWriter`) making alice inactive with `replacedHash`.
    static let deactivateAlice =
        "db.execute(\"UPDATE auth_user SET is_active = 0, password = '\(replacedHash)' WHERE username = 'alice'\")"

    /// Header bytes 24–39, which SQLite's pager rereads at the start of each read to validate its cache.
    static func pagerHeader(_ path: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: path)).subdata(in: 24..<40)
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }

    /// Runs a program to completion (`cp`, as an operator would type it).
    static func command(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(arguments)")
    }
}
