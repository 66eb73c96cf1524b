import Foundation
import JWTGateCore
import JWTGateServer
import Logging
import NIOPosix
import Testing

@Suite("Configuration reload (SIGHUP)", .serialized)
struct ReloadTests {
    static let hash = GatewayHarness.hash  // "secret123", 1000 iterations

    static func write(_ text: String, _ path: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    static func users(_ names: [String]) -> String {
        "users:\n" + names.enumerated().map { index, name in
            "  - id: \(index + 1)\n    username: \(name)\n    password: \"\(hash)\"\n"
        }.joined()
    }

    @Test("new users and routes take effect; a broken configuration is refused and the old one keeps serving")
    func reload() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("jwtgate-reload-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let upstream = try await TestUpstreamServer.start(group: group) { _ in .json("{}") }
        try Self.write("""
            server:
              listen: "127.0.0.1:0"
              drain_grace: 0
            jwt:
              secret_key: reload-secret
            users:
              path: users.yaml
            logging:
              access_log: false
            routes: routes.yaml
            """, "\(folder)/gateway.yaml")
        try Self.write(Self.users(["alice"]), "\(folder)/users.yaml")
        try Self.write("routes:\n  - path: /one/\n    upstream: http://127.0.0.1:\(upstream.port)\n    auth: none\n", "\(folder)/routes.yaml")

        var logger = Logger(label: "reload-test")
        logger.logLevel = .critical
        let gateway = try await RunningGateway.start(runtime: try GatewayRuntime(config: try ConfigLoader.load(path: "\(folder)/gateway.yaml")),
                                                     logger: logger)
        let client = try RawHTTPClient(port: gateway.port)
        func login(_ name: String) throws -> Int {
            try client.request("POST", "/api-token-auth/", headers: [("Content-Type", "application/json")],
                               body: Array("{\"username\":\"\(name)\",\"password\":\"secret123\"}".utf8)).status
        }
        #expect(try login("alice") == 200)
        #expect(try login("bob") == 400)
        #expect(try client.request("GET", "/two/x").status == 404)

        try Self.write(Self.users(["alice", "bob"]), "\(folder)/users.yaml")
        try Self.write("routes:\n  - path: /two/\n    upstream: http://127.0.0.1:\(upstream.port)\n    auth: none\n", "\(folder)/routes.yaml")
        #expect((try? gateway.reload().get()) != nil)
        #expect(try login("bob") == 200)
        #expect(try client.request("GET", "/two/x").status == 200)
        #expect(try client.request("GET", "/one/x").status == 404)

        try Self.write("routes:\n  - path: no-slash\n    upstream: ftp://nowhere\n", "\(folder)/routes.yaml")
        #expect((try? gateway.reload().get()) == nil)
        #expect(try client.request("GET", "/two/x").status == 200, "the previous configuration keeps serving")

        await gateway.drainAndStop(grace: .zero, timeout: .seconds(2))
        try await upstream.stop()
        try await group.shutdownGracefully()
    }
}
