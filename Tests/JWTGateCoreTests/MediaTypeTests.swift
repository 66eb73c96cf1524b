import Testing
@testable import JWTGateCore

@Suite("Content-Type parsing as Django's parse_header")
struct MediaTypeTests {
    @Test("plain lower-case types take the short path and read as the general parse reads them",
          arguments: ["application/json", "multipart/form-data", "application/x-www-form-urlencoded",
                      "application/vnd.api+json", "*/*", "application/*", "text", "a/b/c", "/json", "json/"])
    func plainTypes(raw: String) {
        let fast = MediaType(parsing: raw)
        // The same type with a parameter goes through the general parse; the type part must agree.
        let general = MediaType(parsing: raw + "; x=1")
        #expect(fast.mainType == general.mainType)
        #expect(fast.subType == general.subType)
        #expect(fast.parameters.isEmpty)
    }

    @Test("anything else still goes through the general parse")
    func otherTypes() {
        let mixed = MediaType(parsing: "Application/JSON")
        #expect(mixed.mainType == "application" && mixed.subType == "json")
        let padded = MediaType(parsing: "  application/json \t")
        #expect(padded.mainType == "application" && padded.subType == "json")
        let withCharset = MediaType(parsing: "application/json;charset=\"utf-8\"")
        #expect(withCharset.subType == "json" && withCharset.parameter("charset") == "utf-8")
        let empty = MediaType(parsing: "")
        #expect(empty.mainType == "" && empty.subType == "")
    }

    @Test("type and subtype split at the first `/` code point, even when a combining mark follows it")
    func slashBeforeCombiningMark() {
        // Python's `"application/\u0301json".partition("/")`: ("application", "/", "\u0301json").
        let type = MediaType(parsing: "application/\u{0301}json")
        #expect(type.mainType.isExactly("application"))
        #expect(type.subType.isExactly("\u{0301}json"))
        #expect(!type.isMatched(byParser: "application", "json"))
        let withParameter = MediaType(parsing: "Multipart/\u{0301}form-data; boundary=x")
        #expect(withParameter.mainType.isExactly("multipart"))
        #expect(withParameter.subType.isExactly("\u{0301}form-data"))
    }
}
