import JWTGateCore
import JWTGateServer
import Testing

@Suite("Forwarding to https upstreams", .serialized)
struct HTTPSUpstreamTests {
    static func httpsRoute(_ upstream: HTTPSUpstream, caFile: String?) -> RouteConfig {
        var route = RouteConfig(path: "/api/", upstreams: [
            UpstreamTarget(scheme: "https", host: "127.0.0.1", port: upstream.port, basePath: ""),
        ])
        route.timeout = .seconds(5)
        route.caFile = caFile
        return route
    }

    static func get(_ gateway: RunningGateway) throws -> RawHTTPClient.Response {
        let client = try RawHTTPClient(port: gateway.port)
        return try client.request("GET", "/api/orders?x=1", headers: [("Authorization", "JWT \(GatewayHarness.validToken())")])
    }

    @Test("with the route's ca_file the upstream is reached over TLS, identity headers and all")
    func trustedCA() async throws {
        let upstream = try HTTPSUpstream.start()
        defer { upstream.stop() }
        try await GatewayHarness.withGateway(routes: { _ in [Self.httpsRoute(upstream, caFile: upstream.caFile)] }) { gateway, _ in
            for _ in 0..<3 {  // and again over the kept-alive TLS connection
                let response = try Self.get(gateway)
                #expect(response.status == 200, "\(response.text)")
                let echo = try #require(try PythonJSON.parse(response.body).objectValue)
                #expect(echo["path"]?.stringValue == "/api/orders?x=1")
                #expect(echo["user"]?.stringValue == "alice")
                #expect(echo["host"]?.stringValue == "127.0.0.1:\(upstream.port)")
            }
        }
    }

    @Test("a certificate the system does not trust is refused: 502, nothing forwarded in clear")
    func untrustedCertificate() async throws {
        let upstream = try HTTPSUpstream.start()
        defer { upstream.stop() }
        try await GatewayHarness.withGateway(routes: { _ in [Self.httpsRoute(upstream, caFile: nil)] }) { gateway, _ in
            let response = try Self.get(gateway)
            #expect(response.status == 502)
            #expect(response.text == #"{"detail":"Bad gateway."}"#, "\(response.text)")
        }
    }

    @Test("a certificate for another host name is refused even from a trusted CA")
    func wrongHostName() async throws {
        let upstream = try HTTPSUpstream.start(serverName: "other.example")
        defer { upstream.stop() }
        try await GatewayHarness.withGateway(routes: { _ in [Self.httpsRoute(upstream, caFile: upstream.caFile)] }) { gateway, _ in
            let response = try Self.get(gateway)
            #expect(response.status == 502, "\(response.text)")
        }
    }
}
