import JWTGateCore
import JWTGateServer
import Testing

@Suite("Token endpoints over real HTTP", .serialized)
struct TokenEndpointTests {
    @Test("obtain → verify → refresh round trip with JSON and form bodies")
    func roundTrip() async throws {
        try await GatewayHarness.withGateway { gateway, _ in
            let client = try RawHTTPClient(port: gateway.port)
            let obtained = try client.request("POST", "/api-token-auth/", headers: [("Content-Type", "application/json")],
                                              body: Array(#"{"username":" alice ","password":"secret123"}"#.utf8))
            #expect(obtained.status == 200)
            #expect(obtained.header("Allow") == "POST, OPTIONS")
            #expect(obtained.header("Content-Type") == "application/json")
            let token = try #require(try PythonJSON.parse(obtained.body).objectValue?["token"]?.stringValue)

            let verified = try client.request("POST", "/api-token-verify/", headers: [("Content-Type", "application/x-www-form-urlencoded")],
                                              body: Array("token=\(token)".utf8))
            #expect(verified.status == 200)
            #expect(verified.text == "{\"token\":\"\(token)\"}")

            let refreshed = try client.request("POST", "/api-token-refresh/", headers: [("Content-Type", "application/json")],
                                               body: Array("{\"token\":\"\(token)\"}".utf8))
            #expect(refreshed.status == 200)
            let fresh = try #require(try PythonJSON.parse(refreshed.body).objectValue?["token"]?.stringValue)
            let claims = try UnverifiedToken.parse(Array(fresh.utf8)).payload
            #expect(claims.keys == ["user_id", "username", "exp", "email", "orig_iat"])
        }
    }

    @Test("failures answer with the library's bodies and status codes")
    func failures() async throws {
        try await GatewayHarness.withGateway { gateway, _ in
            let client = try RawHTTPClient(port: gateway.port)
            let wrong = try client.request("POST", "/api-token-auth/", headers: [("Content-Type", "application/json")],
                                           body: Array(#"{"username":"alice","password":"nope"}"#.utf8))
            #expect(wrong.status == 400)
            #expect(wrong.text == #"{"non_field_errors":["Unable to log in with provided credentials."]}"#)

            let empty = try client.request("POST", "/api-token-auth/")
            #expect(empty.text == #"{"username":["This field is required."],"password":["This field is required."]}"#)

            let plain = try client.request("POST", "/api-token-verify/", headers: [("Content-Type", "text/plain")], body: Array("x".utf8))
            #expect(plain.status == 415)
            #expect(plain.text == #"{"detail":"Unsupported media type \"text/plain\" in request."}"#)

            let malformed = try client.request("POST", "/api-token-verify/", headers: [("Content-Type", "application/json")],
                                               body: Array("{bad".utf8))
            #expect(malformed.text == #"{"detail":"JSON parse error - Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"}"#)

            let get = try client.request("GET", "/api-token-refresh/")
            #expect(get.status == 405)
            #expect(get.text == #"{"detail":"Method \"GET\" not allowed."}"#)
            #expect(get.header("Allow") == "POST, OPTIONS")

            let head = try client.request("HEAD", "/api-token-auth/")
            #expect(head.status == 405)

            let options = try client.request("OPTIONS", "/api-token-verify/")
            #expect(options.status == 200)
            #expect(try PythonJSON.parse(options.body).objectValue?["name"] == .string("Verify Json Web Token"))
        }
    }

    @Test("with auth_cookie, every token view sets the cookie")
    func cookie() async throws {
        try await GatewayHarness.withGateway(configure: { $0.jwt.authCookie = "jwt-auth" }) { gateway, _ in
            let client = try RawHTTPClient(port: gateway.port)
            let obtained = try client.request("POST", "/api-token-auth/", headers: [("Content-Type", "application/x-www-form-urlencoded")],
                                              body: Array("username=alice&password=secret123".utf8))
            let cookie = try #require(obtained.header("Set-Cookie"))
            #expect(cookie.hasPrefix("jwt-auth=eyJ"))
            #expect(cookie.hasSuffix("; HttpOnly; Max-Age=300; Path=/"))
            let failed = try client.request("POST", "/api-token-verify/", headers: [("Content-Type", "application/json")],
                                            body: Array(#"{"token":"abc"}"#.utf8))
            #expect(failed.header("Set-Cookie") == nil)
        }
    }

    @Test("obtain is throttled per address and per username with DRF's 429")
    func throttled() async throws {
        try await GatewayHarness.withGateway(configure: {
            $0.throttle.obtainPerIP = ThrottleRate(requests: 3, periodSeconds: 60)
            $0.throttle.obtainPerUsername = ThrottleRate(requests: 2, periodSeconds: 3600)
        }) { gateway, _ in
            let client = try RawHTTPClient(port: gateway.port)
            func obtain(_ username: String) throws -> RawHTTPClient.Response {
                try client.request("POST", "/api-token-auth/", headers: [("Content-Type", "application/json")],
                                   body: Array("{\"username\":\"\(username)\",\"password\":\"nope\"}".utf8))
            }
            #expect(try obtain("alice").status == 400)
            #expect(try obtain("alice").status == 400)
            let perUser = try obtain("alice")
            #expect(perUser.status == 429)
            #expect(perUser.text.hasPrefix(#"{"detail":"Request was throttled. Expected available in "#))
            #expect(perUser.header("Retry-After").flatMap(Int.init).map { $0 > 3000 } == true)
            let perAddress = try obtain("carol")
            #expect(perAddress.status == 429, "the fourth request from this address")
            #expect(try client.request("GET", "/healthz").status == 200)
        }
    }

    @Test("liveness, readiness and metrics")
    func health() async throws {
        try await GatewayHarness.withGateway { gateway, _ in
            let client = try RawHTTPClient(port: gateway.port)
            #expect(try client.request("GET", "/healthz").text == #"{"status":"ok"}"#)
            #expect(try client.request("GET", "/readyz").text == #"{"status":"ready"}"#)
            _ = try client.request("GET", "/api/x")
            let metrics = try client.request("GET", "/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.text.contains("jwtgate_auth_failures_total{reason=\"not_provided\"} 1"))
        }
        try await GatewayHarness.withGateway(configure: { $0.endpoints.metricsAllow = [CIDRBlock(address: [10, 0, 0, 0], prefixLength: 8)] }) { gateway, _ in
            let client = try RawHTTPClient(port: gateway.port)
            #expect(try client.request("GET", "/metrics").status == 404, "127.0.0.1 is not in metrics_allow")
        }
    }
}
