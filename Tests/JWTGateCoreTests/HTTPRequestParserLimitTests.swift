import Testing

@testable import JWTGateCore

@Suite("HTTP/1.1 request parser: limits, exactly at the bound and one past it")
struct HTTPRequestParserLimitTests {
    private static let sample = "GET /abcdefgh HTTP/1.1\r\nHost: a.example\r\nX-One: 1\r\nX-Two: 2\r\nX-Three: 3\r\n\r\n"

    @Test("maxHeadBytes: a head of exactly the limit is accepted, one byte more is 431")
    func headBytes() {
        let size = Self.sample.utf8.count
        #expect(ParserCheck.verdict(Self.sample, limits: HTTPParseLimits(maxHeadBytes: size)) == .accepted(.none))
        #expect(ParserCheck.verdict(Self.sample, limits: HTTPParseLimits(maxHeadBytes: size - 1))
            == .refused(.headTooLarge, status: 431))
        // Skipped empty lines count: a client cannot send CRLFs forever.
        #expect(ParserCheck.verdict("\r\n" + Self.sample, limits: HTTPParseLimits(maxHeadBytes: size + 1))
            == .refused(.headTooLarge, status: 431))
        #expect(ParserCheck.verdict(String(repeating: "\r\n", count: 20), limits: HTTPParseLimits(maxHeadBytes: 39))
            == .refused(.headTooLarge, status: 431))
    }

    @Test("maxHeadBytes: a head still incomplete at the limit waits; the byte past it is refused")
    func headBytesIncomplete() {
        let partial = String(Self.sample.dropLast(2))
        let limits = HTTPParseLimits(maxHeadBytes: partial.utf8.count)
        #expect(ParserCheck.verdict(partial, limits: limits) == .needMore)
        #expect(ParserCheck.verdict(partial + "\r", limits: limits) == .refused(.headTooLarge, status: 431))
    }

    @Test("maxHeaderCount: exactly the limit of field lines is accepted, one more is 431")
    func headerCount() {
        #expect(ParserCheck.verdict(Self.sample, limits: HTTPParseLimits(maxHeaderCount: 4)) == .accepted(.none))
        #expect(ParserCheck.verdict(Self.sample, limits: HTTPParseLimits(maxHeaderCount: 3))
            == .refused(.tooManyFields, status: 431))
    }

    @Test("maxTargetBytes: a target of exactly the limit is accepted, one byte more is 414")
    func targetBytes() {
        // "/abcdefgh" is 9 bytes.
        #expect(ParserCheck.verdict(Self.sample, limits: HTTPParseLimits(maxTargetBytes: 9)) == .accepted(.none))
        #expect(ParserCheck.verdict(Self.sample, limits: HTTPParseLimits(maxTargetBytes: 8))
            == .refused(.targetTooLong, status: 414))
        // Refused as soon as the target passes the limit, before its end arrives.
        #expect(ParserCheck.verdict("GET /abcdefghij", limits: HTTPParseLimits(maxTargetBytes: 9))
            == .refused(.targetTooLong, status: 414))
        #expect(ParserCheck.verdict("GET /abcdefgh", limits: HTTPParseLimits(maxTargetBytes: 9)) == .needMore)
    }

    @Test("maxBodyBytes: Content-Length of exactly the limit is accepted, one more is 413")
    func contentLength() {
        let raw = { (length: Int) in "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \(length)\r\n\r\n" }
        #expect(ParserCheck.verdict(raw(10), limits: HTTPParseLimits(maxBodyBytes: 10)) == .accepted(.contentLength(10)))
        #expect(ParserCheck.verdict(raw(11), limits: HTTPParseLimits(maxBodyBytes: 10))
            == .refused(.contentTooLarge, status: 413))
        #expect(ParserCheck.verdict(raw(Int.max)) == .accepted(.contentLength(Int.max)))
    }

    @Test("400s come before 501 before 413, so the status does not depend on field order")
    func refusalOrder() {
        let limits = HTTPParseLimits(maxBodyBytes: 1)
        #expect(ParserCheck.verdict("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n", limits: limits)
            == .refused(.missingHost, status: 400))
        #expect(ParserCheck.verdict("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")
            == .refused(.missingHost, status: 400))
        #expect(ParserCheck.verdict("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\nHost: a\r\n\r\n")
            == .refused(.unsupportedTransferCoding, status: 501))
    }
}

@Suite("HTTP/1.1 request parser: resumable at every byte")
struct HTTPRequestParserSplitTests {
    static let samples = [
        "\r\nPOST /api/x?y=1 HTTP/1.1\r\nHost: a.example:8080\r\nX-A:  b \t\r\nContent-Length: 3\r\n\r\nabc",
        "GET http://a/ HTTP/1.1\r\nHost: a\r\nConnection: close\r\nExpect: 100-continue\r\nX-Empty:\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;x=\"y\"\r\nabc\r\n0\r\nT: v\r\n\r\n"
            + "GET /next HTTP/1.0\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\nc\r\n\r\n",
        "GET / HTTP/2.0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    ]

    @Test("a head cut at any byte gives the same result as the whole head", arguments: samples)
    func everySplitPoint(raw: String) {
        let bytes = Array(raw.utf8)
        var whole = HTTPRequestParser()
        let expected = whole.parse(bytes[...])
        for cut in 0...bytes.count {
            var parser = HTTPRequestParser()
            let first = parser.parse(bytes[..<cut])
            let second = parser.parse(bytes[...])
            if case .refuse = first {
                #expect(first == expected, "cut at \(cut)")
            } else if case .head = first {
                #expect(first == expected, "cut at \(cut)")
            } else {
                #expect(second == expected, "cut at \(cut)")
            }
        }
    }

    @Test("a connection fed byte by byte, or in two pieces cut anywhere, records the same transcript", arguments: samples)
    func transcripts(raw: String) {
        let bytes = Array(raw.utf8)
        let whole = ParserCheck.transcript(bytes)
        #expect(ParserCheck.transcript(bytes, arrivals: Array(0...bytes.count)) == whole)
        for cut in 0...bytes.count {
            #expect(ParserCheck.transcript(bytes, arrivals: [cut, bytes.count]) == whole, "cut at \(cut)")
        }
    }

    @Test("the fuzz entry point accepts the samples without trapping", arguments: samples)
    func fuzzEntryPoint(raw: String) {
        Array(raw.utf8).withUnsafeBytes { HTTPParserFuzzing.run($0) }
    }
}
