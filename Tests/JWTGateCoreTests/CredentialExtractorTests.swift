import JWTGateCore
import Testing

@Suite("Token extraction from Authorization and the cookie (spec §6.1, §6.4)")
struct CredentialExtractorTests {
    let jwt = CredentialExtractor(prefix: "JWT", cookieName: nil)
    let withCookie = CredentialExtractor(prefix: "JWT", cookieName: "jwt")

    @Test("header spellings", arguments: [
        ("JWT abc", CredentialExtractor.Result.token(Array("abc".utf8))),
        ("jwt abc", .token(Array("abc".utf8))), ("jWt\tabc", .token(Array("abc".utf8))),
        ("  JWT    abc  ", .token(Array("abc".utf8))),
        ("Bearer abc", .none), ("JWTabc", .none), ("abc", .none), ("", .none), ("   ", .none),
        ("JWT", .failure(CredentialExtractor.noCredentialsProvided)),
        ("jwt   ", .failure(CredentialExtractor.noCredentialsProvided)),
        ("JWT a b", .failure(CredentialExtractor.containsSpaces)),
        ("Bearer a b c", .none),
    ])
    func header(value: String, expected: CredentialExtractor.Result) {
        #expect(jwt.extract(authorization: value, cookieHeader: "jwt=zzz") == expected)
    }

    @Test("the cookie is read only when the header is absent or blank")
    func cookie() {
        #expect(withCookie.extract(authorization: nil, cookieHeader: "a=1; jwt=tok; b=2") == .token(Array("tok".utf8)))
        #expect(withCookie.extract(authorization: "  ", cookieHeader: "jwt=tok") == .token(Array("tok".utf8)))
        #expect(withCookie.extract(authorization: "Basic eA==", cookieHeader: "jwt=tok") == .none)
        #expect(withCookie.extract(authorization: "JWT hdr", cookieHeader: "jwt=tok") == .token(Array("hdr".utf8)))
        #expect(withCookie.extract(authorization: nil, cookieHeader: "jwt=") == .token([]))
        #expect(withCookie.extract(authorization: nil, cookieHeader: "JWT=tok") == .none)
        #expect(withCookie.extract(authorization: nil, cookieHeader: nil) == .none)
        #expect(withCookie.extract(authorization: nil, cookieHeader: "jwt=\"quoted\"") == .token(Array("quoted".utf8)))
        #expect(withCookie.extract(authorization: nil, cookieHeader: "jwt=first; jwt=last") == .token(Array("last".utf8)))
    }

    @Test("Django unquotes cookie values like Python's http.cookies")
    func unquote() {
        #expect(DjangoCookies.value(named: "c", in: #"c="a\"b""#) == "a\"b")
        #expect(DjangoCookies.value(named: "c", in: #"c="\101\102""#) == "AB")
        #expect(DjangoCookies.value(named: "c", in: #"c="x""#) == "x")
        #expect(DjangoCookies.value(named: "c", in: #"c=""#) == "\"")
        #expect(DjangoCookies.value(named: "c", in: " c = v ") == "v")
        // Found by fuzz/differential cookies: Python's `.` does not match a newline, so `\` + LF stays.
        #expect(DjangoCookies.value(named: "c", in: "c=\"a\\\nb\\\"\"") == "a\\\nb\"")
    }

    @Test("cookie names match by code points, as Django's dict lookup does, not by canonical equivalence")
    func cookieNameCodePoints() {
        #expect(DjangoCookies.value(named: "Kookie", in: "\u{212A}ookie=forged") == nil)
        #expect(DjangoCookies.value(named: "caf\u{E9}", in: "cafe\u{301}=forged") == nil)
        #expect(DjangoCookies.value(named: "Kookie", in: "\u{212A}ookie=forged; Kookie=real") == "real")
    }

    @Test("`;`, `=` and whitespace are code points, even before a combining mark (fuzz/differential cookies)")
    func combiningMarksDoNotGlue() {
        // Python: "jwt=A;\u0327x".split(";") → ["jwt=A", "\u0327x"]; a grapheme view would keep ";\u0327" together.
        #expect(DjangoCookies.value(named: "jwt", in: "jwt=A;\u{327}x") == "A")
        #expect(DjangoCookies.value(named: "jwt", in: "jwt=\u{327}B") == "\u{327}B")
        #expect(DjangoCookies.value(named: "jwt", in: "jwt \u{327}=C") == nil, "the key is \"jwt \\u0327\"")
        // strip() takes the space and leaves the combining mark that followed it.
        #expect(DjangoCookies.value(named: "jwt", in: "jwt= \u{327}D") == "\u{327}D")
        #expect(DjangoCookies.value(named: "jwt", in: "jwt=E;\u{327}jwt=F") == "E")
    }
}
