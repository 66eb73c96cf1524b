import Foundation
import Synchronization
import Testing

@testable import JWTGateCore

/// pbkdf2_sha256 at 1000 iterations with fixed salts, as written by the fixture script; the script asserts
/// with Django's `check_password` that alice's verifies `alice-secret-1` (and not `alice-secret-2`).
private let aliceHash = "pbkdf2_sha256$1000$alicesalt0123456789abc$lM3/A3qb5UiJ+AhASrAL5jokjrxhoDxfoFFkKCMUN08="
private let carolHash = "pbkdf2_sha256$1000$carolsalt0123456789abc$wVikqGKbVH6E9tR8B6s9gtzL7uS1tmLwhmENMJ4ERvc="
private let erinHash = "pbkdf2_sha256$1000$erinsalt0123456789abcd$hxf0zSMTe08GnMHzVFiZbJlM9Mo3D3gl5V0L+AKWsZo="

private func storeError(_ body: () throws -> Void) -> String {
    do {
        try body()
        return "no error"
    } catch let error as UserStoreError {
        return error.description
    } catch {
        return "unexpected \(type(of: error)): \(error)"
    }
}

@Suite("SQLiteUserStore on Django's default auth_user")
struct SQLiteDjangoAuthTests {
    let store: SQLiteUserStore

    init() throws {
        store = try SQLiteUserStore(path: SQLiteFixture.djangoAuth.path)
    }

    @Test("finds alice with id, email, active flag and hash exactly as Django stored them")
    func alice() throws {
        let alice = try #require(try store.user(named: "alice"))
        #expect(alice == UserRecord(id: .integer(1), username: "alice", email: "alice@example.com",
                                    passwordHash: aliceHash, isActive: true))
        #expect(store.isInMemory == false)
    }

    @Test("bob is inactive")
    func bob() throws {
        let bob = try #require(try store.user(named: "bob"))
        #expect(bob.isActive == false)
        #expect(bob.id == .integer(2))
    }

    @Test("carol without an email has the empty string, as Django stores it")
    func carol() throws {
        let carol = try #require(try store.user(named: "carol"))
        #expect(carol.email == "")
        #expect(carol.passwordHash == carolHash)
    }

    @Test("dave's unusable password is read as '!' plus 40 characters")
    func dave() throws {
        let dave = try #require(try store.user(named: "dave"))
        #expect(dave.passwordHash.hasPrefix("!"))
        #expect(dave.passwordHash.count == 41)
    }

    @Test("names that are not stored exactly find nobody", arguments: ["mallory", "ALICE", "Alice", "alice ", " alice", "", "alice\u{0}"])
    func notFound(name: String) throws {
        #expect(try store.user(named: name) == nil)
    }

    @Test("a SQL injection attempt in a username is just an unknown name")
    func injectionInValue() throws {
        #expect(try store.user(named: "' OR '1'='1") == nil)
        #expect(try store.user(named: "alice' --") == nil)
    }

    @Test("an absurdly long username finds nobody without reaching SQLite")
    func longName() throws {
        #expect(try store.user(named: String(repeating: "a", count: 70_000)) == nil)
    }

    @Test("the sample hash is the most recently joined active user's with a usable password")
    func sampleHash() throws {
        // dave joined last but his password is unusable; bob is inactive; carol is next.
        #expect(try store.samplePasswordHash() == carolHash)
    }

    @Test("the store is reachable")
    func reachable() throws {
        try store.checkReachable()
    }
}

@Suite("SQLiteUserStore on a custom user model (UUID pk, USERNAME_FIELD = email, no is_active)")
struct SQLiteCustomUserTests {
    @Test("erin's UUID id is canonical, her username is her email, and she is active without an is_active column")
    func erin() throws {
        let store = try SQLiteUserStore(path: SQLiteFixture.customUser.path, table: "accounts_user", usernameField: "email",
                                        extraFields: ["jwt_secret"])
        let erin = try #require(try store.user(named: "erin@example.com"))
        #expect(erin == UserRecord(id: .uuid("edf1b473-f099-4db4-8191-3d4249c63713"), username: "erin@example.com",
                                   email: "erin@example.com", passwordHash: erinHash, isActive: true,
                                   fields: ["jwt_secret": "erin-per-user-secret"]))
    }

    @Test("a NULL extra field is absent from fields")
    func nullExtraField() throws {
        let store = try SQLiteUserStore(path: SQLiteFixture.customUser.path, table: "accounts_user", usernameField: "email",
                                        extraFields: ["jwt_secret"])
        let frank = try #require(try store.user(named: "frank@example.com"))
        #expect(frank.id == .uuid("0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"))
        #expect(frank.fields.isEmpty)
    }

    @Test("an email_field the table lacks means no email, not an error")
    func noEmailColumn() throws {
        let store = try SQLiteUserStore(path: SQLiteFixture.customUser.path, table: "accounts_user", usernameField: "email",
                                        emailField: "email_address")
        let erin = try #require(try store.user(named: "erin@example.com"))
        #expect(erin.email == nil)
        #expect(erin.fields.isEmpty)
    }

    @Test("identifiers match columns case-insensitively, as SQLite does; fields keep the configured name")
    func identifierCase() throws {
        let store = try SQLiteUserStore(path: SQLiteFixture.customUser.path, table: "Accounts_User", usernameField: "EMAIL",
                                        extraFields: ["JWT_Secret"])
        let erin = try #require(try store.user(named: "erin@example.com"))
        #expect(erin.fields == ["JWT_Secret": "erin-per-user-secret"])
    }

    @Test("the sample hash falls back to primary-key order without date_joined")
    func sampleHash() throws {
        let store = try SQLiteUserStore(path: SQLiteFixture.customUser.path, table: "accounts_user", usernameField: "email")
        #expect(try store.samplePasswordHash() == erinHash)  // edf1… sorts after 0a1b…
    }
}

