import JWTGateCore

/// The differential corpus: seeded, so every run compares the same requests. Valid requests with random
/// methods, targets, fields and bodies; then mutations of them (byte flips, inserted CR/LF/SP/NUL/HTAB/
/// colon, duplicated fields, Content-Length/Transfer-Encoding combinations, chunk-size tricks); then the
/// smuggling cases of the server's framing tests and of the gateway anchors notes.
struct RequestCorpus {
    struct Case: CustomStringConvertible {
        var origin: String
        var bytes: [UInt8]
        var description: String { "\(origin): \(String(decoding: bytes, as: UTF8.self).debugDescription)" }
    }

    private var random: SplitMix64

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    mutating func cases(valid: Int, mutated: Int) -> [Case] {
        var all: [Case] = []
        for index in 0..<valid { all.append(Case(origin: "valid #\(index)", bytes: validRequest())) }
        for index in 0..<mutated {
            let (name, bytes) = mutate(validRequest())
            all.append(Case(origin: "mutation #\(index) (\(name))", bytes: bytes))
        }
        for (index, raw) in Self.smuggling.enumerated() {
            all.append(Case(origin: "smuggling #\(index)", bytes: Array(raw.utf8)))
        }
        return all
    }

    // MARK: valid requests

    private static let methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]
    private static let hosts = ["a", "gateway.example", "gateway.example:8080", "127.0.0.1:80", "[::1]:8443", "[2001:db8::7]"]
    private static let fieldNames = ["Accept", "User-Agent", "Authorization", "Cookie", "X-Request-Id", "x-custom_field",
                                     "Accept-Encoding", "If-None-Match", "X-Forwarded-For", "Cache-Control"]
    private static let pathBytes = Array("abcxyz0129-._~%!$&'()*+,;=:@".utf8)
    private static let valueBytes = Array("abcXYZ019 \t!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~".utf8)

    mutating func validRequest() -> [UInt8] {
        var out = request()
        if pick(10) == 0 { out += request() }  // a pipelined second request
        return out
    }

    private mutating func request() -> [UInt8] {
        let http10 = pick(6) == 0
        var lines = ["\(element(Self.methods)) \(target()) HTTP/\(http10 ? "1.0" : "1.1")"]
        var fields: [String] = []
        if !http10 || pick(2) == 0 { fields.append("\(pick(3) == 0 ? "host" : "Host"):\(ows())\(element(Self.hosts))\(ows())") }
        for _ in 0..<pick(6) { fields.append("\(element(Self.fieldNames)):\(ows())\(value())\(ows())") }
        if pick(4) == 0 { fields.append("Connection: \(element(["close", "keep-alive", "Keep-Alive, foo"]))") }
        var body: [UInt8] = []
        switch pick(3) {
        case 0 where !http10:
            fields.append("Transfer-Encoding:\(ows())\(element(["chunked", "Chunked", "CHUNKED"]))\(ows())")
            body = chunkedBody()
        case 1:
            let data = (0..<pick(40)).map { _ in UInt8.random(in: 0...255, using: &random) }
            fields.append("Content-Length: \(data.count)")
            body = data
        default:
            break
        }
        for field in fields { lines.insert(field, at: 1 + pick(lines.count)) }
        return Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8) + body
    }

    private mutating func target() -> String {
        var path = ""
        for _ in 0...pick(4) {
            path += "/" + String(decoding: (0..<pick(8)).map { _ in element(Self.pathBytes) }, as: UTF8.self)
        }
        if pick(3) == 0 { path += "?q=" + String(decoding: (0..<pick(6)).map { _ in element(Self.pathBytes) }, as: UTF8.self) }
        return path
    }

    private mutating func value() -> String {
        let inner = (0..<pick(20)).map { _ in element(Self.valueBytes) }
        return String(decoding: inner, as: UTF8.self).trimmingOWS()
    }

    private mutating func ows() -> String { element(["", "", " ", " ", "  ", "\t", " \t"]) }

    private mutating func chunkedBody() -> [UInt8] {
        var out = ""
        for _ in 0..<pick(4) {
            let data = String(repeating: element(["a", "b", "\r", "\n", "0"]), count: 1 + pick(20))
            let size = String(data.utf8.count, radix: 16, uppercase: pick(2) == 0)
            out += size + (pick(4) == 0 ? element([";a", ";a=b", ";a=\"q s\"", ";a;b=c"]) : "") + "\r\n" + data + "\r\n"
        }
        out += "0\r\n" + (pick(4) == 0 ? "Trailer-Field: v\r\n" : "") + "\r\n"
        return Array(out.utf8)
    }

    // MARK: mutations

    private static let inserted: [UInt8] = [0x0D, 0x0A, 0x20, 0x00, 0x09, 0x3A, 0x2C, 0x22, 0x7F, 0x80, 0x0B]
    private static let framingLines = [
        "Content-Length: 5", "Content-Length: 0", "Content-Length: 5, 5", "Content-Length: +5", "Content-Length: 05",
        "Content-Length:  5 ", "Transfer-Encoding: chunked", "Transfer-Encoding: gzip, chunked",
        "Transfer-Encoding: chunked, identity", "Transfer-Encoding: xchunked", " Transfer-Encoding: chunked",
        "Transfer-Encoding : chunked", "Transfer-Encoding:\tchunked", "Transfer-Encoding: chunked\r\n chunked",
        "Host: b", "Host: a b", "Expect: 100-continue", "Transfer-Encoding:", "Content-Length:",
    ]
    private static let chunkTricks = [
        "5 \r\nhello\r\n0\r\n\r\n", "5\nhello\n0\n\n", "5\r\nhello\n0\r\n\r\n", "ffffffffffffffffff\r\n\r\n",
        "5;ext\r\nhello\r\n0\r\n\r\n", "0x5\r\nhello\r\n0\r\n\r\n", "5\r\nhelloXX0\r\n\r\n", "-5\r\nhello\r\n0\r\n\r\n",
        "5\r\nhello\r\n0\r\nX: y\r\n\r\n", "5\r\nhello\r\n0\r\n", "5\r\nhello\r\n0\r\nX : y\r\n\r\n", "5; a=b\r\nhello\r\n0\r\n\r\n",
        "5;a=\"b\r\nhello\r\n0\r\n\r\n", "+5\r\nhello\r\n0\r\n\r\n", "5\r\n\r\nhello\r\n0\r\n\r\n",
    ]

    private mutating func mutate(_ bytes: [UInt8]) -> (String, [UInt8]) {
        var out = bytes
        let headEnd = Self.headEnd(out) ?? out.count
        switch pick(6) {
        case 0:
            let at = pick(out.count)
            out[at] = UInt8.random(in: 0...255, using: &random)
            return ("byte flip", out)
        case 1:
            out.insert(element(Self.inserted), at: pick(headEnd + 1))
            return ("inserted byte", out)
        case 2:
            out.remove(at: pick(out.count))
            return ("deleted byte", out)
        case 3:
            let lines = Self.fieldLineRanges(out, headEnd: headEnd)
            guard let line = lines.isEmpty ? nil : lines[pick(lines.count)] else { return ("no field to copy", out) }
            out.insert(contentsOf: out[line], at: line.upperBound)
            return ("duplicated field", out)
        case 4:
            let line = element(Self.framingLines)
            out.insert(contentsOf: Array((line + "\r\n").utf8), at: Self.firstLineEnd(out) ?? 0)
            return ("framing field", out)
        default:
            let head = Array(out[..<headEnd])
            let te = Array("Transfer-Encoding: chunked\r\n".utf8)
            let firstLine = Self.firstLineEnd(head) ?? 0
            return ("chunk trick", Array(head[..<firstLine]) + te + Array(head[firstLine...])
                + Array(element(Self.chunkTricks).utf8))
        }
    }

    /// After the request line's CRLF.
    private static func firstLineEnd(_ b: [UInt8]) -> Int? {
        (0..<max(0, b.count - 1)).first { b[$0] == 0x0D && b[$0 + 1] == 0x0A }.map { $0 + 2 }
    }

    private static func headEnd(_ b: [UInt8]) -> Int? {
        (0..<max(0, b.count - 3)).first { b[$0] == 0x0D && b[$0 + 1] == 0x0A && b[$0 + 2] == 0x0D && b[$0 + 3] == 0x0A }
            .map { $0 + 4 }
    }

    private static func fieldLineRanges(_ b: [UInt8], headEnd: Int) -> [Range<Int>] {
        guard var start = firstLineEnd(b) else { return [] }
        var ranges: [Range<Int>] = []
        var i = start
        while i + 1 < headEnd - 2 {
            if b[i] == 0x0D && b[i + 1] == 0x0A {
                ranges.append(start..<(i + 2))
                start = i + 2
            }
            i += 1
        }
        return ranges
    }

    // MARK: helpers

    private mutating func pick(_ bound: Int) -> Int { bound <= 0 ? 0 : Int(random.next() % UInt64(bound)) }
    private mutating func element<T>(_ array: [T]) -> T { array[pick(array.count)] }

    // MARK: smuggling cases

    /// HTTPFramingTests' refusals, and the parser-disagreement classes of the anchors notes: CL+TE,
    /// conflicting and empty CL (HAProxy CVE-2023-40225), empty field names (CVE-2023-25725), NUL in
    /// values (Envoy CVE-2019-9900), bare-LF chunks (Go/Traefik GHSA-5423-jcjm-2gpv), conflicting TE
    /// (gunicorn CVE-2024-1135).
    static let smuggling = [
        "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde",
        "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: \r\n\r\n",
        "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\n0\n\n",
        "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n",
        "GET /x HTTP/1.1\r\nHost : a\r\n\r\n",
        "GET /x HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n",
        "GET /x HTTP/1.1\r\nHost: a\r\nX-A: b\u{0}c\r\n\r\n",
        "GET /x HTTP/1.1\r\nHost: a\r\n: x\r\n\r\n",
        "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n",
        "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n",
        "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity, chunked\r\n\r\n0\r\n\r\n",
        "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 0\r\n\r\n0\r\n\r\n",
        "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nabcde",
        "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 1,1\r\n\r\na",
        "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 18446744073709551617\r\n\r\n",
        "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nA\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n",
        "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nAB\r\n0\r\n\r\n",
        "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\n",
        "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2;\r\nAB\r\n0\r\n\r\n",
        "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: y\nz\r\n\r\n",
        "POST /x HTTP/1.1\r\nHost: a\r\n Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding\t: chunked\r\n\r\n0\r\n\r\n",
        "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \u{B}chunked\r\n\r\n0\r\n\r\n",
        "POST /x HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "GET /x HTTP/1.1\r\nHost: a\r\nX: a\rContent-Length: 5\r\n\r\n",
        "GET /x HTTP/1.1\nHost: a\n\n",
        "GET /x HTTP/1.1\r\nHost: a\r\n\r\nGET /y HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET /x HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        "GET /x HTTP/1.1\r\n\r\n",
        "GET /x HTTP/1.1\r\nHost: a/b\r\n\r\n",
        "GET /x HTTP/1.1\r\nHost: a@b\r\n\r\n",
        "GET /x HTTP/1.1\r\nHost: a:99999\r\n\r\n",
        "GET /x\u{0} HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET /x  HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET /x HTTP/1.1 \r\nHost: a\r\n\r\n",
        "GET /x HTTP/2.0\r\nHost: a\r\n\r\n",
        "GET /x HTTP/1.2\r\nHost: a\r\n\r\n",
        "\r\n\r\nGET /x HTTP/1.1\r\nHost: a\r\n\r\n",
        "\nGET /x HTTP/1.1\r\nHost: a\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET * HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET http://a/x HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET /x#frag HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET /x HTTP/1.1\r\nHost: a\r\nX: caf\u{E9}\r\n\r\n",
        "GET /x HTTP/1.1\r\nHost: a\r\nX: a\u{7F}\r\n\r\n",
        "GET /x HTTP/1.1\r\nHost: a\r\nX: trailing \t \r\n\r\n",
        "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n",
        "GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
        "FOO /x HTTP/1.1\r\nHost: a\r\n\r\n",
        "get /x HTTP/1.1\r\nHost: a\r\n\r\n",
    ]
}

extension String {
    fileprivate func trimmingOWS() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
