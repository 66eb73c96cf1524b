import JWTGateCore
import Testing

@testable import JWTGateServer

/// `server.max_transfers_per_client` end to end, on both planes: real sockets on loopback (a second
/// client address is 127.0.0.2), a real upstream whose `/stall` requests are never answered — each
/// one an upstream transfer held open, like a client that stopped reading a large answer.
@Suite("max_transfers_per_client: a client address cannot hold every upstream transfer", .serialized,
       .timeLimit(.minutes(2)))
struct TransfersPerClientTests {
    static let reply: @Sendable (TestUpstreamServer.Request) -> TestUpstreamServer.Reply = { request in
        request.uri.hasSuffix("/stall") ? .never : .json(#"{"ok":true}"#)
    }
    static let localhost = ClientAddressKey(peer: [127, 0, 0, 1], forwardedFor: nil)

    @Test("at the cap a third transfer is refused with 503 while another address is served; closing the stalled ones frees the slots",
          arguments: DataPlane.allCases)
    func capPerAddress(plane: DataPlane) async throws {
        try await GatewayHarness.withGateway(reply: Self.reply, plane: plane,
                                             configure: { $0.server.maxTransfersPerClient = 2 }) { gateway, upstream in
            let table = gateway.state.transfersPerClient
            let client = try RawHTTPClient(port: gateway.port)
            for _ in 0..<3 {
                #expect(try client.request("GET", "/api/public/fast").status == 200, "a finished transfer gives its slot back")
            }
            try await Self.waitUntil { table.clients == 0 }

            let stalled = try (0..<2).map { _ in try RawHTTPClient(port: gateway.port) }
            for connection in stalled { connection.send("GET /api/public/stall HTTP/1.1\r\nHost: a\r\n\r\n") }
            try await upstream.waitForRequests(5)
            #expect(table.inFlight(Self.localhost) == 2)

            let refused = try client.request("GET", "/api/public/fast")
            #expect(refused.status == 503)
            #expect(refused.text == #"{"detail":"Too many concurrent requests from this client."}"#)
            #expect(refused.header("Retry-After") == "1")
            #expect(refused.header("Connection") == nil, "the connection stays usable")
            #expect(upstream.requests.count == 5, "the refused request did not reach the upstream")

            let other = try RawHTTPClient(port: gateway.port, sourceAddress: "127.0.0.2")
            #expect(try other.request("GET", "/api/public/fast").status == 200, "another address has its own slots")
            try await Self.waitUntil { table.clients == 1 }

            let metrics = try client.request("GET", "/metrics")
            #expect(metrics.text.contains("jwtgate_transfers_per_client_refused_total 1"), "\(metrics.text)")
            #expect(metrics.text.contains("jwtgate_transfer_clients 1"))
            #expect(metrics.text.contains(#"jwtgate_gateway_errors_total{code="503"} 1"#), "the refusal is a 503 the gateway made")

            stalled[0].hangUp()  // the gateway cancels its transfer and gives the slot back
            try await Self.waitUntil { table.inFlight(Self.localhost) == 1 }
            #expect(try client.request("GET", "/api/public/fast").status == 200)
            #expect(try client.request("GET", "/api/public/fast").status == 200)
            stalled[1].hangUp()
            try await Self.waitUntil { table.clients == 0 }
        }
    }

    @Test("closing the stalled clients returns the count to zero and the address can start again", arguments: DataPlane.allCases)
    func closeReleases(plane: DataPlane) async throws {
        try await GatewayHarness.withGateway(reply: Self.reply, plane: plane,
                                             configure: { $0.server.maxTransfersPerClient = 2 }) { gateway, upstream in
            let table = gateway.state.transfersPerClient
            let stalled = try (0..<2).map { _ in try RawHTTPClient(port: gateway.port) }
            for connection in stalled { connection.send("GET /api/public/stall HTTP/1.1\r\nHost: a\r\n\r\n") }
            try await upstream.waitForRequests(2)
            #expect(try RawHTTPClient(port: gateway.port).request("GET", "/api/public/fast").status == 503)
            for connection in stalled { connection.hangUp() }
            try await Self.waitUntil { table.clients == 0 }
            #expect(table.inFlight(Self.localhost) == 0)
            let client = try RawHTTPClient(port: gateway.port)
            #expect(try client.request("GET", "/api/public/fast").status == 200)
            #expect(try client.request("GET", "/api/public/fast").status == 200)
            try await Self.waitUntil { table.clients == 0 }
        }
    }

    @Test("an upstream timeout ends the transfer and frees its slot", arguments: DataPlane.allCases)
    func timeoutReleases(plane: DataPlane) async throws {
        try await GatewayHarness.withGateway(
            reply: Self.reply,
            routes: { port in [GatewayHarness.route("/api/public/", port: port, auth: .none) { $0.timeout = .milliseconds(300) }] },
            plane: plane, configure: { $0.server.maxTransfersPerClient = 1 }
        ) { gateway, _ in
            let client = try RawHTTPClient(port: gateway.port)
            #expect(try client.request("GET", "/api/public/stall").status == 504)
            #expect(gateway.state.transfersPerClient.clients == 0)
            #expect(try client.request("GET", "/api/public/fast").status == 200)
        }
    }

    @Test("a retry on the next upstream after a refused connection keeps the one slot it has", arguments: DataPlane.allCases)
    func retryKeepsOneSlot(plane: DataPlane) async throws {
        let refused = try TestSockets.refusedPort()
        try await GatewayHarness.withGateway(
            reply: Self.reply,
            routes: { port in
                [GatewayHarness.route("/api/public/", port: port, auth: .none) {
                    $0.upstreams = [UpstreamTarget(scheme: "http", host: "127.0.0.1", port: refused, basePath: ""),
                                    UpstreamTarget(scheme: "http", host: "127.0.0.1", port: port, basePath: "")]
                }]
            },
            plane: plane, configure: { $0.server.maxTransfersPerClient = 1 }
        ) { gateway, upstream in
            let client = try RawHTTPClient(port: gateway.port)
            for _ in 0..<4 {
                // Round robin: every other request first meets the refused port, then is retried.
                #expect(try client.request("GET", "/api/public/fast").status == 200)
                try await Self.waitUntil { gateway.state.transfersPerClient.clients == 0 }
            }
            #expect(upstream.requests.count == 4)
            let metrics = try client.request("GET", "/metrics").text
            #expect(metrics.contains("jwtgate_upstream_errors_total{kind=\"connect\"}") && !metrics.contains("kind=\"connect\"} 0"),
                    "some requests were retried")
        }
    }

