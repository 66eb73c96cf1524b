import Foundation
import Testing

@Suite("Ambiguous or malformed HTTP framing is refused (request smuggling)", .serialized)
struct HTTPFramingTests {
    @Test("answered 400, connection closed, nothing forwarded", arguments: [
        "POST /api/public/x HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "POST /api/public/x HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde",
        "POST /api/public/x HTTP/1.1\r\nHost: a\r\nContent-Length: \r\n\r\n",
        "POST /api/public/x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\n0\n\n",
        "POST /api/public/x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n",
        "GET /api/public/x HTTP/1.1\r\nHost : a\r\n\r\n",
        "GET /api/public/x HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n",
        "GET /api/public/x HTTP/1.1\r\nHost: a\r\nX-A: b\u{0}c\r\n\r\n",
        "GET /api/public/x HTTP/1.1\r\nHost: a\r\n: x\r\n\r\n",
    ])
    func refused(raw: String) async throws {
        try await GatewayHarness.withGateway { gateway, upstream in
            let client = try RawHTTPClient(port: gateway.port)
            client.send(raw)
            let response = try client.readResponse()
            #expect(response.status == 400)
            #expect(client.isClosedByPeer())
            #expect(upstream.requests.isEmpty)
        }
    }

    @Test("an idle keep-alive connection is closed after idle_timeout; a busy one is not")
    func idleTimeout() async throws {
        // 2 s against requests every 200 ms: the margin absorbs a late wake-up of this task while other
        // suites run in parallel on two cores (1 s against 200 ms sleeps still failed there once the
        // metrics suite's deliberately slow password hash ran beside it; 500 ms against 250 ms before that).
        try await GatewayHarness.withGateway(configure: { $0.server.idleTimeout = .seconds(2) }) { gateway, _ in
            let idle = try RawHTTPClient(port: gateway.port, receiveTimeoutSeconds: 5)
            #expect(try idle.request("GET", "/healthz").status == 200)
            let port = gateway.port
            let statuses = try await onOwnThread {
                let busy = try RawHTTPClient(port: port, receiveTimeoutSeconds: 5)
                var statuses: [Int] = []
                for _ in 0..<18 {
                    statuses.append(try busy.request("GET", "/healthz").status)
                    usleep(200_000)  // the NIO plane's sweep runs once a second
                }
                return statuses
            }
            #expect(statuses == Array(repeating: 200, count: 18), "the busy connection stays open")
            #expect(idle.isClosedByPeer(), "idle for 3.6 s with idle_timeout 2 s")
        }
    }

    @Test("a head over max_header_bytes gets 431")
    func headerTooLarge() async throws {
        try await GatewayHarness.withGateway(configure: { $0.server.maxHeaderBytes = 1024 }) { gateway, upstream in
            let client = try RawHTTPClient(port: gateway.port)
            let response = try client.request("GET", "/api/public/x", headers: [("X-Big", String(repeating: "a", count: 2000))])
            #expect(response.status == 431)
            #expect(upstream.requests.isEmpty)
        }
    }
}
