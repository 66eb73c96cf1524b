import Testing

@testable import JWTGateCore

@Suite("HTTP/1.1 request parser: every refusal and its status")
struct HTTPRequestParserRefusalTests {
    @Test("line endings are CRLF, everywhere in the head", arguments: [
        ("GET / HTTP/1.1\nHost: a\r\n\r\n", HTTPParseError.bareLineFeed),
        ("GET / HTTP/1.1\r\nHost: a\n\r\n", .bareLineFeed),
        ("GET / HTTP/1.1\r\nHost: a\r\n\n", .bareLineFeed),
        ("\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", .bareLineFeed),
        ("GET / HTTP/1.1\r\nHost: a\r\nX\n: b\r\n\r\n", .bareLineFeed),
        ("GET / HTTP/1.1\rHost: a\r\n\r\n", .bareCarriageReturn),
        ("GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n", .bareCarriageReturn),
        ("GET / HTTP/1.1\r\nHost: a\r\n\rX", .bareCarriageReturn),
        ("\rGET / HTTP/1.1\r\nHost: a\r\n\r\n", .bareCarriageReturn),
        ("GET / HTTP/1.1\r\nHost: a\r\nX: b\rc\r\n\r\n", .bareCarriageReturn),
    ])
    func lineEndings(raw: String, error: HTTPParseError) {
        #expect(ParserCheck.verdict(raw) == .refused(error, status: 400))
    }

    @Test("request line: token method, one space, visible-ASCII target, one space, HTTP/1.x", arguments: [
        (" GET / HTTP/1.1", HTTPParseError.invalidMethod),
        ("G(T / HTTP/1.1", .invalidMethod),
        ("GET\t/ HTTP/1.1", .invalidMethod),
        ("GET", .invalidMethod),
        ("GET  / HTTP/1.1", .invalidTarget),
        ("GET /\u{7F} HTTP/1.1", .invalidTarget),
        ("GET /caf\u{E9} HTTP/1.1", .invalidTarget),
        ("GET /a\u{0}b HTTP/1.1", .invalidTarget),
        ("GET /a\tb HTTP/1.1", .invalidTarget),
        ("GET / HTTP/1.1 ", .invalidVersion),
        ("GET /  HTTP/1.1", .invalidVersion),
        ("GET /a b HTTP/1.1", .invalidVersion),
        ("GET / http/1.1", .invalidVersion),
        ("GET / HTTP/1.10", .invalidVersion),
        ("GET / HTTP/1", .invalidVersion),
        ("GET / HTTP/1.x", .invalidVersion),
        ("GET / HTTPS/1.1", .invalidVersion),
        ("GET /", .invalidTarget),
        ("GET * HTTP/1.1", .targetFormNotAllowed),
        ("CONNECT / HTTP/1.1", .targetFormNotAllowed),
        ("CONNECT a.example HTTP/1.1", .targetFormNotAllowed),
        ("CONNECT http://a/ HTTP/1.1", .targetFormNotAllowed),
        ("GET a.example:443 HTTP/1.1", .targetFormNotAllowed),
        ("OPTIONS ** HTTP/1.1", .invalidTarget),
        ("GET a/b HTTP/1.1", .invalidTarget),
        ("GET ://a/ HTTP/1.1", .invalidTarget),
        ("GET 1http://a/ HTTP/1.1", .invalidTarget),
    ])
    func requestLine(line: String, error: HTTPParseError) {
        #expect(ParserCheck.verdict(line + "\r\nHost: a\r\n\r\n") == .refused(error, status: 400))
    }

