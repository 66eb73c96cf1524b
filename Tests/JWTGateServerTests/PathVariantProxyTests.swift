import JWTGateCore
import JWTGateServer
import Testing

/// The review's layout: a public catch-all `/` and a protected `/api/private/`, both on one upstream.
private func catchAllAndPrivate(_ port: Int) -> [RouteConfig] {
    [GatewayHarness.route("/", port: port, auth: .none), GatewayHarness.route("/api/private/", port: port)]
}

@Suite("Paths an upstream reads differently reach the strictest route", .serialized)
struct PathVariantProxyTests {
    static let variantPaths = ["/API/private/x", "/api/private;x/y", "/api/private"]

    @Test("case, ';'-parameter and trailing-slash variants of a protected prefix need a token", arguments: variantPaths)
    func variantsNeedAToken(path: String) async throws {
        try await GatewayHarness.withGateway(routes: catchAllAndPrivate) { gateway, upstream in
            let response = try RawHTTPClient(port: gateway.port).request("GET", path)
            #expect(response.status == 401)
            #expect(response.text == #"{"detail":"Authentication credentials were not provided."}"#)
            #expect(response.header("WWW-Authenticate") == "JWT realm=\"api\"")
            #expect(upstream.requests.isEmpty, "the upstream must not see \(path) without a token")
        }
    }

    @Test("with a token they are forwarded with the path unchanged and the user's identity", arguments: variantPaths)
    func variantsForwardedWithToken(path: String) async throws {
        try await GatewayHarness.withGateway(routes: catchAllAndPrivate) { gateway, upstream in
            let response = try RawHTTPClient(port: gateway.port).request(
                "GET", path + "?q=1", headers: [("Authorization", "JWT \(GatewayHarness.validToken())")])
            #expect(response.status == 200)
            #expect(upstream.requests.count == 1)
            let seen = try #require(upstream.requests.last)
            #expect(seen.uri == path + "?q=1")
            #expect(seen.values("X-Auth-Username") == ["alice"])
        }
    }

    @Test("the public catch-all still serves everything else without a token")
    func catchAllStillPublic() async throws {
        try await GatewayHarness.withGateway(routes: catchAllAndPrivate) { gateway, upstream in
            let client = try RawHTTPClient(port: gateway.port)
            for path in ["/other", "/api/privately", "/API/other;x/y"] {
                let response = try client.request("GET", path)
                #expect(response.status == 200, "\(path)")
                #expect(upstream.requests.last?.uri == path)
                #expect(upstream.requests.last?.values("X-Auth-Username") == [])
            }
            #expect(upstream.requests.count == 3)
        }
    }

    @Test("with the variants switched off, the catch-all serves them (what check-config warns about)")
    func variantsOff() async throws {
        try await GatewayHarness.withGateway(routes: catchAllAndPrivate, configure: {
            $0.pathVariants.caseInsensitive = false
            $0.pathVariants.semicolonParams = .off
            $0.pathVariants.trailingSlash = false
        }) { gateway, upstream in
            let client = try RawHTTPClient(port: gateway.port)
            for path in Self.variantPaths {
                #expect(try client.request("GET", path).status == 200, "\(path)")
            }
            #expect(upstream.requests.map(\.uri) == Self.variantPaths)
        }
    }

    @Test("semicolon_params: reject answers 400 to any ';' in the path, on every route, and forwards nothing")
    func rejectSemicolons() async throws {
        try await GatewayHarness.withGateway(routes: catchAllAndPrivate, configure: {
            $0.pathVariants.semicolonParams = .reject
        }) { gateway, upstream in
            for path in ["/api/private;x/y", "/other;jsessionid=1", "/;"] {
                let response = try RawHTTPClient(port: gateway.port).request(
                    "GET", path, headers: [("Authorization", "JWT \(GatewayHarness.validToken())")])
                #expect(response.status == 400, "\(path)")
                #expect(response.text == #"{"detail":"Bad request path."}"#)
            }
            #expect(upstream.requests.isEmpty)
            let query = try RawHTTPClient(port: gateway.port).request("GET", "/other?a=1;b=2")
            #expect(query.status == 200, "a ';' in the query is not in the path")
            #expect(upstream.requests.last?.uri == "/other?a=1;b=2")
        }
    }
}
