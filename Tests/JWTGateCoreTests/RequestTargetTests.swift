import Testing

@testable import JWTGateCore

private func canonical(_ target: String) -> CanonicalTarget? {
    try? RequestTarget.canonicalize(target).get()
}

private func rejection(_ target: String) -> PathRejection? {
    if case .failure(let rejection) = RequestTarget.canonicalize(target) { return rejection }
    return nil
}

@Suite("Request-target canonicalisation")
struct RequestTargetTests {
    @Test("dot-segments, encoded dots and slash runs collapse to one canonical path", arguments: [
        ("/", "/"),
        ("/api/x", "/api/x"),
        ("/api/public/../admin", "/api/admin"),
        ("/api/public/%2e%2e/admin", "/api/admin"),
        ("/api/public/%2E%2e/admin", "/api/admin"),
        ("/api/public/%2E%2e/", "/api/"),
        ("/api/public/.%2E", "/api/"),
        ("/api/./x", "/api/x"),
        ("/api/%2e/x", "/api/x"),
        ("/api/x/.", "/api/x/"),
        ("/api/x/..", "/api/"),
        ("/api//x", "/api/x"),
        ("///api", "/api"),
        ("//api//public///x//", "/api/public/x/"),
        ("/a/b/c/../../d", "/a/d"),
        ("/a/..", "/"),
        ("/./", "/"),
        ("/...", "/..."),
        ("/a/.../b", "/a/.../b"),
        ("/.well-known/x", "/.well-known/x"),
        ("/a/..b/c", "/a/..b/c"),
    ])
    func dotSegments(input: String, expected: String) {
        #expect(canonical(input)?.path == expected)
    }

    @Test("unreserved escapes are decoded, reserved ones kept with upper-case hex", arguments: [
        ("/%41%62c", "/Abc"),
        ("/%7E%7euser", "/~~user"),
        ("/a%2Db%5fc%2ed", "/a-b_c.d"),
        ("/x%3Fy", "/x%3Fy"),
        ("/x%3fy", "/x%3Fy"),
        ("/x%23y", "/x%23y"),
        ("/x%2a%2Ay", "/x%2A%2Ay"),
        ("/caf%c3%a9", "/caf%C3%A9"),
        ("/a%20b", "/a%20b"),
        ("/a%25b", "/a%25b"),
        ("/a;b=c/d", "/a;b=c/d"),
        ("/p/..%3B/x", "/p/..%3B/x"),
        ("/é", "/%C3%A9"),
        ("/a\"b", "/a%22b"),
        ("/a{b}", "/a%7Bb%7D"),
    ])
    func percentNormalisation(input: String, expected: String) {
        #expect(canonical(input)?.path == expected)
    }

    @Test("dangerous or malformed targets are rejected with a reason", arguments: [
        ("/api/%2fadmin", PathRejection.encodedSlash),
        ("/api/%2Fadmin", .encodedSlash),
        ("/api/%5cadmin", .encodedBackslash),
        ("/api/%5Cadmin", .encodedBackslash),
        ("/api\\admin", .backslash),
        ("/api/..\\admin", .backslash),
        ("/api/%00", .encodedNUL),
        ("/api/\u{0}x", .nulByte),
        ("/api/x\u{0}?q", .nulByte),
        ("/api/\r\nx", .controlCharacter),
        ("/api/\u{7F}", .controlCharacter),
        ("/api/%0d%0aSet-Cookie:x", .encodedControlCharacter),
        ("/api/%7F", .encodedControlCharacter),
        ("/api/x#frag", .fragment),
        ("/api/x?q=1#frag", .fragment),
        ("/api/%", .invalidPercentEncoding),
        ("/api/%zz", .invalidPercentEncoding),
        ("/api/%e", .invalidPercentEncoding),
        ("/api/%e/x", .invalidPercentEncoding),
        ("/api/%g0", .invalidPercentEncoding),
        ("/..", .climbsAboveRoot),
        ("/../api", .climbsAboveRoot),
        ("/api/../..", .climbsAboveRoot),
        ("/api/../../etc/passwd", .climbsAboveRoot),
        ("/%2e%2e/api", .climbsAboveRoot),
        ("/api/public/..;/admin", .dotSegmentWithParameters),
        ("/api/public/..;x=1/admin", .dotSegmentWithParameters),
        ("/api/public/%2e%2e;/admin", .dotSegmentWithParameters),
        ("/api/.;/x", .dotSegmentWithParameters),
        ("", .empty),
        ("*", .asteriskForm),
        ("api/x", .notOriginForm),
        ("ftp://host/x", .notOriginForm),
        ("http://user@host/x", .invalidAuthority),
        ("http:///x", .invalidAuthority),
    ])
    func rejected(input: String, expected: PathRejection) {
        #expect(rejection(input) == expected)
    }