    @Test("a well-formed version other than 1.0 and 1.1 is 505", arguments: ["HTTP/2.0", "HTTP/1.2", "HTTP/0.9", "HTTP/3.0", "HTTP/9.9"])
    func unsupportedVersion(version: String) {
        #expect(ParserCheck.verdict("GET / \(version)\r\nHost: a\r\n\r\n")
            == .refused(.unsupportedVersion, status: 505))
    }

    @Test("field lines: token name, colon at once, no obs-fold, no control characters in values", arguments: [
        ("Host : a", HTTPParseError.whitespaceBeforeColon),
        ("Host\t: a", .whitespaceBeforeColon),
        ("X-A: b\r\n c", .obsFold),
        ("X-A: b\r\n\tc", .obsFold),
        (" X-A: b", .obsFold),
        (": x", .invalidFieldName),
        ("X\u{0}: b", .invalidFieldName),
        ("X(A): b", .invalidFieldName),
        ("X/A: b", .invalidFieldName),
        ("X-A b", .whitespaceBeforeColon),
        ("X\u{E9}: b", .invalidFieldName),
        ("X-A: b\u{0}c", .invalidFieldValue),
        ("X-A: \u{1}", .invalidFieldValue),
        ("X-A: b\u{7F}", .invalidFieldValue),
        ("X-A: b\u{1B}[0m", .invalidFieldValue),
        ("X-A: b\u{0B}c", .invalidFieldValue),
    ])
    func fieldLines(line: String, error: HTTPParseError) {
        #expect(ParserCheck.verdict("GET / HTTP/1.1\r\nHost: a\r\n\(line)\r\n\r\n") == .refused(error, status: 400))
    }

    @Test("framing that two parsers could read differently is refused", arguments: [
        (["Content-Length: 4", "Transfer-Encoding: chunked"], HTTPParseError.contentLengthWithTransferEncoding),
        (["Transfer-Encoding: chunked", "Content-Length: 4"], .contentLengthWithTransferEncoding),
        (["Transfer-Encoding: chunked", "Content-Length: 0"], .contentLengthWithTransferEncoding),
        (["Content-Length: 4", "Content-Length: 5"], .duplicateContentLength),
        (["Content-Length: 5", "Content-Length: 5"], .duplicateContentLength),
        (["Content-Length: 5", "content-length: 5"], .duplicateContentLength),
        (["Content-Length: "], .invalidContentLength),
        (["Content-Length: 5, 5"], .invalidContentLength),
        (["Content-Length: -1"], .invalidContentLength),
        (["Content-Length: +1"], .invalidContentLength),
        (["Content-Length: 1 2"], .invalidContentLength),
        (["Content-Length: 0x10"], .invalidContentLength),
        (["Content-Length: 1e3"], .invalidContentLength),
        (["Content-Length: 9223372036854775808"], .invalidContentLength),
        (["Content-Length: 99999999999999999999999"], .invalidContentLength),
        (["Transfer-Encoding: xchunked"], .chunkedNotFinal),
        (["Transfer-Encoding: chunked, gzip"], .chunkedNotFinal),
        (["Transfer-Encoding: chunked, chunked"], .chunkedNotFinal),
        (["Transfer-Encoding: chunked", "Transfer-Encoding: chunked"], .chunkedNotFinal),
        (["Transfer-Encoding: chunked", "Transfer-Encoding: identity"], .chunkedNotFinal),
        (["Transfer-Encoding: identity"], .chunkedNotFinal),
        (["Transfer-Encoding: "], .chunkedNotFinal),
        (["Transfer-Encoding: ,"], .chunkedNotFinal),
        (["Transfer-Encoding: chunked,"], .chunkedNotFinal),
        (["Transfer-Encoding: chunked, ,chunked"], .chunkedNotFinal),
        (["Transfer-Encoding: chunked", "Transfer-Encoding:"], .chunkedNotFinal),
        (["Transfer-Encoding:", "Transfer-Encoding: "], .chunkedNotFinal),
        (["Transfer-Encoding: chunked;q=1"], .chunkedNotFinal),
        (["Transfer-Encoding: \"chunked\""], .chunkedNotFinal),
    ])
    func framing(fields: [String], error: HTTPParseError) {
        let raw = "POST / HTTP/1.1\r\nHost: a\r\n" + fields.map { $0 + "\r\n" }.joined() + "\r\n"
        #expect(ParserCheck.verdict(raw) == .refused(error, status: 400))
    }

    @Test("a transfer coding before chunked that we do not implement is 501", arguments: [
        ["Transfer-Encoding: gzip, chunked"],
        ["Transfer-Encoding: gzip", "Transfer-Encoding: chunked"],
        ["Transfer-Encoding: identity, chunked"],
    ])
    func unsupportedCoding(fields: [String]) {
        let raw = "POST / HTTP/1.1\r\nHost: a\r\n" + fields.map { $0 + "\r\n" }.joined() + "\r\n"
        #expect(ParserCheck.verdict(raw) == .refused(.unsupportedTransferCoding, status: 501))
    }

    @Test("Transfer-Encoding in HTTP/1.0 is 400")
    func transferEncodingInHTTP10() {
        #expect(ParserCheck.verdict("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n")
            == .refused(.transferEncodingInHTTP10, status: 400))
    }

    @Test("HTTP/1.1 needs exactly one valid Host", arguments: [
        ("GET / HTTP/1.1\r\n\r\n", HTTPParseError.missingHost),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", .duplicateHost),
        ("GET / HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n", .duplicateHost),
        ("GET / HTTP/1.0\r\nHost: a b\r\n\r\n", .invalidHost),
        ("GET http://a/ HTTP/1.1\r\n\r\n", .missingHost),
    ])
    func host(raw: String, error: HTTPParseError) {
        #expect(ParserCheck.verdict(raw) == .refused(error, status: 400))
    }

    @Test("a Host that is not host[:port] is 400", arguments: [
        "", "a b", "a:", ":80", "a:65536", "a:123456", "a:8o", "a:-1", "[::1", "[::1]x", "[::1]:", "[]", "[1:2:3:4:5:6:7:8:9]",
        "[1::2::3]", "[::g]", "[12345::]", "[v1.a]", "[::1.2.3]", "[::256.1.1.1]", "[::01.1.1.1]", "a@b", "a/b", "a?b",
        "a#b", "a%2", "a%zz", "a\"b", "a,b:80:80", "a:80:80", "[::1]:80:80",
    ])
    func invalidHost(host: String) {
        #expect(ParserCheck.verdict("GET / HTTP/1.1\r\nHost: \(host)\r\n\r\n") == .refused(.invalidHost, status: 400))
    }

    @Test("a refusal is final: later calls refuse again, whatever they are given")
    func refusalIsSticky() {
        var parser = HTTPRequestParser()
        let bad = Array("GET / HTTP/1.1\nHost: a\r\n\r\n".utf8)
        #expect(parser.parse(bad[...]) == .refuse(.bareLineFeed))
        #expect(parser.parse(Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8)[...]) == .refuse(.bareLineFeed))
    }

    @Test("a refusal that the head makes certain is given before the head ends")
    func earlyRefusal() {
        #expect(ParserCheck.verdict("GET / HTTP/1.1\r\nHost: a\nX") == .refused(.bareLineFeed, status: 400))
        #expect(ParserCheck.verdict("GET / HTTP/3.0\r") == .refused(.unsupportedVersion, status: 505))
        #expect(ParserCheck.verdict("GET / HTTP/1.1\r\nHost: a\r\n") == .needMore)
    }
}
