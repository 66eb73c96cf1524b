import JWTGateCore
import JWTGateServer
import NIOCore
import NIOPosix
import Testing

@Suite("Authenticated forwarding through libcurl to real upstreams", .serialized)
struct ProxyTests {
    @Test("identity headers come from the user store; spoofed copies never reach the upstream")
    func identity() async throws {
        try await GatewayHarness.withGateway { gateway, upstream in
            let client = try RawHTTPClient(port: gateway.port)
            let response = try client.request("GET", "/api/orders?x=1", headers: [
                ("Authorization", "JWT \(GatewayHarness.validToken())"),
                ("X-Auth-User-Id", "2"), ("x_auth_username", "bob"), ("X.Auth.Email", "bob@example.com"),
            ])
            #expect(response.status == 200)
            let seen = try #require(upstream.requests.last)
            #expect(seen.uri == "/api/orders?x=1")
            #expect(seen.values("X-Auth-User-Id") == ["1"])
            #expect(seen.values("X-Auth-Username") == ["alice"])
            #expect(seen.values("X-Auth-Email") == ["alice@example.com"])
            #expect(seen.headers.filter { $0.name.lowercased().replacingUnderscoresAndDots.hasPrefix("x-auth-") }.count == 3)
            #expect(seen.values("Authorization").first?.hasPrefix("JWT ") == true)
            #expect(seen.values("X-Forwarded-For") == ["127.0.0.1"])
            #expect(seen.values("X-Request-Id").count == 1)
        }
    }

    @Test("requests without valid credentials are answered 401 and never forwarded", arguments: [
        [(String, String)](), [("Authorization", "JWT")], [("Authorization", "JWT abc")], [("Authorization", "Basic eA==")],
        [("X-Auth-User-Id", "1"), ("X-Auth-Username", "alice")],
    ])
    func unauthenticated(headers: [(String, String)]) async throws {
        try await GatewayHarness.withGateway { gateway, upstream in
            let client = try RawHTTPClient(port: gateway.port)
            let response = try client.request("POST", "/api/secret", headers: headers, body: Array("payload".utf8))
            #expect(response.status == 401)
            #expect(response.header("WWW-Authenticate") == "JWT realm=\"api\"")
            #expect(upstream.requests.isEmpty)
        }
    }

    @Test("inactive and unknown users are refused with the library's texts")
    func inactiveAndUnknown() async throws {
        try await GatewayHarness.withGateway { gateway, upstream in
            let client = try RawHTTPClient(port: gateway.port)
            let bob = try client.request("GET", "/api/x", headers: [("Authorization", "JWT \(GatewayHarness.validToken("bob"))")])
            #expect(bob.text == #"{"detail":"User account is disabled."}"#)
            let ghost = try client.request("GET", "/api/x", headers: [("Authorization", "JWT \(GatewayHarness.validToken("ghost"))")])
            #expect(ghost.text == #"{"detail":"Invalid signature."}"#)
            #expect(upstream.requests.isEmpty)
        }
    }

