import JWTGateCore
import JWTGateServer
import Testing

/// The library reads JSON and form bodies of any size (DRF's parsers read the stream, so Django's
/// DATA_UPLOAD_MAX_MEMORY_SIZE only stops multipart bodies, with an HTML 400). The gateway caps the
/// token views at `server.max_token_body_bytes` (2.5 MiB, Django's figure) with a 413, and refuses
/// credentials longer than `server.max_credential_bytes` before a throttle, store or hasher sees them.
@Suite("Token views read small bodies and small credentials")
struct TokenBodyLimitTests {
    static func obtainBody(username: String, password: String = "nope") -> [UInt8] {
        Array("{\"username\":\"\(username)\",\"password\":\"\(password)\"}".utf8)
    }

    @Test("a body above max_token_body_bytes gets 413 at a token view, while a proxied route still takes it")
    func tokenBodyCap() async throws {
        try await GatewayHarness.withGateway(configure: {
            $0.server.maxTokenBodyBytes = 64 * 1024
        }) { gateway, upstream in
            let big = String(repeating: "a", count: 100 * 1024)
            for path in ["/api-token-auth/", "/api-token-verify/", "/api-token-refresh/"] {
                let client = try RawHTTPClient(port: gateway.port)
                let answer = try client.request("POST", path, headers: [("Content-Type", "application/json")],
                                                body: Array("{\"token\":\"\(big)\",\"username\":\"x\",\"password\":\"y\"}".utf8))
                #expect(answer.status == 413, "\(path)")
                #expect(answer.text == #"{"detail":"Request body too large."}"#)
            }
            let chunked = try RawHTTPClient(port: gateway.port)
            let piece = String(repeating: "b", count: 40 * 1024)
            let first = "{\"username\":\"\(piece)"
            chunked.send("POST /api-token-auth/ HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                         + "\(String(first.utf8.count, radix: 16))\r\n\(first)\r\n"
                         + "\(String(piece.utf8.count, radix: 16))\r\n\(piece)\r\n0\r\n\r\n")
            #expect(try chunked.readResponse().status == 413, "a chunked body is counted as it arrives")

            let small = try RawHTTPClient(port: gateway.port)
            let fine = try small.request("POST", "/api-token-auth/", headers: [("Content-Type", "application/json")],
                                         body: Self.obtainBody(username: String(repeating: "u", count: 1000)))
            #expect(fine.text == #"{"non_field_errors":["Unable to log in with provided credentials."]}"#)

            let proxied = try small.request("POST", "/api/upload", headers: [("Authorization", "JWT \(GatewayHarness.validToken())")],
                                            body: Array(big.utf8))
            #expect(proxied.status == 200, "max_body_bytes, not the token views' cap, applies to routes")
            #expect(upstream.requests.last?.body.readableBytes == big.utf8.count)
        }
    }

    @Test("credentials longer than max_credential_bytes cannot log in and never reach the throttle")
    func credentialCap() async throws {
        try await GatewayHarness.withGateway(configure: {
            $0.server.maxCredentialBytes = 64
            $0.throttle.obtainPerUsername = ThrottleRate(requests: 1, periodSeconds: 3600)
        }) { gateway, _ in
            let client = try RawHTTPClient(port: gateway.port)
            let unable = #"{"non_field_errors":["Unable to log in with provided credentials."]}"#
            let longName = String(repeating: "n", count: 65)
            // Over the cap: refused, and twice in a row without a 429, so the throttle never counted it.
            for _ in 0..<2 {
                let answer = try client.request("POST", "/api-token-auth/", headers: [("Content-Type", "application/json")],
                                                body: Self.obtainBody(username: longName))
                #expect(answer.status == 400)
                #expect(answer.text == unable)
            }
            let longPassword = try client.request("POST", "/api-token-auth/", headers: [("Content-Type", "application/json")],
                                                  body: Self.obtainBody(username: "alice", password: String(repeating: "p", count: 65)))
            #expect(longPassword.text == unable)
            // At the cap, alice's real password still works (the per-username throttle allows her one try).
            let ok = try client.request("POST", "/api-token-auth/", headers: [("Content-Type", "application/json")],
                                        body: Self.obtainBody(username: "alice", password: "secret123"))
            #expect(ok.status == 200, "\(ok.text)")
        }
    }
}

@Suite("The per-username throttle under a storm of distinct long usernames")
struct ThrottleStormTests {
    @Test("the table stays at throttle.max_keys and /metrics says so")
    func storm() async throws {
        try await GatewayHarness.withGateway(configure: {
            $0.server.maxCredentialBytes = 65_536  // let long usernames reach the throttle: the worst case
            $0.throttle.obtainPerUsername = ThrottleRate(requests: 5, periodSeconds: 60)
            $0.throttle.maxKeys = 50
        }) { gateway, _ in
            let client = try RawHTTPClient(port: gateway.port)
            let filler = String(repeating: "u", count: 60_000)
            for i in 0..<300 {
                let answer = try client.request("POST", "/api-token-auth/", headers: [("Content-Type", "application/json")],
                                                body: TokenBodyLimitTests.obtainBody(username: "\(i)\(filler)"))
                #expect(answer.status == 400)
            }
            let metrics = try client.request("GET", "/metrics").text
            #expect(metrics.contains(#"jwtgate_throttle_keys{throttle="obtain_per_username"} 50"#), "\(metrics.prefix(0))")
            #expect(metrics.contains(#"jwtgate_throttle_evicted_keys{throttle="obtain_per_username"} 250"#))
        }
    }
}
