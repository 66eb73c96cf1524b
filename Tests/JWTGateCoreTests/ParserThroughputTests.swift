import JWTGateCore
import Testing

/// A figure for docs/http-parser.md, not a check: run with
/// `swift test -c release -Xswiftc -enable-testing --filter ParserThroughput` (the Core tests use
/// `@testable import`). It prints; it asserts nothing about time.
@Suite("ParserThroughput")
struct ParserThroughputTests {
    /// A typical browser-ish GET head of about 400 bytes.
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

    @Test("prints nanoseconds per parsed head")
    func nanosecondsPerHead() {
        #if DEBUG
        let iterations = 2_000  // the figure only means something in release; keep the debug suite quick
        #else
        let iterations = 200_000
        #endif
        var parser = HTTPRequestParser()
        var fields = 0
        let clock = ContinuousClock()
        let elapsed = Self.head.withUnsafeBytes { bytes in
            clock.measure {
                for _ in 0..<iterations {
                    if case .head(let head, _, _) = parser.parse(bytes) { fields &+= head.fields.count }
                }
            }
        }
        let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        print("ParserThroughput: \(Self.head.count)-byte GET head, \(iterations) parses, "
            + "\(String(Int(nanoseconds / Double(iterations)))) ns per head (\(fields / iterations) fields each)")
        #expect(fields == iterations * 8)
    }
}
