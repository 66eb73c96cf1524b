import JWTGateCore
import JWTGateServer
import Testing

/// A route's `client_cert_file`/`client_key_file` and `min_tls_version` against a real Python TLS upstream
/// (Support/https-upstream.py) with certificates openssl makes for each test. Runs on the default plane;
/// `JWTGATE_TEST_DATA_PLANE=nio` runs it on the NIO fallback.
@Suite("Mutual TLS and the minimum TLS version toward https upstreams", .serialized)
struct UpstreamMutualTLSTests {
    static func route(_ upstream: HTTPSUpstream, path: String = "/api/",
                      configure: (inout RouteConfig) -> Void = { _ in }) -> RouteConfig {
        var route = RouteConfig(path: path, upstreams: [
            UpstreamTarget(scheme: "https", host: "127.0.0.1", port: upstream.port, basePath: ""),
        ])
        route.timeout = .seconds(5)
        route.caFile = upstream.caFile
        configure(&route)
        return route
    }

    static func get(_ gateway: RunningGateway, _ path: String = "/api/orders?x=1") throws -> RawHTTPClient.Response {
        let client = try RawHTTPClient(port: gateway.port)
        return try client.request("GET", path, headers: [("Authorization", "JWT \(GatewayHarness.validToken())")])
    }

    /// The upstream's echo of a 200, or nil (after recording why) for anything else.
    static func echo(_ response: RawHTTPClient.Response) throws -> JSONObject? {
        #expect(response.status == 200, "\(response.text)")
        guard response.status == 200 else { return nil }
        let object = try PythonJSON.parse(response.body).objectValue
        #expect(object != nil, "\(response.text)")
        return object
    }

    static func expectBadGateway(_ response: RawHTTPClient.Response) {
        #expect(response.status == 502, "\(response.text)")
        #expect(response.text == #"{"detail":"Bad gateway."}"#, "\(response.text)")
    }

    @Test("with the route's client certificate the mTLS upstream is reached and sees it")
    func rightClientCertificate() async throws {
        let upstream = try HTTPSUpstream.start(requireClientCertificate: true)
        defer { upstream.stop() }
        let route = Self.route(upstream) { $0.clientCertificate = upstream.clientCertificate }
        try await GatewayHarness.withGateway(routes: { _ in [route] }) { gateway, _ in
            for _ in 0..<3 {  // and again over the kept-alive TLS connection
                let echo = try Self.echo(try Self.get(gateway))
                #expect(echo?["client"]?.stringValue == "jwtgate-client")
                #expect(echo?["path"]?.stringValue == "/api/orders?x=1")
                #expect(echo?["user"]?.stringValue == "alice")
                #expect(echo?["tls"]?.stringValue == "TLSv1.3")
            }
        }
    }

    @Test("without a client certificate the mTLS upstream refuses the handshake: 502")
    func noClientCertificate() async throws {
        let upstream = try HTTPSUpstream.start(requireClientCertificate: true)
        defer { upstream.stop() }
        try await GatewayHarness.withGateway(routes: { _ in [Self.route(upstream)] }) { gateway, _ in
            Self.expectBadGateway(try Self.get(gateway))
        }
    }

    @Test("a client certificate from a CA the upstream does not trust: 502")
    func otherCAClientCertificate() async throws {
        let upstream = try HTTPSUpstream.start(requireClientCertificate: true)
        defer { upstream.stop() }
        let route = Self.route(upstream) { $0.clientCertificate = upstream.otherCAClientCertificate }
        try await GatewayHarness.withGateway(routes: { _ in [route] }) { gateway, _ in
            Self.expectBadGateway(try Self.get(gateway))
        }
    }

    @Test("min_tls_version 1.3 refuses an upstream capped at TLS 1.2 (502); 1.2, the default, reaches it")
    func minimumVersion() async throws {
        let upstream = try HTTPSUpstream.start(maxTLS12: true)
        defer { upstream.stop() }
        let routes = [
            Self.route(upstream, path: "/tls13/") { $0.minTLSVersion = .tls13 },
            Self.route(upstream, path: "/tls12/") { $0.minTLSVersion = .tls12 },
            Self.route(upstream, path: "/default/"),
        ]
        try await GatewayHarness.withGateway(routes: { _ in routes }) { gateway, _ in
            Self.expectBadGateway(try Self.get(gateway, "/tls13/x"))
            try #expect(Self.echo(Self.get(gateway, "/tls12/x"))?["tls"]?.stringValue == "TLSv1.2")
            try #expect(Self.echo(Self.get(gateway, "/default/x"))?["tls"]?.stringValue == "TLSv1.2")
            Self.expectBadGateway(try Self.get(gateway, "/tls13/x"))  // after a 1.2 connection was made and kept
        }
    }

    @Test("min_tls_version 1.3 reaches an upstream that speaks TLS 1.3")
    func tls13Upstream() async throws {
        let upstream = try HTTPSUpstream.start()
        defer { upstream.stop() }
        let route = Self.route(upstream) { $0.minTLSVersion = .tls13 }
        try await GatewayHarness.withGateway(routes: { _ in [route] }) { gateway, _ in
            try #expect(Self.echo(Self.get(gateway))?["tls"]?.stringValue == "TLSv1.3")
        }
    }

    @Test("routes with and without a certificate, in turn on one gateway: a handle or connection never lends it")
    func certificateDoesNotLeakAcrossRoutes() async throws {
        let upstream = try HTTPSUpstream.start(requireClientCertificate: true)
        defer { upstream.stop() }
        let routes = [
            Self.route(upstream, path: "/with/") { $0.clientCertificate = upstream.clientCertificate },
            Self.route(upstream, path: "/other/") { $0.clientCertificate = upstream.otherCAClientCertificate },
            Self.route(upstream, path: "/without/"),
        ]
        try await GatewayHarness.withGateway(routes: { _ in routes }) { gateway, _ in
            for _ in 0..<3 {
                try #expect(Self.echo(Self.get(gateway, "/with/x"))?["client"]?.stringValue == "jwtgate-client")
                Self.expectBadGateway(try Self.get(gateway, "/without/x"))
                try #expect(Self.echo(Self.get(gateway, "/with/x"))?["client"]?.stringValue == "jwtgate-client")
                Self.expectBadGateway(try Self.get(gateway, "/other/x"))
            }
        }
    }
}
