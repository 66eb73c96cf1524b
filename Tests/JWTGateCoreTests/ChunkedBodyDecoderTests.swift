import Testing

@testable import JWTGateCore

/// Decodes `raw` in one call; returns the body delivered and the outcome.
private func decode(_ raw: String, limits: HTTPParseLimits = HTTPParseLimits(), maxBodyBytes: Int? = nil)
    -> (body: String, outcome: ChunkedBodyDecoder.Outcome)
{
    var decoder = ChunkedBodyDecoder(limits: limits, maxBodyBytes: maxBodyBytes)
    var body: [UInt8] = []
    let outcome = Array(raw.utf8).withUnsafeBytes { decoder.decode($0) { body.append(contentsOf: $0) } }
    return (String(decoding: body, as: UTF8.self), outcome)
}

@Suite("Chunked request bodies")
struct ChunkedBodyDecoderTests {
    @Test("valid chunked bodies decode to their data and end after the last CRLF", arguments: [
        ("5\r\nhello\r\n0\r\n\r\n", "hello"),
        ("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "hello world"),
        ("0\r\n\r\n", ""),
        ("000\r\n\r\n", ""),
        ("00005\r\nhello\r\n0\r\n\r\n", "hello"),
        ("A\r\n0123456789\r\n0\r\n\r\n", "0123456789"),
        ("a\r\n0123456789\r\n0\r\n\r\n", "0123456789"),
        ("5;ext\r\nhello\r\n0\r\n\r\n", "hello"),
        ("5;a=b;c;d=\"q s;\\\"\"\r\nhello\r\n0;last\r\n\r\n", "hello"),
        ("5\r\nhello\r\n0\r\nX-Trailer: v\r\nY:\r\n\r\n", "hello"),
        ("3\r\n\r\n\r\r\n0\r\n\r\n", "\r\n\r"),
    ])
    func valid(raw: String, body: String) {
        let result = decode(raw)
        #expect(result.body == body)
        #expect(result.outcome == .end(consumed: raw.utf8.count))
    }

    @Test("the bytes after the body are left for the next request")
    func stopsAtEnd() {
        let body = "1\r\nx\r\n0\r\n\r\n"
        #expect(decode(body + "GET / HTTP/1.1\r\n").outcome == .end(consumed: body.utf8.count))
    }

    @Test("malformed chunked bodies are refused with 400", arguments: [
        ("5\nhello\r\n0\r\n\r\n", HTTPParseError.invalidChunkSize),
        ("5\r\rhello", .invalidChunkSize),
        ("\r\n", .invalidChunkSize),
        ("g\r\n", .invalidChunkSize),
        ("-1\r\n", .invalidChunkSize),
        ("+1\r\n", .invalidChunkSize),
        (" 5\r\n", .invalidChunkSize),
        ("5 \r\n", .invalidChunkSize),
        ("5\t\r\n", .invalidChunkSize),
        ("0x5\r\n", .invalidChunkSize),
        ("8000000000000000\r\n", .invalidChunkSize),
        ("FFFFFFFFFFFFFFFFF\r\n", .invalidChunkSize),
        ("5\r\nhello\n0\r\n\r\n", .chunkDataNotTerminated),
        ("5\r\nhelloX\r\n", .chunkDataNotTerminated),
        ("5\r\nhello\r0\r\n", .chunkDataNotTerminated),
        ("3\r\nhello\r\n", .chunkDataNotTerminated),
        ("5;\r\n", .invalidChunkExtension),
        ("5; a\r\n", .invalidChunkExtension),
        ("5 ;a\r\n", .invalidChunkSize),
        ("5;a =b\r\n", .invalidChunkExtension),
        ("5;a= b\r\n", .invalidChunkExtension),
        ("5;a=\r\n", .invalidChunkExtension),
        ("5;a=b c\r\n", .invalidChunkExtension),
        ("5;a=\"b\r\n", .invalidChunkExtension),
        ("5;a=\"b\"c\r\n", .invalidChunkExtension),
        ("5;a\u{0}\r\n", .invalidChunkExtension),
        ("5;a\n", .invalidChunkExtension),
        ("0\r\nX y\r\n\r\n", .invalidTrailer),
        ("0\r\nX: a\nb\r\n\r\n", .invalidTrailer),
        ("0\r\nX: a\r\n b\r\n\r\n", .invalidTrailer),
        ("0\r\n: a\r\n\r\n", .invalidTrailer),
        ("0\r\nX: a\u{0}\r\n\r\n", .invalidTrailer),
        ("0\r\n\n", .invalidTrailer),
        ("0\r\n\rX", .invalidTrailer),
    ])
    func refused(raw: String, error: HTTPParseError) {
        #expect(decode(raw).outcome == .refuse(error))
        #expect(error.status == 400)
    }

    @Test("an incomplete body asks for more and has delivered what it could")
    func incomplete() {
        let result = decode("5\r\nhel")
        #expect(result.body == "hel")
        #expect(result.outcome == .needMore)
        #expect(decode("7FFFFFFFFFFFFFFF\r\n").outcome == .needMore)
    }

    @Test("chunk-size line: exactly maxChunkLineBytes is accepted, one more byte is refused")
    func chunkLineLimit() {
        let limits = HTTPParseLimits(maxChunkLineBytes: 8)
        #expect(decode("1;abcdef\r\nx\r\n0\r\n\r\n", limits: limits).outcome == .end(consumed: 18))
        #expect(decode("1;abcdefg\r\n", limits: limits).outcome == .refuse(.chunkLineTooLong))
        #expect(decode("000000001\r\n", limits: limits).outcome == .refuse(.chunkLineTooLong))
    }

    @Test("trailers: exactly maxTrailerBytes is accepted, one more byte is 431")
    func trailerLimit() {
        let trailers = "A: bc\r\n\r\n"  // 9 bytes, final CRLF included
        let limits = HTTPParseLimits(maxTrailerBytes: 9)
        #expect(decode("0\r\n" + trailers, limits: limits).outcome == .end(consumed: 12))
        #expect(decode("0\r\nA: bcd\r\n\r\n", limits: limits).outcome == .refuse(.trailersTooLarge))
        #expect(HTTPParseError.trailersTooLarge.status == 431)
    }

    @Test("body: exactly maxBodyBytes is accepted, a chunk crossing it is 413 before its data")
    func bodyLimit() {
        #expect(decode("3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n", maxBodyBytes: 5).outcome == .end(consumed: 20))
        let over = decode("3\r\nabc\r\n3\r\n", maxBodyBytes: 5)
        #expect(over.outcome == .refuse(.contentTooLarge))
        #expect(over.body == "abc")
        #expect(HTTPParseError.contentTooLarge.status == 413)
    }

    @Test("split at any byte, the body and the outcome are the same")
    func everySplitPoint() {
        let raw = Array("5;a=\"x\"\r\nhello\r\n1\r\n!\r\n0\r\nT: v\r\n\r\nNEXT".utf8)
        let end = raw.count - 4
        for cut in 0...end {
            var decoder = ChunkedBodyDecoder()
            var body: [UInt8] = []
            let first = raw[..<cut].withUnsafeBytes { decoder.decode($0) { body.append(contentsOf: $0) } }
            #expect(first == (cut == end ? .end(consumed: end) : .needMore), "cut at \(cut)")
            if cut < end {
                let second = raw[cut...].withUnsafeBytes { decoder.decode($0) { body.append(contentsOf: $0) } }
                #expect(second == .end(consumed: end - cut), "cut at \(cut)")
            }
            #expect(String(decoding: body, as: UTF8.self) == "hello!", "cut at \(cut)")
        }
    }

    @Test("a refusal is final")
    func refusalIsSticky() {
        var decoder = ChunkedBodyDecoder()
        let bad = Array("x\r\n".utf8), good = Array("0\r\n\r\n".utf8)
        #expect(bad.withUnsafeBytes { decoder.decode($0) { _ in } } == .refuse(.invalidChunkSize))
        #expect(good.withUnsafeBytes { decoder.decode($0) { _ in } } == .refuse(.invalidChunkSize))
    }
}
