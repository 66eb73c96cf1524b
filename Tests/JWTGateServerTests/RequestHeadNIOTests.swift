import JWTGateCore
import NIOHTTP1
import Testing

@testable import JWTGateServer

@Suite("The NIO plane's head adapter reads the target form as the loop plane's parser does")
struct RequestHeadNIOTests {
    @Test("origin-form is a target whose first byte is `/`, a combining mark after it or not", arguments: [
        "/api/x", "/", "/\u{0301}api",
    ])
    func originForm(target: String) {
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: target)
        // `hasPrefix("/")` compares graphemes: `/` then U+0301 is one, and is not `/`.
        #expect(RequestHead(nio: head).targetForm == .origin)
    }

    @Test("other forms as before")
    func otherForms() {
        #expect(RequestHead(nio: HTTPRequestHead(version: .http1_1, method: .OPTIONS, uri: "*")).targetForm == .asterisk)
        #expect(RequestHead(nio: HTTPRequestHead(version: .http1_1, method: .CONNECT, uri: "a:443")).targetForm == .authority)
        #expect(RequestHead(nio: HTTPRequestHead(version: .http1_1, method: .GET, uri: "http://a/x")).targetForm == .absolute)
    }
}
