import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

/// The comparison figure for docs/http-parser.md: SwiftNIO's llhttp decoder on the same 430-byte head,
/// through `ByteToMessageHandler` as the gateway runs it today. Run with
/// `swift test -c release -Xswiftc -enable-testing --filter ParserThroughput`; it prints and asserts nothing about time.
@Suite("ParserThroughput (llhttp through NIO)")
struct ParserThroughputLLHTTPTests {
    static let head = Array((
        "GET /api/orders/12345?expand=items&page=2 HTTP/1.1\r\n"
            + "Host: gateway.example.com\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n"
            + "Accept: application/json, text/plain, */*\r\n"
            + "Accept-Language: en-GB,en;q=0.5\r\n"
            + "Accept-Encoding: gzip, deflate, br\r\n"
            + "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjo0Mn0.c2lnbmF0dXJl\r\n"
            + "X-Request-Id: 6f1c2d3e-4b5a-6978-8a9b-0c1d2e3f4a5b\r\n"
            + "Connection: keep-alive\r\n\r\n").utf8)

    @Test("prints nanoseconds per decoded head")
    func nanosecondsPerHead() throws {
        #if DEBUG
        let iterations = 2_000
        #else
        let iterations = 200_000
        #endif
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(HTTPRequestDecoder()))
        let buffer = channel.allocator.buffer(bytes: Self.head)
        var fields = 0
        let elapsed = try ContinuousClock().measure {
            for _ in 0..<iterations {
                try channel.writeInbound(buffer)
                while let part = try channel.readInbound(as: HTTPServerRequestPart.self) {
                    if case .head(let head) = part { fields &+= head.headers.count }
                }
            }
        }
        let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        print("ParserThroughput (llhttp through NIO): \(Self.head.count)-byte GET head, \(iterations) decodes, "
            + "\(String(Int(nanoseconds / Double(iterations)))) ns per head (\(fields / iterations) fields each)")
        #expect(fields == iterations * 8)
        _ = try channel.finish()
    }
}
