import Foundation
import JWTGateCore
import JWTGateServer
import NIOCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// TLS listeners with real clients (curl, `openssl s_client`, Python's ssl module) against certificates a
/// throwaway CA signs at test time (`TLSTestPKI`). One at a time: each starts a gateway and client processes, and
/// seventeen at once beside the other suites starved their timing tests (a 1 s upstream timeout measured 4.3 s).
@Suite("TLS listeners (OpenSSL on the loop)", .serialized)
struct TLSListenerTests {
    static let pki = TLSTestPKI.shared
    static let client: String = {
        let here = #filePath
        return String(here[..<here.lastIndex(of: "/")!]) + "/Support/tls-client.py"
    }()

    /// A gateway with a plain listener (index 0) and a TLS listener (index 1) in front of one test upstream.
    static func withTLSGateway(
        tls: ListenerTLSConfig = pki.listenerTLS(),
        reply: @escaping @Sendable (TestUpstreamServer.Request) -> TestUpstreamServer.Reply = { _ in .json(#"{"ok":true}"#) },
        configure: (inout GatewayConfig) -> Void = { _ in },
        _ body: (_ gateway: RunningGateway, _ upstream: TestUpstreamServer, _ plainPort: Int, _ tlsPort: Int) async throws -> Void
    ) async throws {
        try await GatewayHarness.withGateway(reply: reply, plane: .loop, configure: { config in
            config.server.listen = [ListenAddress(host: "127.0.0.1", port: 0), ListenAddress(host: "127.0.0.1", port: 0, tls: tls)]
            configure(&config)
        }) { gateway, upstream in
            try await body(gateway, upstream, gateway.addresses[0].port!, gateway.addresses[1].port!)
        }
    }

    static func curl(_ arguments: [String]) -> (status: Int32, output: String) {
        TestCommand.run(["curl", "-sS", "--max-time", "10"] + arguments)
    }

    /// `openssl s_client` to the port with `arguments`; its whole output (stdin is empty: it connects,
    /// completes or fails the handshake, prints the session and leaves).
    static func sClient(_ port: Int, _ arguments: [String]) -> String {
        TestCommand.run(["openssl", "s_client", "-connect", "127.0.0.1:\(port)", "-CAfile", pki.caFile] + arguments).output
    }

    static func metric(_ gateway: RunningGateway, _ plainPort: Int, _ line: String) throws -> Double? {
        let text = try RawHTTPClient(port: plainPort).request("GET", "/metrics").text
        for row in text.split(separator: "\n") where row.hasPrefix(line + " ") {
            return Double(row.dropFirst(line.count + 1))
        }
        return nil
    }

    @Test("TLS 1.2 and 1.3 are accepted; 1.0, 1.1 and weak ciphers are refused")
    func versionsAndCiphers() async throws {
        try await Self.withTLSGateway { _, _, _, port in
            #expect(Self.sClient(port, ["-tls1_3"]).contains("New, TLSv1.3, Cipher is TLS_AES_128_GCM_SHA256"))
            #expect(Self.sClient(port, ["-tls1_2"]).contains("New, TLSv1.2, Cipher is ECDHE-ECDSA-AES128-GCM-SHA256"))
            for old in ["-tls1", "-tls1_1"] {
                let output = Self.sClient(port, [old])
                #expect(output.contains("Cipher is (NONE)"), "\(old): \(output)")
            }
            for weak in ["AES128-SHA", "AES256-GCM-SHA384", "ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA384"] {
                let output = Self.sClient(port, ["-tls1_2", "-cipher", weak])
                #expect(output.contains("Cipher is (NONE)"), "\(weak) was accepted: \(output)")
            }
            // TLS 1.2: the server's order wins (ECDSA-AES128-GCM before the client's first choice).
            let preferred = Self.sClient(port, ["-tls1_2", "-cipher", "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256"])
            #expect(preferred.contains("Cipher is ECDHE-ECDSA-AES128-GCM-SHA256"), "\(preferred)")
        }
    }

    @Test("min_version 1.3 refuses TLS 1.2")
    func minimumVersion() async throws {
        try await Self.withTLSGateway(tls: Self.pki.listenerTLS { $0.minVersion = .tls13 }) { _, _, _, port in
            #expect(Self.sClient(port, ["-tls1_2"]).contains("Cipher is (NONE)"))
            #expect(Self.sClient(port, ["-tls1_3"]).contains("New, TLSv1.3"))
        }
    }

    @Test("curl over https: health, a proxied request marked X-Forwarded-Proto https; the plain listener says http")
    func curlThroughBothListeners() async throws {
        try await Self.withTLSGateway { _, upstream, plainPort, port in
            let health = Self.curl(["--cacert", Self.pki.caFile, "https://localhost:\(port)/healthz"])
            #expect(health.status == 0 && health.output == #"{"status":"ok"}"#, "\(health.output)")
            let proxied = Self.curl(["--cacert", Self.pki.caFile, "-H", "Authorization: JWT \(GatewayHarness.validToken())",
                                     "-H", "X-Forwarded-Proto: http", "https://127.0.0.1:\(port)/api/x"])
            #expect(proxied.output == #"{"ok":true}"#, "\(proxied.output)")
            #expect(upstream.requests.last?.values("X-Forwarded-Proto") == ["https"])
            #expect(upstream.requests.last?.values("X-Auth-Username") == ["alice"])
            let plain = try RawHTTPClient(port: plainPort).request("GET", "/api/public/x")
            #expect(plain.status == 200)
            #expect(upstream.requests.last?.values("X-Forwarded-Proto") == ["http"])
            // Plain HTTP to the TLS port is not served; the client is told why, as nginx does.
            let plainToTLS = Self.curl(["-w", " %{http_code}", "http://127.0.0.1:\(port)/healthz"])
            #expect(plainToTLS.output == #"{"detail":"The plain HTTP request was sent to the HTTPS port."} 400"#, "\(plainToTLS.output)")
        }
    }

    @Test("SNI chooses among certificates; ECDSA and RSA chains are both served for one name")
    func sniAndKeyTypes() async throws {
        try await Self.withTLSGateway { _, _, _, port in
            #expect(Self.sClient(port, ["-servername", "other.test"]).contains("subject=CN = other.test"))
            #expect(Self.sClient(port, ["-servername", "localhost"]).contains("subject=CN = localhost"))
            #expect(Self.sClient(port, ["-servername", "unknown.example"]).contains("subject=CN = localhost"),
                    "an unknown name gets the default certificate")
            let rsa = Self.sClient(port, ["-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"])
            #expect(rsa.contains("Server public key is 2048 bit"), "\(rsa)")
            let ecdsa = Self.sClient(port, ["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"])
            #expect(ecdsa.contains("Server public key is 256 bit"), "\(ecdsa)")
            let verified = Self.curl(["--cacert", Self.pki.caFile, "--resolve", "other.test:\(port):127.0.0.1",
                                      "https://other.test:\(port)/healthz"])
            #expect(verified.status == 0, "\(verified.output)")
        }
    }

    @Test("a full chain is sent: a leaf under an intermediate verifies against the root alone")
    func fullChain() async throws {
        try await Self.withTLSGateway(tls: Self.pki.listenerTLS(pairs: ["chained"])) { _, _, _, port in
            let health = Self.curl(["--cacert", Self.pki.caFile, "https://localhost:\(port)/healthz"])
            #expect(health.output == #"{"status":"ok"}"#, "\(health.output)")
            let chain = Self.sClient(port, ["-showcerts"])
            #expect(chain.contains("1 s:CN = jwtgate test intermediate"), "\(chain)")
        }
    }

    @Test("slowloris over TLS: half a request head after the handshake gets 408 at header_timeout")
    func slowHeadOverTLS() async throws {
        try await Self.withTLSGateway(configure: { $0.server.headerTimeout = .seconds(1) }) { _, _, _, port in
            let result = TestCommand.run(["python3", Self.client, "slow-head", "\(port)", Self.pki.caFile])
            let lines = result.output.split(separator: "\n").map(String.init)
            #expect(lines.first == "HTTP/1.1 408 Request Timeout", "\(result.output)")
            let seconds = lines.last.flatMap { Double($0.split(separator: " ")[2]) } ?? 99
            #expect(seconds >= 0.9 && seconds < 3, "\(result.output)")
        }
    }

    @Test("ALPN: http/1.1 is answered; a client offering only h2 is refused")
    func alpn() async throws {
        try await Self.withTLSGateway { _, _, _, port in
            #expect(Self.sClient(port, ["-alpn", "h2,http/1.1"]).contains("ALPN protocol: http/1.1"))
            let h2 = Self.sClient(port, ["-alpn", "h2"])
            #expect(h2.contains("no application protocol"), "\(h2)")
            #expect(Self.sClient(port, []).contains("No ALPN negotiated"), "a client without ALPN is served")
        }
    }

    @Test("sessions resume: TLS 1.2 and 1.3 tickets")
    func resumption() async throws {
        try await Self.withTLSGateway { gateway, _, plainPort, port in
            let reconnect = Self.sClient(port, ["-tls1_2", "-reconnect"])
            #expect(reconnect.components(separatedBy: "Reused, TLSv1.2").count - 1 == 5, "\(reconnect)")
            let session = "/tmp/jwtgate-tls-session-\(getpid())-\(port).pem"
            defer { unlink(session) }
            // TLS 1.3 tickets follow the handshake: give s_client a moment before its stdin ends.
            let first = TestCommand.run(["sh", "-c", "sleep 0.5 | openssl s_client -connect 127.0.0.1:\(port) -CAfile '\(Self.pki.caFile)' -tls1_3 -sess_out '\(session)'"])
            #expect(first.output.contains("New, TLSv1.3"))
            #expect(Self.sClient(port, ["-tls1_3", "-sess_in", session]).contains("Reused, TLSv1.3"))
            let resumed12 = try Self.metric(gateway, plainPort, #"jwtgate_tls_handshakes_total{outcome="resumed",version="1.2"}"#)
            let resumed13 = try Self.metric(gateway, plainPort, #"jwtgate_tls_handshakes_total{outcome="resumed",version="1.3"}"#)
            #expect(resumed12 == 5)
            #expect(resumed13 == 1)
        }
    }

    @Test("without tickets, sessions resume from the server's bounded cache")
    func resumptionWithoutTickets() async throws {
        try await Self.withTLSGateway(tls: Self.pki.listenerTLS { $0.sessionTickets = false }) { _, _, _, port in
            let reconnect = Self.sClient(port, ["-tls1_2", "-reconnect"])
            #expect(reconnect.components(separatedBy: "Reused, TLSv1.2").count - 1 == 5, "\(reconnect)")
            #expect(!reconnect.contains("TLS session ticket:"), "no ticket was issued")
        }
    }

    @Test("client certificates: the verified subject is forwarded, a spoofed one never; another CA's is refused")
    func mutualTLSOptional() async throws {
        let tls = Self.pki.listenerTLS {
            $0.clientCAFile = Self.pki.caFile
            $0.verifyClient = .optional
        }
        try await Self.withTLSGateway(tls: tls) { _, upstream, _, port in
            let base = ["--cacert", Self.pki.caFile, "-H", "X-Auth-Client-Subject: CN=admin", "-H", "x_auth_client_subject: CN=root"]
            let good = Self.curl(base + ["--cert", Self.pki.file("client.pem"), "--key", Self.pki.file("client.key"),
                                        "https://localhost:\(port)/api/public/x"])
            #expect(good.output == #"{"ok":true}"#, "\(good.output)")
            #expect(upstream.requests.last?.values("X-Auth-Client-Subject") == ["CN=billing-service,O=jwtgate-test"])
            #expect(upstream.requests.last?.values("x_auth_client_subject") == [])

            let anonymous = Self.curl(base + ["https://localhost:\(port)/api/public/y"])
            #expect(anonymous.output == #"{"ok":true}"#, "optional: no certificate is served")
            #expect(upstream.requests.last?.values("X-Auth-Client-Subject") == [], "a client's own header never passes")

            let before = upstream.requests.count
            let intruder = Self.curl(base + ["--cert", Self.pki.file("intruder.pem"), "--key", Self.pki.file("intruder.key"),
                                            "https://localhost:\(port)/api/public/z"])
            #expect(intruder.status != 0, "\(intruder.output)")
            #expect(upstream.requests.count == before)
        }
    }

    @Test("routes that require a client certificate: 403 without one or with a subject not listed, forwarded with it")
    func routeRequiresClientCertificate() async throws {
        let tls = Self.pki.listenerTLS {
            $0.clientCAFile = Self.pki.caFile
            $0.verifyClient = .optional
        }
        try await Self.withTLSGateway(tls: tls, configure: { config in
            let template = config.routes[0]
            for (path, subjects) in [("/svc/", nil), ("/billing/", ["CN=billing-service,O=jwtgate-test"]), ("/audit/", ["CN=audit"])] {
                var route = RouteConfig(path: path, upstreams: template.upstreams)
                route.auth = .none
                route.requireClientCertificate = true
                route.allowedClientSubjects = subjects.map(Set.init)
                config.routes.insert(route, at: 0)
            }
        }) { gateway, upstream, plainPort, port in
            let withCertificate = ["--cacert", Self.pki.caFile, "--cert", Self.pki.file("client.pem"), "--key", Self.pki.file("client.key")]
            let denied = #"{"detail":"You do not have permission to perform this action."}"#
            for path in ["/svc/a", "/billing/b"] {
                let good = Self.curl(withCertificate + ["https://localhost:\(port)\(path)"])
                #expect(good.output == #"{"ok":true}"#, "\(path): \(good.output)")
                #expect(upstream.requests.last?.values("X-Auth-Client-Subject") == ["CN=billing-service,O=jwtgate-test"])
            }
            let before = upstream.requests.count
            let wrongSubject = Self.curl(withCertificate + ["-w", " %{http_code}", "https://localhost:\(port)/audit/c"])
            #expect(wrongSubject.output == denied + " 403", "\(wrongSubject.output)")
            for path in ["/svc/a", "/billing/b"] {
                let anonymous = Self.curl(["--cacert", Self.pki.caFile, "-H", "X-Auth-Client-Subject: CN=billing-service,O=jwtgate-test",
                                           "-w", " %{http_code}", "https://localhost:\(port)\(path)"])
                #expect(anonymous.output == denied + " 403", "\(path): \(anonymous.output)")
            }
            let plain = try RawHTTPClient(port: plainPort).request("GET", "/svc/a", headers: [("X-Auth-Client-Subject", "CN=x")])
            #expect(plain.status == 403, "the plain listener has no client certificates")
            #expect(upstream.requests.count == before, "no refused request reached the upstream")
            #expect(try Self.metric(gateway, plainPort, #"jwtgate_auth_failures_total{reason="client_certificate"}"#) == 4)
        }
    }

    @Test("verify_client required: no certificate, no connection")
    func mutualTLSRequired() async throws {
        let tls = Self.pki.listenerTLS {
            $0.clientCAFile = Self.pki.caFile
            $0.verifyClient = .required
        }
        try await Self.withTLSGateway(tls: tls) { _, upstream, _, port in
            let none = Self.curl(["--cacert", Self.pki.caFile, "https://localhost:\(port)/api/public/x"])
            #expect(none.status != 0, "\(none.output)")
            #expect(upstream.requests.isEmpty)
            let good = Self.curl(["--cacert", Self.pki.caFile, "--cert", Self.pki.file("client.pem"), "--key", Self.pki.file("client.key"),
                                  "https://localhost:\(port)/api/public/x"])
            #expect(good.output == #"{"ok":true}"#, "\(good.output)")
        }
    }

    @Test("pipelined requests, a 4 MiB answer and a 2 MiB upload over TLS")
    func pipeliningAndLargeBodies() async throws {
        let big = ByteBuffer(repeating: UInt8(ascii: "x"), count: 4 << 20)
        try await Self.withTLSGateway(reply: { request in
            if request.uri.hasSuffix("/big") {
                return .respond(status: 200, headers: [("Content-Length", "\(big.readableBytes)")], body: big)
            }
            return .json("{\"received\":\(request.body.readableBytes)}")
        }) { _, _, _, port in
            let pipelined = TestCommand.run(["python3", Self.client, "pipeline", "\(port)", Self.pki.caFile])
            #expect(pipelined.output == "HTTP/1.1 200 OK\nHTTP/1.1 200 OK\n", "\(pipelined.output)")
            let download = Self.curl(["--cacert", Self.pki.caFile, "-o", "/dev/null", "-w", "%{size_download}",
                                      "https://localhost:\(port)/api/public/big"])
            #expect(download.output == "\(4 << 20)", "\(download.output)")
            let upload = "/tmp/jwtgate-tls-upload-\(getpid())-\(port)"
            defer { unlink(upload) }
            _ = TestCommand.run(["sh", "-c", "head -c 2097152 /dev/zero > '\(upload)'"])
            let posted = Self.curl(["--cacert", Self.pki.caFile, "--data-binary", "@\(upload)", "-H", "Content-Type: application/octet-stream",
                                    "https://localhost:\(port)/api/public/upload"])
            #expect(posted.output == #"{"received":2097152}"#, "\(posted.output)")
        }
    }

    @Test("a client that stops reading a large answer gets every byte in order once it reads again (TLS writes that would block)")
    func backPressure() async throws {
        let size = 6 << 20
        let pattern = ByteBuffer(bytes: (0..<size).map { UInt8($0 % 251) })
        try await Self.withTLSGateway(reply: { _ in
            .respond(status: 200, headers: [("Content-Length", "\(size)")], body: pattern)
        }) { _, _, _, port in
            let result = TestCommand.run(["python3", Self.client, "slow-read", "\(port)", Self.pki.caFile, "/api/public/big", "1.5"])
            #expect(result.output == "pattern ok \(size)\n", "\(result.output)")
        }
    }

    @Test("the JWT cookie is marked Secure over TLS only when jwt.auth_cookie_secure is on")
    func secureCookie() async throws {
        for secure in [false, true] {
            try await Self.withTLSGateway(configure: { config in
                config.jwt.authCookie = "jwt-token"
                config.jwt.authCookieSecure = secure
            }) { _, _, plainPort, port in
                let body = #"{"username":"alice","password":"secret123"}"#
                let overTLS = Self.curl(["--cacert", Self.pki.caFile, "-i", "-H", "Content-Type: application/json", "-d", body,
                                         "https://localhost:\(port)/api-token-auth/"])
                let cookie = overTLS.output.split(separator: "\r\n").first { $0.lowercased().hasPrefix("set-cookie:") } ?? ""
                #expect(cookie.hasSuffix("; Path=/; Secure") == secure, "\(cookie)")
                #expect(cookie.contains("HttpOnly"))
                let plain = try RawHTTPClient(port: plainPort).request("POST", "/api-token-auth/",
                                                                       headers: [("Content-Type", "application/json")], body: Array(body.utf8))
                #expect(plain.header("Set-Cookie")?.hasSuffix("; Path=/") == true, "never Secure over plain HTTP")
            }
        }
    }

    @Test("a stalled handshake is closed at handshake_timeout; past max_handshakes new ones are refused; plain traffic goes on")
    func handshakeBounds() async throws {
        let tls = Self.pki.listenerTLS {
            $0.handshakeTimeout = .seconds(2)
            $0.maxHandshakes = 2
        }
        try await Self.withTLSGateway(tls: tls) { gateway, _, plainPort, port in
            let stalled = try (0..<2).map { _ in try RawHTTPClient(port: port, receiveTimeoutSeconds: 6) }
            stalled[0].send([0x16, 0x03, 0x01])  // the start of a ClientHello, then nothing
            // connect() returns before the gateway accepts: wait until both handshakes are counted.
            for _ in 0..<100 {
                if try Self.metric(gateway, plainPort, "jwtgate_tls_handshakes_in_progress") == 2 { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            let refused = try RawHTTPClient(port: port, receiveTimeoutSeconds: 2)
            #expect(refused.isClosedByPeer(), "a third handshake is refused at once")
            let start = ContinuousClock.now
            #expect(try RawHTTPClient(port: plainPort).request("GET", "/healthz").status == 200)
            for client in stalled { #expect(client.isClosedByPeer()) }
            let waited = ContinuousClock.now - start
            #expect(waited < .seconds(4), "closed at the 2 s handshake timeout, not later (\(waited))")
            #expect(try Self.metric(gateway, plainPort, #"jwtgate_tls_handshakes_total{outcome="refused",version="none"}"#) == 1)
            let timeouts = try Self.metric(gateway, plainPort, #"jwtgate_tls_handshakes_total{outcome="timeout",version="none"}"#)
            let scrape = try RawHTTPClient(port: plainPort).request("GET", "/metrics").text
            #expect(timeouts == 2, "\(scrape.split(separator: "\n").filter { $0.contains("tls_handshakes") })")
            #expect(try Self.metric(gateway, plainPort, "jwtgate_tls_handshakes_in_progress") == 0)
            let health = Self.curl(["--cacert", Self.pki.caFile, "https://localhost:\(port)/healthz"])
            #expect(health.output == #"{"status":"ok"}"#, "the slots came back: \(health.output)")
        }
    }

    @Test("a ClientHello sent a byte at a time does not hold up other TLS clients")
    func slowHello() async throws {
        let tls = Self.pki.listenerTLS { $0.handshakeTimeout = .seconds(2) }
        try await Self.withTLSGateway(tls: tls) { _, _, _, port in
            let log = "/tmp/jwtgate-tls-slow-\(getpid())-\(port).log"
            defer { unlink(log); unlink(log + ".pid") }
            let pid = try TestCommand.startInBackground(["python3", Self.client, "stall-hello", "\(port)", "0.1"], log: log)
            defer { kill(pid, SIGKILL) }
            try await Task.sleep(for: .milliseconds(300))
            for _ in 0..<5 {
                let health = Self.curl(["--cacert", Self.pki.caFile, "https://localhost:\(port)/healthz"])
                #expect(health.output == #"{"status":"ok"}"#, "\(health.output)")
            }
            var output = ""
            for _ in 0..<60 where !output.contains("closed") {
                try await Task.sleep(for: .milliseconds(100))
                output = TestCommand.readFile(log)
            }
            #expect(output.hasPrefix("closed after "), "the slow client is cut at the handshake timeout: \(output)")
        }
    }

    @Test("metrics: handshakes by outcome and version, certificate expiry")
    func metrics() async throws {
        try await Self.withTLSGateway { gateway, _, plainPort, port in
            _ = Self.sClient(port, ["-tls1_2"])
            _ = Self.sClient(port, ["-tls1_3"])
            _ = Self.sClient(port, ["-tls1_1"])
            #expect(try Self.metric(gateway, plainPort, #"jwtgate_tls_handshakes_total{outcome="ok",version="1.2"}"#) == 1)
            #expect(try Self.metric(gateway, plainPort, #"jwtgate_tls_handshakes_total{outcome="ok",version="1.3"}"#) == 1)
            #expect(try Self.metric(gateway, plainPort, #"jwtgate_tls_handshakes_total{outcome="failed",version="none"}"#) == 1)
            let expiry = try Self.metric(gateway, plainPort,
                                         #"jwtgate_tls_certificate_expiry_timestamp_seconds{listener="127.0.0.1:0",certificate="\#(Self.pki.file("ec.pem"))"}"#)
            let now = Date().timeIntervalSince1970
            #expect(expiry.map { $0 > now + 29 * 86_400 && $0 < now + 31 * 86_400 } == true, "\(String(describing: expiry))")
        }
    }
}
