import CJWTGateCurl
import Testing

@testable import JWTGateServer

/// The request headers handed to libcurl: copied byte for byte, framing headers dropped, and any
/// line that could be split (CR, LF, NUL, `:` in a name) refused rather than sent.
@Suite("The curl header list copies lines exactly and refuses splittable ones")
struct CurlHeaderListTests {
    private static func lines(_ list: UnsafeMutablePointer<curl_slist>?) -> [String] {
        var out: [String] = []
        var node = list
        while let current = node {
            out.append(String(cString: current.pointee.data))
            node = current.pointee.next
        }
        return out
    }

    @Test("lines are copied exactly, framing headers dropped, curl's defaults switched off")
    func copiesLines() {
        let list = CurlHeaderList()
        let token = "JWT " + String(repeating: "eyJ0eXAiOiJKV1QifQ.", count: 12)
        let built = list.build([("Authorization", token), ("X-Empty", ""), ("Content-Length", "5"),
                                ("Accept", "application/json")], sendsBody: true)
        #expect(Self.lines(built) == ["Authorization: \(token)", "X-Empty;", "Accept: application/json",
                                      "Expect:", "Content-Type:"])
        // Reused buffer: a shorter second list must not carry bytes of the first.
        #expect(Self.lines(list.build([("A", "b")], sendsBody: false)) == ["A: b", "Expect:", "Accept:"])
    }

    @Test("CR, LF or NUL anywhere, and a colon or nothing in a name, refuse the whole list",
          arguments: [("X-A", "one\rtwo"), ("X-A", "one\ntwo"), ("X-A", "one\u{0}two"), ("X:A", "v"), ("", "v"),
                      ("X\r\nInjected", "v"), ("X-A", String(repeating: "a", count: 300) + "\n")])
    func refusesSplittableLines(name: String, value: String) {
        let list = CurlHeaderList()
        #expect(list.build([("Host", "example"), (name, value)], sendsBody: false) == nil)
        #expect(list.build([("Host", "example"), ("X-Ok", "fine")], sendsBody: false) != nil, "the list is usable afterwards")
    }
}
