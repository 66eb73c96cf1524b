import Foundation
@testable import JWTGateCore

/// A fresh temporary folder holding one test's configuration files; removed when the fixture goes away.
final class ConfigFixture {
    static let validHash = "pbkdf2_sha256$260000$FzDCFDcMaCOR2YwuFK5Fr3$xv+JMc/h9UruTYdNRubSrWiHjRlMuH5oyeI8JvPolCU="
    static let users = """
        users:
          - id: 1
            username: alice
            password: "\(validHash)"

        """
    static let routes = """
        routes:
          - path: /api/
            upstream: http://127.0.0.1:9001

        """

    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("jwtgate-config-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Writes `text` to `name` (folders created) and returns the full path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Writes gateway.yaml (plus the default users.yaml and routes.yaml unless given) and loads it.
    func load(gateway: String, users: String? = ConfigFixture.users, routes: String? = ConfigFixture.routes,
              environment: [String: String] = [:]) throws -> GatewayConfig {
        if let users { try write("users.yaml", users) }
        if let routes { try write("routes.yaml", routes) }
        let path = try write("gateway.yaml", gateway)
        return try ConfigLoader.load(path: path, environment: environment)
    }

    /// Like `load`, but expects failure and returns the issues (empty if it loaded).
    func issues(gateway: String, users: String? = ConfigFixture.users, routes: String? = ConfigFixture.routes,
                environment: [String: String] = [:]) throws -> [ConfigIssue] {
        do {
            _ = try load(gateway: gateway, users: users, routes: routes, environment: environment)
            return []
        } catch let error as ConfigError {
            return error.issues
        }
    }

    /// A minimal valid gateway.yaml with `extra` appended.
    static func gateway(_ extra: String = "") -> String {
        """
        jwt:
          secret_key: test-secret-value
        users:
          path: users.yaml
        routes: routes.yaml
        \(extra)
        """
    }
}

/// Paths of the shared conformance material, next to the repository (skipped when absent).
enum SharedFiles {
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let profiles = repositoryRoot.deletingLastPathComponent()
        .appendingPathComponent("shared/conformance/profiles", isDirectory: true)
    static var profilesPresent: Bool { FileManager.default.fileExists(atPath: profiles.path) }
}
