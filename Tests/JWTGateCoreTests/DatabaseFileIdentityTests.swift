import Foundation
import Testing

@testable import JWTGateCore

#if canImport(Glibc)
import Glibc
#endif

@Suite("DatabaseFileIdentity and the connection's use of it")
struct DatabaseFileIdentityTests {
    @Test("timestamps are trusted only once the file has been quiet for the granularity")
    func settled() throws {
        let (path, folder) = try SQLiteFixture.djangoAuth.copy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let identity = try #require(DatabaseFileIdentity(path: path))
        let granularity = Duration.seconds(2)
        #expect(!identity.isSettled(at: identity.changed, granularity: granularity))
        #expect(!identity.isSettled(at: identity.changed.adding(.nanoseconds(1_999_999_999)), granularity: granularity))
        #expect(identity.isSettled(at: identity.changed.adding(.seconds(2)), granularity: granularity))
        #expect(DatabaseFileIdentity.Timestamp(seconds: 10, nanoseconds: 900_000_000).adding(.milliseconds(200))
            == DatabaseFileIdentity.Timestamp(seconds: 11, nanoseconds: 100_000_000))
    }

    @Test("a missing file has no identity")
    func missing() {
        #expect(DatabaseFileIdentity(path: "/nonexistent-\(UUID().uuidString)/db.sqlite3") == nil)
    }

    @Test("cp -p over the file (same inode, size and mtime) still changes the identity: ctime")
    func preservedTimestamps() throws {
        let (path, folder) = try SQLiteFixture.djangoAuth.copy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let twin = folder.appendingPathComponent("twin.sqlite3").path
        try SQLiteReplacementScene.command(["/bin/cp", "-p", path, twin])
        let before = try #require(DatabaseFileIdentity(path: path))
        try SQLiteReplacementScene.command(["/bin/cp", "-p", twin, path])
        let after = try #require(DatabaseFileIdentity(path: path))
        #expect(after.inode == before.inode)
        #expect(after.size == before.size)
        #expect(after.modified == before.modified)
        #expect(after.changed != before.changed)
        #expect(after != before)
    }

    @Test("a connection keeps its file while nothing changes, and gives it up after a change")
    func connectionKeepsItsFile() throws {
        let (path, folder) = try SQLiteFixture.djangoAuth.copy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let connection = try SQLiteConnection(readOnlyPath: path, busyTimeout: .seconds(1), timestampGranularity: .zero)
        _ = try connection.query("SELECT count(*) FROM auth_user")
        #expect(!connection.fileHasChanged)
        #expect(!connection.fileHasChanged)
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        try handle.seekToEnd()
        try handle.close()  // opening for writing changes nothing; appending nothing neither
        #expect(!connection.fileHasChanged)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(truncate(path, off_t(size)) == 0)
        #expect(connection.fileHasChanged, "a truncate to the same size still sets ctime and mtime")
    }

    @Test("a connection opened on a file changed within the granularity is reopened before every use")
    func recentlyChanged() throws {
        let (path, folder) = try SQLiteFixture.djangoAuth.copy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let connection = try SQLiteConnection(readOnlyPath: path, busyTimeout: .seconds(1),
                                              timestampGranularity: .seconds(3600))
        #expect(connection.fileHasChanged, "just copied: a change within the same timestamp tick could not be told")
    }
}