@Suite("SQLiteUserStore configuration errors")
struct SQLiteConfigurationErrorTests {
    @Test("a missing table names the file, the table, the tables there and users.table")
    func missingTable() {
        let path = SQLiteFixture.customUser.path
        let message = storeError { _ = try SQLiteUserStore(path: path) }
        #expect(message.contains(path))
        #expect(message.contains("table \"auth_user\" not found"))
        #expect(message.contains("tables there: accounts_user"))
        #expect(message.contains("set users.table"))
    }

    @Test("a missing username column names it, lists the columns and says to set users.username_field")
    func missingUsername() {
        let path = SQLiteFixture.customUser.path
        let message = storeError { _ = try SQLiteUserStore(path: path, table: "accounts_user") }
        #expect(message.contains(path))
        #expect(message.contains("table \"accounts_user\""))
        #expect(message.contains("has no column \"username\""))
        #expect(message.contains("its columns: password, last_login, id, email, jwt_secret"))
        #expect(message.contains("set users.username_field"))
    }

    @Test("a missing extra field is an error naming the column")
    func missingExtraField() {
        let message = storeError {
            _ = try SQLiteUserStore(path: SQLiteFixture.djangoAuth.path, extraFields: ["jwt_secret"])
        }
        #expect(message.contains("has no column \"jwt_secret\""))
        #expect(message.contains("user_secret_field"))
    }

    @Test("a table without a password column is not a Django user table")
    func missingPassword() {
        let message = storeError { _ = try SQLiteUserStore(path: SQLiteFixture.handWritten.path, table: "no_password_user") }
        #expect(message.contains("has no column \"password\""))
        #expect(message.contains("set users.table"))
    }

    @Test("a composite primary key is refused")
    func compositeKey() {
        let message = storeError { _ = try SQLiteUserStore(path: SQLiteFixture.handWritten.path, table: "composite_user") }
        #expect(message.contains("has a composite primary key"))
    }

    @Test("a file that does not exist cannot be opened (and is not created)")
    func missingFile() {
        let path = "/nonexistent-\(UUID().uuidString)/db.sqlite3"
        let message = storeError { _ = try SQLiteUserStore(path: path) }
        #expect(message.contains(path))
        #expect(message.contains("cannot open it read-only"))
        #expect(message.contains("SQLITE_CANTOPEN"))
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("a file that is no database fails at start-up with SQLite's message")
    func notADatabase() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("jwtgate-sqlite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("db.sqlite3").path
        try Data(repeating: 0x5A, count: 8192).write(to: URL(fileURLWithPath: path))
        let message = storeError { _ = try SQLiteUserStore(path: path) }
        #expect(message.contains("file is not a database"))
        #expect(message.contains("SQLITE_NOTADB"))
    }

    @Test(
        "identifiers that are not plain names are rejected before any SQL",
        arguments: [
            ("auth_user; DROP TABLE auth_user", "username"), ("auth_user\"--", "username"), ("main.auth_user", "username"),
            ("auth_user", "username\" OR 1=1 --"), ("auth_user", "user name"), ("auth_user", ""), ("auth_user", "1username"),
            ("auth_user", "usérname"),
        ])
    func injectionInIdentifiers(table: String, usernameField: String) {
        let message = storeError { _ = try SQLiteUserStore(path: SQLiteFixture.djangoAuth.path, table: table, usernameField: usernameField) }
        #expect(message.contains("is not a plain SQL identifier"))
    }

    @Test("an injection attempt in an email or extra field name is rejected too")
    func injectionInOtherIdentifiers() {
        #expect(storeError { _ = try SQLiteUserStore(path: SQLiteFixture.djangoAuth.path, emailField: "email, password") }
            .contains("users.email_field"))
        #expect(storeError { _ = try SQLiteUserStore(path: SQLiteFixture.djangoAuth.path, extraFields: ["x'"]) }
            .contains("is not a plain SQL identifier"))
    }
}

