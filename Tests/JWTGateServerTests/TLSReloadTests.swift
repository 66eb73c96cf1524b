import Foundation
import JWTGateCore
import JWTGateServer
import Logging
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Certificates reloaded on SIGHUP (`RunningGateway.reload`, what the signal calls) and ticket keys rotated,
/// against a gateway started from files on disk.
@Suite("TLS certificate reload and ticket key rotation", .serialized)
struct TLSReloadTests {
    static let pki = TLSTestPKI.shared

    static func copy(_ name: String, to path: String) throws {
        let from = pki.file(name)
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.copyItem(atPath: from, toPath: path)
    }

    /// A gateway from `folder/gateway.yaml` with a plain and a TLS listener serving `folder/cert.pem`.
    static func start(_ folder: String, tlsExtra: String = "", serverExtra: String = "") async throws -> RunningGateway {
        try """
            server:
              listen:
                - "127.0.0.1:0"
                - address: "127.0.0.1:0"
                  tls:
                    cert_file: cert.pem
                    key_file: key.pem
            \(tlsExtra)
              drain_grace: 0
            \(serverExtra)
            jwt:
              secret_key: reload-secret
            users:
              path: users.yaml
            logging:
              access_log: false
            routes: routes.yaml
            """.write(toFile: folder + "/gateway.yaml", atomically: true, encoding: .utf8)
        try "users: []\n".write(toFile: folder + "/users.yaml", atomically: true, encoding: .utf8)
        try "routes: []\n".write(toFile: folder + "/routes.yaml", atomically: true, encoding: .utf8)
        var logger = Logger(label: "tls-reload-test")
        logger.logLevel = .critical
        return try await RunningGateway.start(runtime: try GatewayRuntime(config: try ConfigLoader.load(path: folder + "/gateway.yaml")),
                                              logger: logger)
    }

    static func folder() throws -> String {
        let folder = "/tmp/jwtgate-tls-reload-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    static func subject(_ port: Int) -> String {
        let output = TestCommand.run(["openssl", "s_client", "-connect", "127.0.0.1:\(port)", "-CAfile", pki.caFile]).output
        return output.split(separator: "\n").first { $0.hasPrefix("subject=") }.map(String.init) ?? output
    }

    @Test("SIGHUP serves a renewed certificate to new connections, keeps open ones, and a mismatched pair keeps the old one")
    func reloadCertificates() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.copy("ec.pem", to: folder + "/cert.pem")
        try Self.copy("ec.key", to: folder + "/key.pem")
        let gateway = try await Self.start(folder)
        let port = gateway.addresses[1].port!
        #expect(Self.subject(port) == "subject=CN = localhost")

        // A keep-alive connection opened before the reload makes a second request after it.
        let log = folder + "/client.log", waitFile = folder + "/go"
        let client = String(#filePath[..<#filePath.lastIndex(of: "/")!]) + "/Support/tls-client.py"
        let pid = try TestCommand.startInBackground(["python3", client, "keepalive", "\(port)", Self.pki.caFile, waitFile], log: log)
        defer { kill(pid, SIGKILL) }
        for _ in 0..<100 where !TestCommand.readFile(log).contains("first") { try await Task.sleep(for: .milliseconds(50)) }
        #expect(TestCommand.readFile(log) == "first HTTP/1.1 200 OK localhost\n")

        try Self.copy("renewed.pem", to: folder + "/cert.pem")
        try Self.copy("renewed.key", to: folder + "/key.pem")
        #expect((try? gateway.reload().get()) != nil)
        #expect(Self.subject(port) == "subject=CN = localhost renewed")

        _ = FileManager.default.createFile(atPath: waitFile, contents: Data())
        for _ in 0..<100 where !TestCommand.readFile(log).contains("second") { try await Task.sleep(for: .milliseconds(50)) }
        #expect(TestCommand.readFile(log) == "first HTTP/1.1 200 OK localhost\nsecond HTTP/1.1 200 OK localhost\n",
                "the connection opened before the reload is still served")

        // A key that does not match its certificate: the reload is refused and says which listener.
        try Self.copy("ec.pem", to: folder + "/cert.pem")
        try Self.copy("rsa.key", to: folder + "/key.pem")
        let failed = gateway.reload()
        guard case .failure(let error) = failed else {
            Issue.record("a mismatched pair was accepted")
            await gateway.drainAndStop(grace: .zero, timeout: .seconds(2))
            return
        }
        #expect(error.description.contains("server.listen[1]"), "\(error.description)")
        #expect(error.description.contains("key"), "\(error.description)")
        #expect(!error.description.contains("PRIVATE KEY"), "never key material")
        #expect(Self.subject(port) == "subject=CN = localhost renewed", "the running certificate stays")

        await gateway.drainAndStop(grace: .zero, timeout: .seconds(2))
    }

    @Test("ticket keys rotate: a ticket resumes after one rotation, not after the key has left the ring")
    func ticketRotation() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.copy("ec.pem", to: folder + "/cert.pem")
        try Self.copy("ec.key", to: folder + "/key.pem")
        let gateway = try await Self.start(folder, tlsExtra: "        ticket_key_rotation: 1s")
        let port = gateway.addresses[1].port!
        let session = folder + "/session.pem"
        func connect(_ arguments: String) -> String {
            TestCommand.run(["sh", "-c", "sleep 0.3 | openssl s_client -connect 127.0.0.1:\(port) -CAfile '\(Self.pki.caFile)' -tls1_3 \(arguments)"]).output
        }
        #expect(connect("-sess_out '\(session)'").contains("New, TLSv1.3"))
        try await Task.sleep(for: .milliseconds(1_300))
        let afterOne = connect("-sess_in '\(session)'")
        #expect(afterOne.contains("Reused, TLSv1.3"), "sealed with the previous key: still resumes")
        try await Task.sleep(for: .seconds(5))
        let afterMany = connect("-sess_in '\(session)'")
        #expect(afterMany.contains("New, TLSv1.3"), "its key has left the ring: a full handshake")
        await gateway.drainAndStop(grace: .zero, timeout: .seconds(2))
    }

    @Test("changed certificate files are picked up without SIGHUP (certificate_watch_interval); a broken pair is not")
    func watchFiles() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.copy("ec.pem", to: folder + "/cert.pem")
        try Self.copy("ec.key", to: folder + "/key.pem")
        let gateway = try await Self.start(folder, serverExtra: "  certificate_watch_interval: 1s")
        let port = gateway.addresses[1].port!
        #expect(Self.subject(port) == "subject=CN = localhost")

        try Self.copy("renewed.pem", to: folder + "/cert.pem")
        try Self.copy("renewed.key", to: folder + "/key.pem")
        var subject = ""
        for _ in 0..<80 {
            subject = Self.subject(port)
            if subject == "subject=CN = localhost renewed" { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(subject == "subject=CN = localhost renewed", "picked up within a few intervals")

        // Half a renewal (a new certificate, the old key) is never served; the running pair stays.
        try Self.copy("ec.pem", to: folder + "/cert.pem")
        try await Task.sleep(for: .seconds(4))
        #expect(Self.subject(port) == "subject=CN = localhost renewed")
        let scrape = try RawHTTPClient(port: gateway.addresses[0].port!).request("GET", "/metrics").text
        #expect(scrape.contains(#"jwtgate_config_reloads_total{result="error"} 1"#), "counted once, not every interval")
        await gateway.drainAndStop(grace: .zero, timeout: .seconds(2))
    }
}
