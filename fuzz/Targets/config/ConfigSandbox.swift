import Foundation

/// The private folder the config target loads from: the fuzz input as `gateway.yaml`, default
/// `users.yaml`/`routes.yaml` unless the input brings its own, and the fuzz key pair for RS*/ES* configs.
final class ConfigSandbox: Sendable {
    static let shared = ConfigSandbox()
    static let environment = ["JWT_SECRET_KEY": "fuzz-secret", "DATABASE_URL": "postgres://u:p@127.0.0.1:1/db"]

    let directory: String
    var gatewayPath: String { directory + "/gateway.yaml" }

    static let defaultUsers = """
        users:
          - id: 1
            username: alice
            email: alice@example.com
            password: "pbkdf2_sha256$1000$salt$hash"

        """
    static let defaultRoutes = """
        routes:
          - path: /api/public/
            upstream: http://127.0.0.1:9001
            auth: none
          - path: /api/
            upstream: http://127.0.0.1:9001

        """

    private init() {
        directory = NSTemporaryDirectory() + "jwtgate-fuzz-config-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func write(_ sections: [String: [UInt8]]) {
        write(sections["gateway.yaml"] ?? [], to: "gateway.yaml")
        write(sections["users.yaml"] ?? Array(Self.defaultUsers.utf8), to: "users.yaml")
        write(sections["routes.yaml"] ?? Array(Self.defaultRoutes.utf8), to: "routes.yaml")
    }

    private func write(_ bytes: [UInt8], to name: String) {
        _ = FileManager.default.createFile(atPath: directory + "/" + name, contents: Data(bytes))
    }

    /// Splits the input at `#==> <file>` lines; the part before the first one is `gateway.yaml`.
    static func sections(of bytes: [UInt8]) -> [String: [UInt8]] {
        var sections: [String: [UInt8]] = [:]
        var current = "gateway.yaml"
        var buffer: [UInt8] = []
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            let text = String(decoding: line, as: UTF8.self)
            if text.hasPrefix("#==> ") {
                sections[current] = buffer
                current = String(text.dropFirst(5)).trimmingCharacters(in: .whitespaces)
                buffer = []
            } else {
                buffer += line
                buffer.append(UInt8(ascii: "\n"))
            }
        }
        sections[current] = buffer
        return sections
    }

    /// The loader reads whatever files the YAML names. Regular files only, but `/proc/kcore` is one, and
    /// reading the machine's memory is not a parser test: inputs naming kernel or device trees, or using
    /// escapes or tags that could spell such a path, are skipped. (Relative paths start in this folder
    /// under the temporary directory, so they too need `/proc` to get there.)
    static func isSafe(_ bytes: [UInt8]) -> Bool {
        // Bytes, not Characters: a combining mark after "/proc" must not hide it.
        !["/proc", "/sys", "/dev", "\\", "!!"].contains { bytes.contains(Array($0.utf8)) }
    }
}