@Suite("SQLiteUserStore edge cases Django itself never creates")
struct SQLiteHandWrittenTableTests {
    @Test("a username column declared COLLATE NOCASE matches any case, as Django's query would; the stored spelling is returned")
    func nocase() throws {
        let store = try SQLiteUserStore(path: SQLiteFixture.handWritten.path, table: "nocase_user")
        let found = try #require(try store.user(named: "ALICE"))
        #expect(found.username == "alice")
        #expect(found.isActive)  // no is_active column
    }

    @Test("a hyphenated upper-case UUID text key is canonicalised; NULL is_active is inactive, NULL email is empty")
    func textUUIDKey() throws {
        let store = try SQLiteUserStore(path: SQLiteFixture.handWritten.path, table: "text_pk_user")
        let upper = try #require(try store.user(named: "upper"))
        #expect(upper.id == .uuid("edf1b473-f099-4db4-8191-3d4249c63713"))
        #expect(upper.isActive == false)
        #expect(upper.email == "")
    }

    @Test("a text key that is no UUID is an error for that user, not a crash")
    func textKey() throws {
        let store = try SQLiteUserStore(path: SQLiteFixture.handWritten.path, table: "text_pk_user")
        #expect(storeError { _ = try store.user(named: "plain") }.contains("neither an integer nor a UUID"))
    }

    @Test("two rows with one username are an error, as Django's get() would be")
    func duplicates() throws {
        let store = try SQLiteUserStore(path: SQLiteFixture.handWritten.path, table: "duplicate_user")
        #expect(storeError { _ = try store.user(named: "twin") }.contains("more than one row"))
    }

    @Test("no active user with a usable password: no sample hash")
    func noSample() throws {
        let store = try SQLiteUserStore(path: SQLiteFixture.handWritten.path, table: "locked_out_user")
        #expect(try store.samplePasswordHash() == nil)
    }

    @Test("UUID text is accepted as Python's uuid.UUID accepts it", arguments: [
        ("edf1b473f0994db481913d4249c63713", "edf1b473-f099-4db4-8191-3d4249c63713"),
        ("EDF1B473F0994DB481913D4249C63713", "edf1b473-f099-4db4-8191-3d4249c63713"),
        ("{edf1b473-f099-4db4-8191-3d4249c63713}", "edf1b473-f099-4db4-8191-3d4249c63713"),
        ("edf1b473f0994db481913d4249c6371", nil), ("edf1b473f0994db481913d4249c6371g", nil), ("", nil),
    ])
    func uuidText(text: String, canonical: String?) {
        #expect(SQLiteUserTable.canonicalUUID(hex: Array(text.utf8)) == canonical)
    }
}

@Suite("SQLiteUserStore as the file changes under it")
struct SQLiteFileLifecycleTests {
    @Test("lookups never write: the file's bytes and mtime are unchanged and no journal appears")
    func readOnly() throws {
        let (path, folder) = try SQLiteFixture.djangoAuth.copy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let past = Date(timeIntervalSince1970: 1_700_000_000)
        try FileManager.default.setAttributes([.modificationDate: past], ofItemAtPath: path)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))

        let store = try SQLiteUserStore(path: path)
        for name in ["alice", "bob", "carol", "dave", "nobody"] { _ = try store.user(named: name) }
        _ = try store.samplePasswordHash()
        try store.checkReachable()

        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect(attributes[.modificationDate] as? Date == past)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["db.sqlite3"])
    }

    @Test("a file deleted after start-up is an error, not stale answers and not a crash")
    func deleted() throws {
        let (path, folder) = try SQLiteFixture.djangoAuth.copy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteUserStore(path: path)
        #expect(try store.user(named: "alice") != nil)
        try FileManager.default.removeItem(atPath: path)
        let message = storeError { _ = try store.user(named: "alice") }
        #expect(message.contains("was it moved, deleted or made unreadable since?"))
        #expect(message.contains(path))
        #expect(storeError { try store.checkReachable() }.contains("SQLITE_CANTOPEN"))
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("a file replaced after start-up (a restored backup) is read from then on")
    func replaced() throws {
        let (path, folder) = try SQLiteFixture.djangoAuth.copy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteUserStore(path: path)
        #expect(try store.user(named: "alice")?.id == .integer(1))
        let replacement = folder.appendingPathComponent("restored.sqlite3").path
        try FileManager.default.copyItem(atPath: SQLiteFixture.handWritten.path, toPath: replacement)
        #expect(rename(replacement, path) == 0)
        #expect(try store.user(named: "alice")?.id == .integer(99))
    }

    @Test("a file overwritten with garbage in place is an error with SQLite's message, and recovers when restored")
    func corrupted() throws {
        let (path, folder) = try SQLiteFixture.djangoAuth.copy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        let store = try SQLiteUserStore(path: path)
        #expect(try store.user(named: "alice") != nil)

        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.write(contentsOf: Data(repeating: 0xA5, count: original.count))
        try handle.close()
        let message = storeError { _ = try store.user(named: "alice") }
        #expect(message.contains(path))
        #expect(message.contains("SQLITE_NOTADB") || message.contains("SQLITE_CORRUPT"), "\(message)")

        try original.write(to: URL(fileURLWithPath: path))
        #expect(try store.user(named: "alice")?.id == .integer(1))
    }

    @Test("a file truncated in place is an error, not a crash")
    func truncated() throws {
        let (path, folder) = try SQLiteFixture.djangoAuth.copy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteUserStore(path: path)
        #expect(truncate(path, 4096) == 0)
        let outcome = Result { try store.user(named: "carol") }
        switch outcome {
        case .success(let user): #expect(user == nil)  // SQLite may see an empty-looking table
        case .failure(let failure): #expect(failure is UserStoreError)
        }
    }
}

