import Foundation
import Testing
@testable import JWTGateCore

@Suite("Reading config and certificate files")
struct FileBytesTests {
    private func temporaryFile(_ bytes: [UInt8]) throws -> String {
        let path = NSTemporaryDirectory() + "jwtgate-filebytes-\(UUID().uuidString)"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("an empty file reads as no bytes (Foundation leaked its buffer here)")
    func emptyFile() throws {
        let path = try temporaryFile([])
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(FileBytes.read(path) == .bytes([]))
    }

    @Test("a file larger than one read chunk comes back whole")
    func largeFile() throws {
        let content = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let path = try temporaryFile(content)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(FileBytes.read(path) == .bytes(content))
        #expect(FileBytes.contents(path) == content)
    }

    @Test("a file over the limit is refused, not read")
    func overLimit() throws {
        let path = try temporaryFile([UInt8](repeating: 65, count: 1025))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(FileBytes.read(path, limit: 1024) == .tooLarge)
        #expect(FileBytes.read(path, limit: 1025) == .bytes([UInt8](repeating: 65, count: 1025)))
    }

    @Test("a missing file and a directory are unreadable")
    func unreadable() {
        #expect(FileBytes.read("/nonexistent/jwtgate/\(UUID().uuidString)") == .unreadable(ENOENT))
        #expect(FileBytes.read(NSTemporaryDirectory()) == .unreadable(EISDIR))
        #expect(FileBytes.contents(NSTemporaryDirectory()) == nil)
    }

    @Test("an empty users file is reported as empty, as before")
    func emptyUsersFile() throws {
        let fixture = try ConfigFixture()
        let issues = try fixture.issues(gateway: ConfigFixture.gateway(), users: "")
        #expect(!issues.isEmpty, "an empty users.yaml must not load silently")
    }
}
