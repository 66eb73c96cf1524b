import Testing
@testable import JWTGateCore

/// Python's `html.unescape` as far as `HTMLUnescape` follows it (upload file names).
@Suite("html.unescape for upload file names")
struct HTMLUnescapeTests {
    @Test("numeric and named references", arguments: [
        ("a&#32;b", "a b"), ("&#x2e;&#X2E;", ".."), ("&amp;&lt;&gt;", "&<>"), ("&#0;", "\u{FFFD}"),
        ("&#x110000;", "\u{FFFD}"), ("&#xD800;", "\u{FFFD}"), ("no refs", "no refs"),
    ])
    func references(input: String, expected: String) {
        #expect(HTMLUnescape.unescape(input) == expected)
    }

    @Test("a sign or a non-digit is no number: Python leaves the text as written", arguments: [
        "&#+32;", "&#-32;", "&#x+20;", "&#;", "&#x;", "&#\u{FF13}\u{FF12};",
    ])
    func notNumbers(input: String) {
        #expect(HTMLUnescape.unescape(input) == input)
    }
}