@Suite("SQLiteUserStore under concurrency")
struct SQLiteConcurrencyTests {
    @Test("8 threads looking users up at once all get the right answers")
    func eightThreads() throws {
        let store = try SQLiteUserStore(path: SQLiteFixture.djangoAuth.path, maxConnections: 3)
        let expected: [String: UserRecord.ID?] = ["alice": .integer(1), "bob": .integer(2), "carol": .integer(3),
                                                  "dave": .integer(4), "mallory": nil]
        let names = expected.keys.sorted()
        let failures = Mutex<[String]>([])
        let lookups = Atomic<Int>(0)
        let done = DispatchGroup()
        for thread in 0..<8 {
            done.enter()
            Thread {
                defer { done.leave() }
                for i in 0..<250 {
                    let name = names[(thread + i) % names.count]
                    do {
                        let found = try store.user(named: name)?.id
                        if found != expected[name]! { failures.withLock { $0.append("\(name): \(String(describing: found))") } }
                        if i % 50 == 0 { _ = try store.samplePasswordHash() }
                        lookups.add(1, ordering: .relaxed)
                    } catch {
                        failures.withLock { $0.append("\(name): \(error)") }
                    }
                }
            }.start()
        }
        done.wait()
        #expect(failures.withLock { $0 } == [])
        #expect(lookups.load(ordering: .relaxed) == 2000)
    }
}

@Suite("SQLiteUserStore while another process writes", .enabled(if: SQLiteWriter.python != nil))
struct SQLiteConcurrentWriterTests {
    @Test("a change Django commits is seen by the next lookup", arguments: ["delete", "wal"])
    func seesCommits(journalMode: String) throws {
        let (path, folder) = try SQLiteFixture.djangoAuth.copy()
        defer { try? FileManager.default.removeItem(at: folder) }
        try SQLiteWriter.run(path, "db.execute('PRAGMA journal_mode=\(journalMode)')")
        let store = try SQLiteUserStore(path: path)
        #expect(try store.user(named: "alice")?.isActive == true)
        // The database file is only read; in WAL mode SQLite itself creates the -shm/-wal side files it needs
        // to read (Django has them open anyway while it runs).
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(files == (journalMode == "wal" ? ["db.sqlite3", "db.sqlite3-shm", "db.sqlite3-wal"] : ["db.sqlite3"]))
        try SQLiteWriter.run(path, "db.execute(\"UPDATE auth_user SET is_active = 0 WHERE username = 'alice'\")")
        #expect(try store.user(named: "alice")?.isActive == false)
    }

    @Test("a writer holding the database locked past the busy timeout is SQLITE_BUSY, then reads resume")
    func busy() throws {
        let (path, folder) = try SQLiteFixture.djangoAuth.copy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteUserStore(path: path, busyTimeout: .milliseconds(100))
        #expect(try store.user(named: "alice") != nil)
        let input = Pipe()
        // The writer waits for a line, not for end-of-file: a server another test starts meanwhile
        // through system(3) inherits the pipe's write end, and end-of-file would then never come.
        let writer = try SQLiteWriter.start(path, "db.execute('BEGIN EXCLUSIVE')\nprint('locked', flush=True)\nsys.stdin.readline()",
                                      input: input)
        let message = storeError { _ = try store.user(named: "alice") }
        #expect(message.contains("SQLITE_BUSY"), "\(message)")
        try input.fileHandleForWriting.write(contentsOf: Array("release\n".utf8))
        try input.fileHandleForWriting.close()
        writer.waitUntilExit()
        #expect(try store.user(named: "alice") != nil)
    }
}
