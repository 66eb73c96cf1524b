import Testing

@testable import JWTGateCore

private typealias V = ParserCheck.Verdict

@Suite("HTTP/1.1 request parser: what is accepted, and how it is framed")
struct HTTPRequestParserAcceptTests {
    @Test("valid heads are accepted with the framing their fields announce", arguments: [
        ("GET / HTTP/1.1\r\nHost: a\r\n\r\n", BodyFraming.none),
        ("\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", .none),
        ("\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", .none),
        ("GET / HTTP/1.0\r\n\r\n", .none),
        ("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n", .contentLength(5)),
        ("POST /x HTTP/1.1\r\nHost: a\r\ncontent-length:5\r\n\r\n", .contentLength(5)),
        ("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 007\r\n\r\n", .contentLength(7)),
        ("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", .none),
        ("POST /x HTTP/1.0\r\nContent-Length: 3\r\n\r\n", .contentLength(3)),
        ("POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n", .chunked),
        ("POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: CHUNKED\r\n\r\n", .chunked),
        ("POST /x HTTP/1.1\r\nHost: a\r\ntransfer-encoding: \t chunked \t\r\n\r\n", .chunked),
        ("POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: , ,chunked\r\n\r\n", .chunked),
        ("POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\nTransfer-Encoding: chunked\r\n\r\n", .chunked),
        ("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", .none),
        ("CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\n\r\n", .none),
        ("GET http://a.example/x?y HTTP/1.1\r\nHost: a.example\r\n\r\n", .none),
        ("GET https+x://a/ HTTP/1.1\r\nHost: a\r\n\r\n", .none),
        ("FOO /x HTTP/1.1\r\nHost: a\r\n\r\n", .none),
        ("M-SEARCH / HTTP/1.1\r\nHost: a\r\n\r\n", .none),
        ("GET /a?b=c&d=%20#f HTTP/1.1\r\nHost: a\r\n\r\n", .none),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-Empty:\r\nX-Spaces:   \r\n\r\n", .none),
        ("GET / HTTP/1.1\r\nHost: a\r\nX: caf\u{E9} \u{1F600}\r\n\r\n", .none),
        ("GET / HTTP/1.1\r\nHost: a\r\nX: a\tb\r\n\r\n", .none),
        ("GET / HTTP/1.1\r\nHost: a\r\n!#$%&'*+-.^_`|~09azAZ: v\r\n\r\n", .none),
    ])
    func accepted(raw: String, framing: BodyFraming) {
        #expect(ParserCheck.verdict(raw) == .accepted(framing))
    }

    @Test("Host is host[:port]: reg-name, IPv4 or bracketed IPv6, port up to 65535", arguments: [
        "a", "a.example", "a.example:8080", "a.example:65535", "a.example:0", "127.0.0.1", "127.0.0.1:80",
        "[::1]", "[::1]:80", "[2001:db8::1]", "[1:2:3:4:5:6:7:8]", "[::ffff:192.0.2.1]", "[1::]", "xn--bcher-kva.ch",
        "a%20b", "a_b~c-d", "sub!$&'()*+,;=", "UPPER.Example",
    ])
    func validHost(host: String) {
        #expect(ParserCheck.verdict("GET / HTTP/1.1\r\nHost: \(host)\r\n\r\n") == .accepted(.none))
    }

    @Test("the head keeps method, raw target, version and every field in order, values trimmed")
    func headContents() throws {
        let raw = "PATCH /a/../b?c=%2F HTTP/1.1\r\nHost:  a.example \r\nX-Dup: 1\r\nx-dup:\t2\t\r\nX-Empty: \r\n\r\n"
        let head = try #require(ParserCheck.head(raw))
        #expect(head.method == "PATCH")
        #expect(head.target == "/a/../b?c=%2F")
        #expect(head.targetForm == .origin)
        #expect(head.version == .http1_1)
        #expect(head.fields == [
            .init(name: "Host", value: "a.example"), .init(name: "X-Dup", value: "1"),
            .init(name: "x-dup", value: "2"), .init(name: "X-Empty", value: ""),
        ])
        #expect(head.values(named: "X-DUP") == ["1", "2"])
    }

    @Test("target forms are recorded", arguments: [
        ("GET /x HTTP/1.1", RequestHead.TargetForm.origin),
        ("GET http://a/x HTTP/1.1", .absolute),
        ("OPTIONS * HTTP/1.1", .asterisk),
        ("CONNECT a:443 HTTP/1.1", .authority),
        ("CONNECT [::1]:443 HTTP/1.1", .authority),
    ])
    func targetForms(line: String, form: RequestHead.TargetForm) {
        #expect(ParserCheck.head(line + "\r\nHost: a\r\n\r\n")?.targetForm == form)
    }

    @Test("keep-alive: HTTP/1.1 unless close, HTTP/1.0 only with keep-alive", arguments: [
        ("HTTP/1.1", nil, true),
        ("HTTP/1.1", "close", false),
        ("HTTP/1.1", "Keep-Alive, CLOSE", false),
        ("HTTP/1.1", "upgrade", true),
        ("HTTP/1.0", nil, false),
        ("HTTP/1.0", "keep-alive", true),
        ("HTTP/1.0", "Keep-Alive", true),
        ("HTTP/1.0", "keep-alive, close", false),
    ] as [(String, String?, Bool)])
    func keepAlive(version: String, connection: String?, expected: Bool) {
        let raw = "GET / \(version)\r\nHost: a\r\n" + (connection.map { "Connection: \($0)\r\n" } ?? "") + "\r\n"
        #expect(ParserCheck.head(raw)?.keepAlive == expected)
    }

    @Test("Expect: 100-continue and Upgrade are exposed")
    func expectAndUpgrade() {
        #expect(ParserCheck.head(ParserCheck.request("PUT / HTTP/1.1", "Host: a", "Expect: 100-Continue"))?
            .expectsContinue == true)
        #expect(ParserCheck.head(ParserCheck.request("PUT / HTTP/1.1", "Host: a", "Expect: 200-ok"))?
            .expectsContinue == false)
        #expect(ParserCheck.head(ParserCheck.request("GET / HTTP/1.1", "Host: a"))?.expectsContinue == false)
        #expect(ParserCheck.head(ParserCheck.request("GET / HTTP/1.1", "Host: a", "Upgrade: websocket",
                                                     "Connection: upgrade"))?.hasUpgrade == true)
        #expect(ParserCheck.head(ParserCheck.request("GET / HTTP/1.1", "Host: a"))?.hasUpgrade == false)
    }

    @Test("consumed ends at the head; pipelined bytes are left for the next call")
    func pipelined() throws {
        let first = "POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\n"
        let bytes = Array((first + "abcGET /b HTTP/1.1\r\nHost: a\r\n\r\n").utf8)
        var parser = HTTPRequestParser()
        guard case .head(_, .contentLength(3), let consumed) = parser.parse(bytes[...]) else {
            Issue.record("first head not parsed")
            return
        }
        #expect(consumed == first.utf8.count)
        guard case .head(let second, .none, let rest) = parser.parse(bytes[(consumed + 3)...]) else {
            Issue.record("second head not parsed")
            return
        }
        #expect(second.target == "/b")
        #expect(consumed + 3 + rest == bytes.count)
    }
}
