import Foundation
import JWTGateCore
import JWTGateServer
import NIOCore
import Testing

/// The key end-to-end scenarios on the loop plane (`server.data_plane: loop`), whatever
/// `JWTGATE_TEST_DATA_PLANE` says; the other suites run on the default plane.
@Suite("The loop plane's client connection, end to end", .serialized)
struct LoopPlaneTests {
    static func withLoopGateway(
        reply: @escaping @Sendable (TestUpstreamServer.Request) -> TestUpstreamServer.Reply = { _ in .json(#"{"ok":true}"#) },
        configure: (inout GatewayConfig) -> Void = { _ in },
        _ body: (RunningGateway, TestUpstreamServer) async throws -> Void
    ) async throws {
        try await GatewayHarness.withGateway(reply: reply, plane: .loop, configure: configure) { gateway, upstream in
            #expect(gateway.dataPlane == .loop)
            try await body(gateway, upstream)
        }
    }

    @Test("token endpoints: obtain → verify → refresh, then a proxied GET and POST carry the identity headers")
    func tokensAndProxy() async throws {
        try await Self.withLoopGateway { gateway, upstream in
            let client = try RawHTTPClient(port: gateway.port)
            let obtained = try client.request("POST", "/api-token-auth/", headers: [("Content-Type", "application/json")],
                                              body: Array(#"{"username":"alice","password":"secret123"}"#.utf8))
            #expect(obtained.status == 200, "\(obtained.text)")
            let token = try #require(try PythonJSON.parse(obtained.body).objectValue?["token"]?.stringValue)
            let verified = try client.request("POST", "/api-token-verify/", headers: [("Content-Type", "application/x-www-form-urlencoded")],
                                              body: Array("token=\(token)".utf8))
            #expect(verified.status == 200)
            let refreshed = try client.request("POST", "/api-token-refresh/", headers: [("Content-Type", "application/json")],
                                               body: Array("{\"token\":\"\(token)\"}".utf8))
            #expect(refreshed.status == 200)

            let get = try client.request("GET", "/api/orders?x=1", headers: [("Authorization", "JWT \(token)")])
            #expect(get.status == 200)
            #expect(get.text == #"{"ok":true}"#)
            #expect(upstream.requests.last?.uri == "/api/orders?x=1")
            #expect(upstream.requests.last?.values("X-Auth-Username") == ["alice"])
            #expect(upstream.requests.last?.values("X-Auth-User-Id") == ["1"])

            let post = try client.request("POST", "/api/orders", headers: [("Authorization", "JWT \(token)")], body: Array("hello".utf8))
            #expect(post.status == 200)
            #expect(upstream.requests.last.map { String(buffer: $0.body) } == "hello")
            #expect(upstream.requests.last?.values("X-Auth-Username") == ["alice"])
        }
    }

    @Test("401 without a token; the upstream sees nothing")
    func unauthenticated() async throws {
        try await Self.withLoopGateway { gateway, upstream in
            let client = try RawHTTPClient(port: gateway.port)
            let response = try client.request("GET", "/api/orders")
            #expect(response.status == 401)
            #expect(response.text == #"{"detail":"Authentication credentials were not provided."}"#)
            #expect(try client.request("GET", "/healthz").status == 200, "the connection stays usable")
            #expect(upstream.requests.isEmpty)
        }
    }

    @Test("framing refusals: 400 and close, nothing forwarded", arguments: [
        "POST /api/public/x HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "POST /api/public/x HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde",
        "POST /api/public/x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\n0\n\n",
        "GET /api/public/x HTTP/1.1\r\nHost : a\r\n\r\n",
        "GET /api/public/x HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n",
    ])
    func framingRefused(raw: String) async throws {
        try await Self.withLoopGateway { gateway, upstream in
            let client = try RawHTTPClient(port: gateway.port)
            client.send(raw)
            #expect(try client.readResponse().status == 400)
            #expect(client.isClosedByPeer())
            #expect(upstream.requests.isEmpty)
        }
    }

    @Test("413 by Content-Length and 431 for a large head, answered at the head")
    func limits() async throws {
        try await Self.withLoopGateway(configure: { $0.server.maxHeaderBytes = 1024; $0.server.maxBodyBytes = 1000 }) { gateway, upstream in
            let big = try RawHTTPClient(port: gateway.port)
            big.send("POST /api/public/x HTTP/1.1\r\nHost: a\r\nContent-Length: 5000\r\n\r\n")
            #expect(try big.readResponse().status == 413)
            let head = try RawHTTPClient(port: gateway.port)
            #expect(try head.request("GET", "/api/public/x", headers: [("X-Big", String(repeating: "a", count: 2000))]).status == 431)
            #expect(upstream.requests.isEmpty)
        }
    }

    @Test("keep-alive: many requests on one connection, pipelined ones answered in order")
    func keepAlive() async throws {
        try await Self.withLoopGateway(reply: { request in .json("{\"uri\":\"\(request.uri)\"}") }) { gateway, upstream in
            let client = try RawHTTPClient(port: gateway.port)
            for i in 0..<20 {
                let response = try client.request("GET", "/api/public/\(i)")
                #expect(response.text == "{\"uri\":\"/api/public/\(i)\"}")
            }
            client.send("GET /api/public/a HTTP/1.1\r\nHost: a\r\n\r\nGET /healthz HTTP/1.1\r\nHost: a\r\n\r\nGET /api/public/b HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try client.readResponse().text == #"{"uri":"/api/public/a"}"#)
            #expect(try client.readResponse().status == 200)
            #expect(try client.readResponse().text == #"{"uri":"/api/public/b"}"#)
            #expect(upstream.requests.count == 22)
        }
    }

    @Test("a chunked request body is de-chunked and forwarded whole")
    func chunkedRequestBody() async throws {
        try await Self.withLoopGateway { gateway, upstream in
            let client = try RawHTTPClient(port: gateway.port)
            client.send("POST /api/public/c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n")
            #expect(try client.readResponse().status == 200)
            #expect(upstream.requests.last.map { String(buffer: $0.body) } == "hello world")
            #expect(try client.request("GET", "/healthz").status == 200)
        }
    }

    @Test("a client that asked for the close is closed at once; one that sent more is lingered on", arguments: [false, true])
    func closeWithoutLingering(sentMore: Bool) async throws {
        try await Self.withLoopGateway { gateway, _ in
            let client = try RawHTTPClient(port: gateway.port, receiveTimeoutSeconds: 5)
            client.send("GET /healthz HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n" + (sentMore ? "GET /x" : ""))
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(client.isClosedByPeer())
            // A byte sent now reaches a closed socket (the kernel answers with a reset, so the next send fails)
            // or a lingering one (read and dropped).
            client.send("x")
            try await Task.sleep(for: .milliseconds(200))
            let reset = client.sendCounting([0x79]) == 0
            #expect(reset == !sentMore, sentMore ? "unread input: the gateway lingers" : "nothing unread: the gateway closed at once")
        }
    }

    @Test("a 10 MiB body to an auth-required route without a token is answered 401 before it is sent, and not read")
    func earlyRefusalDoesNotReadTheBody() async throws {
        try await Self.withLoopGateway { gateway, upstream in
            let client = try RawHTTPClient(port: gateway.port, receiveTimeoutSeconds: 10)
            let size = 10 * 1024 * 1024
            client.send("POST /api/orders HTTP/1.1\r\nHost: a\r\nContent-Length: \(size)\r\n\r\n")
            client.send([UInt8](repeating: 0x61, count: 16 * 1024))
            let response = try client.readResponse()
            #expect(response.status == 401, "answered while 10 MiB - 16 KiB were still unsent")
            #expect(response.header("Connection") == "close")
            // The rest is refused: the gateway drops at most 64 KiB more, then closes.
            let taken = client.sendCounting([UInt8](repeating: 0x61, count: size - 16 * 1024))
            #expect(taken < 8 * 1024 * 1024, "sent \(taken) bytes before the gateway closed")
            #expect(upstream.requests.isEmpty)
        }
    }

    @Test("a client that stops reading a large answer is closed after send_timeout; its upstream transfer stops")
    func sendTimeout() async throws {
        // More than every kernel buffer on the way holds (tcp_rmem lets the upstream leg take 32 MiB).
        let total = 64 * 1024 * 1024
        try await Self.withLoopGateway(reply: { request in
            request.uri.hasSuffix("/big") ? .streamed(total: total, chunkSize: 64 * 1024) : .json(#"{"ok":true}"#)
        }, configure: { $0.server.sendTimeout = .milliseconds(500) }) { gateway, upstream in
            let client = try RawHTTPClient(port: gateway.port, receiveTimeoutSeconds: 10, receiveBufferBytes: 64 * 1024)
            client.send("GET /api/public/big HTTP/1.1\r\nHost: a\r\n\r\n")
            // Not reading: the socket buffers fill, the transfer pauses, send_timeout passes, the gateway
            // closes and cancels the transfer, and the upstream's stream stops. Waited for, not slept
            // for: the upstream first builds its 64 MiB (slow in a debug build), a loaded box streams slowly.
            let giveUp = ContinuousClock.now + .seconds(60)
            while upstream.streamedBytes == 0 && ContinuousClock.now < giveUp { try await Task.sleep(for: .milliseconds(50)) }
            var streamed = upstream.streamedBytes
            var stableSince = ContinuousClock.now
            while ContinuousClock.now - stableSince < .seconds(2) && ContinuousClock.now < giveUp {
                try await Task.sleep(for: .milliseconds(100))
                if upstream.streamedBytes != streamed {
                    streamed = upstream.streamedBytes
                    stableSince = ContinuousClock.now
                }
            }
            #expect(streamed > 0 && streamed < total, "the upstream is no longer read")
            // What the kernel buffered comes out, then the end: the connection was closed.
            var received = 0
            while let n = try? client.drainOnce(), n > 0 { received += n }
            #expect(received < total)
            #expect(upstream.streamedBytes == streamed, "the cancelled transfer is not resumed by the client reading")
            let other = try RawHTTPClient(port: gateway.port)
            #expect(try other.request("GET", "/api/public/small").status == 200, "the gateway and upstream keep serving")
        }
    }

    @Test("slowloris: a head trickling in is answered 408 within header_timeout")
    func slowHead() async throws {
        try await Self.withLoopGateway(configure: { $0.server.headerTimeout = .milliseconds(600) }) { gateway, upstream in
            let port = gateway.port
            let (status, elapsed, closed) = try await onOwnThread {
                let client = try RawHTTPClient(port: port, receiveTimeoutSeconds: 5)
                let started = ContinuousClock.now
                client.send("GET /api/public/x HTTP/1.1\r\nHost: a\r\n")
                for _ in 0..<3 {
                    usleep(150_000)
                    client.send("X")
                }
                let response = try client.readResponse()
                return (response.status, ContinuousClock.now - started, client.isClosedByPeer())
            }
            #expect(status == 408)
            #expect(elapsed < .milliseconds(1500))
            #expect(closed)
            #expect(upstream.requests.isEmpty)
        }
    }

    @Test("an upstream answering with Content-Length and Transfer-Encoding gets the client a 502")
    func upstreamFramingConflict() async throws {
        let raw = try await RawUpstreamServer.start(
            answer: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
        defer { Task { try? await raw.stop() } }
        try await GatewayHarness.withGateway(routes: { _ in [GatewayHarness.route("/raw/", port: raw.port, auth: .none)] },
                                             plane: .loop) { gateway, _ in
            let client = try RawHTTPClient(port: gateway.port)
            #expect(try client.request("GET", "/raw/x").status == 502)
            #expect(try client.request("GET", "/healthz").status == 200)
        }
    }

    @Test("an answer without a length is chunked to the client; a HEAD gets the head only")
    func framingRebuilt() async throws {
        try await Self.withLoopGateway(reply: { request in
            request.uri.hasSuffix("chunked")
                ? .chunked(status: 200, headers: [("Content-Type", "text/plain")], chunks: [ByteBuffer(string: "ab"), ByteBuffer(string: "cd")])
                : .json(#"{"ok":true}"#)
        }) { gateway, _ in
            let client = try RawHTTPClient(port: gateway.port)
            let chunked = try client.request("GET", "/api/public/chunked")
            #expect(chunked.header("Transfer-Encoding") == "chunked")
            #expect(chunked.text == "abcd")
            let head = try client.request("HEAD", "/api/public/x")
            #expect(head.status == 200)
            #expect(head.header("Content-Length") == "11")
            #expect(try client.request("GET", "/api/public/y").text == #"{"ok":true}"#)
        }
    }

    @Test("a request with Upgrade is answered as plain HTTP and the connection stays usable")
    func upgradeIgnored() async throws {
        try await Self.withLoopGateway { gateway, upstream in
            let client = try RawHTTPClient(port: gateway.port)
            let response = try client.request("GET", "/api/public/ws", headers: [("Connection", "Upgrade"), ("Upgrade", "websocket")])
            #expect(response.status == 200)
            #expect(upstream.requests.last?.values("Upgrade") == [])
            #expect(try client.request("GET", "/api/public/after").status == 200)
        }
    }

    @Test("Expect: 100-continue gets a 100 only when the body will be read")
    func expectContinue() async throws {
        try await Self.withLoopGateway { gateway, upstream in
            let refused = try RawHTTPClient(port: gateway.port)
            refused.send("POST /api/orders HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
            #expect(try refused.readResponse().status == 401, "no 100 before the refusal")
            let accepted = try RawHTTPClient(port: gateway.port)
            accepted.send("POST /api/public/e HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
            #expect(try accepted.readResponse().status == 100)
            accepted.send("hello")
            #expect(try accepted.readResponse().status == 200)
            #expect(upstream.requests.last.map { String(buffer: $0.body) } == "hello")
        }
    }
}