    @Test("behind a trusted proxy the forwarded client address is counted, not the proxy's", arguments: DataPlane.allCases)
    func trustedProxy(plane: DataPlane) async throws {
        try await GatewayHarness.withGateway(reply: Self.reply, plane: plane, configure: {
            $0.server.maxTransfersPerClient = 1
            $0.server.trustedProxies = [CIDRBlock(address: [127, 0, 0, 1], prefixLength: 32)]
        }) { gateway, upstream in
            let stalled = try RawHTTPClient(port: gateway.port)
            stalled.send("GET /api/public/stall HTTP/1.1\r\nHost: a\r\nX-Forwarded-For: 192.0.2.1\r\n\r\n")
            try await upstream.waitForRequests(1)
            let proxy = try RawHTTPClient(port: gateway.port)
            #expect(try proxy.request("GET", "/api/public/fast", headers: [("X-Forwarded-For", "192.0.2.1")]).status == 503)
            #expect(try proxy.request("GET", "/api/public/fast", headers: [("X-Forwarded-For", "192.0.2.1, 192.0.2.2")]).status == 200)
            #expect(try proxy.request("GET", "/api/public/fast").status == 200, "the proxy's own requests count as the proxy")
            // Not a trusted proxy: its X-Forwarded-For is ignored, the peer 127.0.0.2 is counted.
            let untrusted = try RawHTTPClient(port: gateway.port, sourceAddress: "127.0.0.2")
            #expect(try untrusted.request("GET", "/api/public/fast", headers: [("X-Forwarded-For", "192.0.2.1")]).status == 200)
            #expect(gateway.state.transfersPerClient.inFlight(ClientAddressKey(peer: [192, 0, 2, 1], forwardedFor: nil)) == 1)
        }
    }

    @Test("0 switches the cap off: nothing is counted", arguments: DataPlane.allCases)
    func uncapped(plane: DataPlane) async throws {
        try await GatewayHarness.withGateway(reply: Self.reply, plane: plane,
                                             configure: { $0.server.maxTransfersPerClient = 0 }) { gateway, upstream in
            let stalled = try (0..<3).map { _ in try RawHTTPClient(port: gateway.port) }
            for connection in stalled { connection.send("GET /api/public/stall HTTP/1.1\r\nHost: a\r\n\r\n") }
            try await upstream.waitForRequests(3)
            #expect(try RawHTTPClient(port: gateway.port).request("GET", "/api/public/fast").status == 200)
            #expect(gateway.state.transfersPerClient.clients == 0)
        }
    }

    /// Polls `condition`. A slot is given back when libcurl reports the transfer done, which can be a
    /// moment after the client has read the whole answer; a closed client is noticed on the gateway's loop.
    static func waitUntil(timeout: Duration = .seconds(10), sourceLocation: SourceLocation = #_sourceLocation,
                          _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("condition not met within \(timeout)", sourceLocation: sourceLocation)
                return
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}
