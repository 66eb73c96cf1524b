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