    @Test("the query is kept raw and never normalised")
    func queryKeptRaw() {
        let target = canonical("/api/%2e/x?a=%2e%2e/%2F&b=%41&&c=é")
        #expect(target?.path == "/api/x")
        #expect(target?.query == "a=%2e%2e/%2F&b=%41&&c=é")
        #expect(canonical("/x?")?.query == "")
        #expect(canonical("/x")?.query == nil)
        #expect(canonical("/x?a=../b")?.path == "/x")
    }

    @Test("a query with control bytes or invalid UTF-8 is rejected")
    func badQuery() {
        #expect(rejection("/x?a=\u{0}") == .nulByte)
        #expect(rejection("/x?a=\u{1}") == .controlCharacter)
        let invalid: [UInt8] = Array("/x?a=".utf8) + [0xC3, 0x28]
        #expect(throws: PathRejection.invalidQuery) { try RequestTarget.canonicalize(invalid).get() }
    }

    @Test("absolute-form keeps its path and reports the authority")
    func absoluteForm() {
        #expect(canonical("http://example.com/api/../x?q=1") == CanonicalTarget(path: "/x", query: "q=1", authority: "example.com"))
        #expect(canonical("HTTPS://example.com:8443") == CanonicalTarget(path: "/", query: nil, authority: "example.com:8443"))
        #expect(canonical("http://example.com?q") == CanonicalTarget(path: "/", query: "q", authority: "example.com"))
    }

    @Test("paths over 8 KiB are rejected, 8 KiB is fine")
    func length() {
        let ok = "/" + String(repeating: "a", count: RequestTarget.maxPathBytes - 1)
        #expect(canonical(ok)?.path == ok)
        #expect(rejection(ok + "a") == .tooLong)
        // Re-encoding may grow a path past the limit.
        let grows = "/" + String(repeating: "é", count: RequestTarget.maxPathBytes / 2 - 1)
        #expect(rejection(grows) == .tooLong)
    }

    @Test("any byte collection works, including a non-contiguous one")
    func byteCollections() throws {
        let bytes = Array("/a/./b".utf8)
        #expect(try RequestTarget.canonicalize(bytes).get().path == "/a/b")
        #expect(try RequestTarget.canonicalize(bytes[...]).get().path == "/a/b")
        #expect(try RequestTarget.canonicalize("/a//b".utf8).get().path == "/a/b")
        #expect(try RequestTarget.canonicalize(bytes.lazy.map { $0 }).get().path == "/a/b")
    }

    @Test("canonicalisation is idempotent", arguments: [
        "/api/public/%2e%2e/x%3f", "//a/./b/../c/", "/caf%c3%a9/%7e", "/a;b/..%3B/c",
    ])
    func idempotent(input: String) throws {
        let once = try RequestTarget.canonicalize(input).get().path
        #expect(try RequestTarget.canonicalize(once).get().path == once)
    }

    @Test("every rejection has a readable description")
    func descriptions() {
        #expect(PathRejection.encodedSlash.description.contains("%2F"))
        #expect(PathRejection.climbsAboveRoot != PathRejection.encodedSlash)
    }
}
