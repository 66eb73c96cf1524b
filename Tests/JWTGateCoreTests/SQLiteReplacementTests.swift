import Foundation
import Testing

@testable import JWTGateCore

#if canImport(Glibc)
import Glibc
#endif

/// Issue 8: however the database file is replaced or rewritten under a running store, the new rows are
/// seen within `users.cache_ttl`. Each test warms every pooled connection on the live file (so each holds
/// alice's page in its cache), replaces the file one way, and checks that the `UserDirectory` still answers
/// from its cache inside the TTL and from the new file after it, on every pooled connection. Both journal
/// modes Django uses: rollback (`delete`, the default) and WAL; and two timestamp granularities: the default
/// (the files were all just written, so every connection is reopened before use until they have been quiet
/// that long) and zero, where only the `stat` comparison can notice the replacement.
@Suite("SQLiteUserStore sees its database replaced or rewritten", .enabled(if: SQLiteWriter.python != nil))
struct SQLiteReplacementTests {
    static let journalModes = ["delete", "wal"]
    static let poolSize = 3
    static let ttl = Duration.seconds(30)
    static let granularities: [Duration] = [.seconds(2), .zero]

    /// Nanoseconds on the directory's monotonic clock.
    static func at(seconds: Int) -> UInt64 { UInt64(seconds) * 1_000_000_000 }

    /// A store and its directory on the live file, every pooled connection having read alice (active).
    static func openWarmed(_ scene: SQLiteReplacementScene, _ granularity: Duration) throws
        -> (SQLiteUserStore, UserDirectory)
    {
        let store = try SQLiteUserStore(path: scene.live, maxConnections: poolSize, timestampGranularity: granularity)
        let users = UserDirectory(store: store, ttl: ttl)
        guard case .found(let alice) = users.lookup("alice", now: at(seconds: 0), mayBlock: true) else {
            Issue.record("alice not found before the replacement")
            return (store, users)
        }
        #expect(alice.isActive)
        #expect(try aliceOnEveryConnection(store).allSatisfy { $0.isActive })
        return (store, users)
    }

    /// Alice as each pooled connection reads her (the pool hands out its slots in turn).
    static func aliceOnEveryConnection(_ store: SQLiteUserStore) throws -> [UserRecord] {
        try (0..<poolSize).map { _ in try #require(try store.user(named: "alice")) }
    }

    /// Inside the TTL the cached row answers; after it, the replacement's row, on every connection.
    static func expectReplacementSeen(_ store: SQLiteUserStore, _ users: UserDirectory,
                                      sourceLocation: SourceLocation = #_sourceLocation) throws {
        guard case .found(let cached) = users.lookup("alice", now: at(seconds: 1), mayBlock: true) else {
            Issue.record("alice not cached inside the TTL", sourceLocation: sourceLocation)
            return
        }
        #expect(cached.isActive, "inside users.cache_ttl the cached row answers", sourceLocation: sourceLocation)
        guard case .found(let fresh) = users.lookup("alice", now: at(seconds: 31), mayBlock: true) else {
            Issue.record("alice not found after the replacement", sourceLocation: sourceLocation)
            return
        }
        #expect(!fresh.isActive, "after users.cache_ttl the new row answers", sourceLocation: sourceLocation)
        #expect(fresh.passwordHash == SQLiteReplacementScene.replacedHash, sourceLocation: sourceLocation)
        let everyConnection = try aliceOnEveryConnection(store)
        #expect(everyConnection.map(\.isActive) == Array(repeating: false, count: poolSize),
                "no pooled connection serves the old row", sourceLocation: sourceLocation)
    }

    @Test("mv of a new file over the path (a new inode; open connections still read the old one)",
          arguments: journalModes, granularities)
    func movedOver(journalMode: String, granularity: Duration) throws {
        let scene = try SQLiteReplacementScene(journalMode: journalMode)
        defer { scene.remove() }
        let (store, users) = try Self.openWarmed(scene, granularity)
        #expect(rename(scene.replacement, scene.live) == 0)
        try Self.expectReplacementSeen(store, users)
    }

    @Test("cp of a new file over the live one in place (same inode, same change counter)",
          arguments: journalModes, granularities)
    func copiedInPlace(journalMode: String, granularity: Duration) throws {
        let scene = try SQLiteReplacementScene(journalMode: journalMode)
        defer { scene.remove() }
        let (store, users) = try Self.openWarmed(scene, granularity)
        let inode = try FileManager.default.attributesOfItem(atPath: scene.live)[.systemFileNumber] as? UInt64
        try SQLiteReplacementScene.command(["/bin/cp", scene.replacement, scene.live])
        #expect(try FileManager.default.attributesOfItem(atPath: scene.live)[.systemFileNumber] as? UInt64 == inode)
        #expect(try SQLiteReplacementScene.pagerHeader(scene.live) == SQLiteReplacementScene.pagerHeader(scene.replacement))
        try Self.expectReplacementSeen(store, users)
    }

    @Test("an UPDATE another process commits the normal way (SQLite's own change counter or WAL index)",
          arguments: journalModes, granularities)
    func writtenByAnotherProcess(journalMode: String, granularity: Duration) throws {
        let scene = try SQLiteReplacementScene(journalMode: journalMode)
        defer { scene.remove() }
        let (store, users) = try Self.openWarmed(scene, granularity)
        try SQLiteWriter.run(scene.live, SQLiteReplacementScene.deactivateAlice)
        try Self.expectReplacementSeen(store, users)
    }

    /// `sqlite3 db.sqlite3 ".restore new.sqlite3"` is the online backup API copying `new` into `main`; Python's
    /// `Connection.backup` is the same C API (`sqlite3_backup_init/step/finish`), driven from another process.
    @Test("a restore through SQLite's backup API (sqlite3's .restore)", arguments: journalModes, granularities)
    func restored(journalMode: String, granularity: Duration) throws {
        let scene = try SQLiteReplacementScene(journalMode: journalMode)
        defer { scene.remove() }
        let (store, users) = try Self.openWarmed(scene, granularity)
        try SQLiteWriter.run(scene.live, "sqlite3.connect(\(pythonString(scene.replacement))).backup(db)")
        try Self.expectReplacementSeen(store, users)
    }

    @Test("a file missing for a moment during a replacement is a store error, then the new file is read",
          arguments: journalModes, granularities)
    func briefMissing(journalMode: String, granularity: Duration) throws {
        let scene = try SQLiteReplacementScene(journalMode: journalMode)
        defer { scene.remove() }
        let (store, users) = try Self.openWarmed(scene, granularity)
        #expect(unlink(scene.live) == 0)
        guard case .failed(let error) = users.lookup("alice", now: Self.at(seconds: 31), mayBlock: true) else {
            Issue.record("a lookup while the file is missing must fail")
            return
        }
        #expect(error.description.contains(scene.live))
        #expect(error.description.contains("SQLITE_CANTOPEN"), "\(error)")
        try SQLiteReplacementScene.command(["/bin/cp", scene.replacement, scene.live])
        try Self.expectReplacementSeen(store, users)
    }

    private func pythonString(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }
}
