import JWTGateCore
import JWTGateServer
import Testing

@Suite("CORS preflights on protected routes", .serialized)
struct CORSPreflightTests {
    static let preflight: [(String, String)] = [
        ("Origin", "https://app.example"), ("Access-Control-Request-Method", "POST"),
        ("Access-Control-Request-Headers", "authorization, content-type"),
        ("X-Auth-Username", "alice"),  // a spoofed identity header still never reaches the upstream
    ]

    static func routes(skip: Bool) -> (Int) -> [RouteConfig] {
        { port in [GatewayHarness.route("/api/", port: port) { $0.skipAuthPreflight = skip }] }
    }

    @Test("with skip_auth_preflight a preflight is forwarded without credentials; everything else still needs a token")
    func skipped() async throws {
        try await GatewayHarness.withGateway(routes: Self.routes(skip: true)) { gateway, upstream in
            let client = try RawHTTPClient(port: gateway.port)
            let response = try client.request("OPTIONS", "/api/orders", headers: Self.preflight)
            #expect(response.status == 200, "\(response.text)")
            let seen = try #require(upstream.requests.last)
            #expect(seen.method == "OPTIONS")
            #expect(seen.values("Access-Control-Request-Method") == ["POST"])
            #expect(seen.values("X-Auth-Username").isEmpty)
            let forwarded = upstream.requests.count

            // Not a preflight: a plain OPTIONS, or a preflight-looking GET, is authenticated as usual.
            let plainOptions = try client.request("OPTIONS", "/api/orders", headers: [("Origin", "https://app.example")])
            #expect(plainOptions.status == 401)
            let get = try client.request("GET", "/api/orders", headers: Self.preflight)
            #expect(get.status == 401)
            #expect(upstream.requests.count == forwarded)
        }
    }

    @Test("without it a preflight is answered 401, as DRF's IsAuthenticated answers it")
    func notSkipped() async throws {
        try await GatewayHarness.withGateway(routes: Self.routes(skip: false)) { gateway, upstream in
            let client = try RawHTTPClient(port: gateway.port)
            let response = try client.request("OPTIONS", "/api/orders", headers: Self.preflight)
            #expect(response.status == 401)
            #expect(response.text == #"{"detail":"Authentication credentials were not provided."}"#)
            #expect(upstream.requests.isEmpty)
        }
    }
}