    @Test("dot-segment and encoding tricks cannot reach a protected route unauthenticated", arguments: [
        ("/api/public/../secret", 401), ("/api/public/%2e%2e/secret", 401), ("/api/public/%2E%2e/secret", 401),
        ("/api/public/..%2fsecret", 400), ("/api/public%2fx", 400), ("/api/public/%00", 400), ("/api/public\\..\\x", 400),
        ("/api/public//ping", 200), ("/api/public/./ping", 200), ("/../../etc/passwd", 400), ("/api/publicity", 401),
    ])
    func pathSafety(path: String, status: Int) async throws {
        try await GatewayHarness.withGateway { gateway, upstream in
            let client = try RawHTTPClient(port: gateway.port)
            let response = try client.request("GET", path)
            #expect(response.status == status, "\(path)")
            if status == 200 { #expect(upstream.requests.last?.uri == "/api/public/ping") } else { #expect(upstream.requests.isEmpty) }
        }
    }

    @Test("public routes forward without looking at credentials; unknown paths get 404")
    func publicAndUnknown() async throws {
        try await GatewayHarness.withGateway { gateway, upstream in
            let client = try RawHTTPClient(port: gateway.port)
            let response = try client.request("GET", "/api/public/ping", headers: [("Authorization", "JWT garbage")])
            #expect(response.status == 200)
            #expect(upstream.requests.last?.values("Authorization") == ["JWT garbage"])
            let missing = try client.request("GET", "/nowhere")
            #expect(missing.status == 404)
            #expect(missing.text == #"{"detail":"Not found."}"#)
        }
    }

    @Test("bodies of 0 B, 1 KB and 10 MB travel intact both ways", arguments: [0, 1024, 10 * 1024 * 1024])
    func bodies(size: Int) async throws {
        let payload = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        try await GatewayHarness.withGateway(reply: { request in
            var body = request.body
            let bytes = body.readBytes(length: body.readableBytes) ?? []
            return .respond(status: 200, headers: [("Content-Length", "\(bytes.count)")], body: ByteBuffer(bytes: bytes))
        }, configure: { $0.server.maxBodyBytes = 16 * 1024 * 1024 }) { gateway, upstream in
            let client = try RawHTTPClient(port: gateway.port)
            let response = try client.request("PUT", "/api/public/blob", headers: [("Content-Type", "application/octet-stream")],
                                              body: payload)
            #expect(response.status == 200)
            #expect(response.body.count == size)
            #expect(response.body == payload)
        }
    }

    @Test("pooled curl handles carry nothing from one request into the next, whatever the method order")
    func methodSequence() async throws {
        try await GatewayHarness.withGateway { gateway, upstream in
            let client = try RawHTTPClient(port: gateway.port)
            let sequence: [(String, [UInt8])] = [("HEAD", []), ("POST", Array("post-body".utf8)), ("GET", []),
                                                 ("PUT", []), ("DELETE", []), ("HEAD", []), ("PATCH", Array("p".utf8)),
                                                 ("OPTIONS", []), ("GET", []), ("POST", [])]
            for (index, (method, body)) in sequence.enumerated() {
                let response = try client.request(method, "/api/public/seq/\(index)", body: body)
                #expect(response.status == 200, "\(method) #\(index)")
                let seen = try #require(upstream.requests.last)
                #expect(seen.method == method, "#\(index)")
                #expect(seen.uri == "/api/public/seq/\(index)")
                #expect(String(buffer: seen.body) == String(decoding: body, as: UTF8.self), "#\(index)")
                let length = seen.values("Content-Length")
                if ["POST", "PUT", "PATCH"].contains(method) {
                    #expect(length == ["\(body.count)"], "\(method) #\(index)")
                } else {
                    #expect(length.isEmpty, "\(method) #\(index) must not get a Content-Length")
                }
            }
        }
    }

    @Test("a body above max_body_bytes gets 413 and is not forwarded")
    func tooLarge() async throws {
        try await GatewayHarness.withGateway(configure: { $0.server.maxBodyBytes = 1000 }) { gateway, upstream in
            let client = try RawHTTPClient(port: gateway.port)
            let response = try client.request("POST", "/api/public/x", body: [UInt8](repeating: 65, count: 2000))
            #expect(response.status == 413)
            #expect(upstream.requests.isEmpty)
        }
    }

    @Test("a refused upstream answers 502, a silent one 504 within the route timeout")
    func upstreamFailures() async throws {
        try await GatewayHarness.withGateway(reply: { _ in .never }, routes: { port in
            [GatewayHarness.route("/dead/", port: 1, auth: .none),
             GatewayHarness.route("/slow/", port: port, auth: .none) { $0.timeout = .milliseconds(500) }]
        }) { gateway, _ in
            let client = try RawHTTPClient(port: gateway.port)
            let dead = try client.request("GET", "/dead/x")
            #expect(dead.status == 502)
            #expect(dead.text == #"{"detail":"Bad gateway."}"#)
            let started = ContinuousClock.now
            let slow = try client.request("GET", "/slow/x")
            #expect(slow.status == 504)
            #expect(slow.text == #"{"detail":"Gateway timeout."}"#)
            #expect(ContinuousClock.now - started < .seconds(3))
            #expect(try client.request("GET", "/healthz").status == 200, "the gateway keeps serving")
        }
    }

    @Test("a refused upstream in a list is skipped: the request is retried on the next one and the dead one ejected")
    func failover() async throws {
        try await GatewayHarness.withGateway(routes: { port in
            [GatewayHarness.route("/lb/", port: port, auth: .none) {
                $0.upstreams = [UpstreamTarget(scheme: "http", host: "127.0.0.1", port: 1, basePath: ""),
                                UpstreamTarget(scheme: "http", host: "127.0.0.1", port: port, basePath: "")]
            }]
        }) { gateway, upstream in
            let client = try RawHTTPClient(port: gateway.port)
            for i in 0..<6 {
                let response = try client.request("POST", "/lb/\(i)", body: Array("body-\(i)".utf8))
                #expect(response.status == 200, "request \(i)")
            }
            #expect(upstream.requests.map(\.uri) == (0..<6).map { "/lb/\($0)" })
            #expect(upstream.requests.last.map { String(buffer: $0.body) } == "body-5")
        }
    }

    @Test("Expect: 100-continue gets an interim 100 from the gateway and is not forwarded")
    func expectContinue() async throws {
        try await GatewayHarness.withGateway { gateway, upstream in
            let client = try RawHTTPClient(port: gateway.port)
            client.send("PUT /api/public/up HTTP/1.1\r\nHost: g\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
            let interim = try client.readResponse()
            #expect(interim.status == 100)
            client.send("hello")
            let final = try client.readResponse()
            #expect(final.status == 200)
            #expect(upstream.requests.last?.values("Expect") == [])
            #expect(upstream.requests.last.map { String(buffer: $0.body) } == "hello")
        }
    }

    @Test("an upstream that resets mid-body never yields a complete-looking answer: the connection is cut, or a 502 comes when nothing was sent yet")
    func resetMidBody() async throws {
        let closeNow = MultiThreadedEventLoopGroup.singleton.next().makeSucceededVoidFuture()
        try await GatewayHarness.withGateway(reply: { _ in .partialThenClose(total: 100_000, sent: 1000, closeWhen: closeNow) }) { gateway, _ in
            let client = try RawHTTPClient(port: gateway.port)
            client.send("GET /api/public/partial HTTP/1.1\r\nHost: g\r\n\r\n")
            // If the reset lands in the same curl turn as the head, the client gets a clean 502;
            // otherwise the head is already out and the only honest signal is a cut connection.
            if let response = try? client.readResponse() {
                #expect(response.status == 502, "a truncated body must never be passed off as complete")
            }
            #expect(try RawHTTPClient(port: gateway.port).request("GET", "/healthz").status == 200)
        }
    }

    @Test("several Set-Cookie headers come back separately; hop-by-hop headers do not")
    func responseHeaders() async throws {
        try await GatewayHarness.withGateway(reply: { _ in
            .json("{}", extra: [("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"), ("Connection", "X-Secret"), ("X-Secret", "s"),
                                ("Keep-Alive", "timeout=5")])
        }) { gateway, _ in
            let client = try RawHTTPClient(port: gateway.port)
            let response = try client.request("GET", "/api/public/c")
            #expect(response.headers("Set-Cookie") == ["a=1", "b=2"])
            #expect(response.header("X-Secret") == nil)
            #expect(response.header("Keep-Alive") == nil)
        }
    }

    @Test("draining turns readiness to 503 while liveness stays 200")
    func draining() async throws {
        var config = GatewayHarness.config(routes: [])
        config.server.drainGrace = .milliseconds(600)
        let gateway = try await GatewayHarness.start(config)
        let client = try RawHTTPClient(port: gateway.port)
        #expect(try client.request("GET", "/readyz").status == 200)
        async let stopped: Void = gateway.drainAndStop(grace: .milliseconds(600), timeout: .seconds(2))
        try await Task.sleep(for: .milliseconds(100))
        let probe = try RawHTTPClient(port: gateway.port)
        let ready = try probe.request("GET", "/readyz")
        #expect(ready.status == 503)
        #expect(ready.text == #"{"status":"draining"}"#)
        await stopped
        #expect((try? RawHTTPClient(port: gateway.port)) == nil, "listeners are closed after the grace period")
    }
}

private extension String {
    var replacingUnderscoresAndDots: String { String(map { $0 == "_" || $0 == "." ? "-" : $0 }) }
}
