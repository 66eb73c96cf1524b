import JWTGateCore
import Testing

@Suite("ClientAddressKey: whom a request counts against for a per-client limit")
struct ClientAddressKeyTests {
    static let v4: [UInt8] = [192, 0, 2, 7]
    static let mappedV4: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 192, 0, 2, 7]
    static let v6: [UInt8] = [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [1]

    @Test("the peer, when no trusted proxy forwarded an address")
    func peer() {
        #expect(ClientAddressKey(peer: Self.v4, forwardedFor: nil) == ClientAddressKey(peer: Self.v4, forwardedFor: nil))
        #expect(ClientAddressKey(peer: Self.v4, forwardedFor: nil) != ClientAddressKey(peer: [192, 0, 2, 8], forwardedFor: nil))
        #expect(ClientAddressKey(peer: Self.v6, forwardedFor: nil) != ClientAddressKey(peer: Self.v4, forwardedFor: nil))
    }

    @Test("an IPv4 client counts once whether a dual-stack (::ffff:a.b.c.d) or an IPv4 listener took it")
    func mapped() {
        #expect(ClientAddressKey(peer: Self.mappedV4, forwardedFor: nil) == ClientAddressKey(peer: Self.v4, forwardedFor: nil))
    }

    @Test("behind a trusted proxy: the last X-Forwarded-For entry, not the proxy and not the client's own claims")
    func forwarded() {
        let proxy: [UInt8] = [10, 0, 0, 1]
        let client = ClientAddressKey(peer: Self.v4, forwardedFor: nil)
        #expect(ClientAddressKey(peer: proxy, forwardedFor: "192.0.2.7") == client)
        #expect(ClientAddressKey(peer: proxy, forwardedFor: "203.0.113.9, 198.51.100.1,  192.0.2.7 ") == client)
        #expect(ClientAddressKey(peer: proxy, forwardedFor: "::ffff:192.0.2.7") == client)
        #expect(ClientAddressKey(peer: proxy, forwardedFor: "2001:db8::1") == ClientAddressKey(peer: Self.v6, forwardedFor: nil))
        #expect(ClientAddressKey(peer: proxy, forwardedFor: "192.0.2.7") != ClientAddressKey(peer: proxy, forwardedFor: nil))
    }

    @Test("a forwarded value that is not an address is its own key; an empty one falls back to the peer")
    func forwardedText() {
        let proxy: [UInt8] = [10, 0, 0, 1]
        let unknown = ClientAddressKey(peer: proxy, forwardedFor: "unknown")
        #expect(unknown == ClientAddressKey(peer: [10, 0, 0, 2], forwardedFor: " unknown"))
        #expect(unknown != ClientAddressKey(peer: proxy, forwardedFor: nil))
        #expect(ClientAddressKey(peer: proxy, forwardedFor: "192.0.2.7:5000") != ClientAddressKey(peer: Self.v4, forwardedFor: nil))
        #expect(ClientAddressKey(peer: proxy, forwardedFor: " , ") == ClientAddressKey(peer: proxy, forwardedFor: nil))
        #expect(ClientAddressKey(peer: proxy, forwardedFor: "") == ClientAddressKey(peer: proxy, forwardedFor: nil))
    }

    @Test("X-Forwarded-For splits at every `,` code point and trims SP/HTAB code points, marks or not")
    func forwardedByCodePoint() {
        let proxy: [UInt8] = [10, 0, 0, 1]
        // `,` then U+0301 is one Swift Character, but two code points: Python's split(",") cuts there.
        #expect(ForwardedForHeader.lastEntry("192.0.2.9,\u{0301}192.0.2.7").map { Array($0.unicodeScalars) }
                == Array("\u{0301}192.0.2.7".unicodeScalars))
        #expect(ClientAddressKey(peer: proxy, forwardedFor: "192.0.2.9,\u{0301}x")
                == ClientAddressKey(peer: proxy, forwardedFor: "\u{0301}x"))
        // A space then U+0301: the space is trimmed, the mark kept.
        #expect(ForwardedForHeader.lastEntry("192.0.2.9, \u{0301}x").map { Array($0.unicodeScalars) }
                == Array("\u{0301}x".unicodeScalars))
        #expect(ClientAddressKey(peer: proxy, forwardedFor: "192.0.2.9, \u{0301}x")
                == ClientAddressKey(peer: proxy, forwardedFor: "\u{0301}x"))
        // A prepended mark (U+0600) joins the `,` after it into one Character: still a split.
        #expect(ClientAddressKey(peer: proxy, forwardedFor: "192.0.2.9\u{0600},192.0.2.7")
                == ClientAddressKey(peer: Self.v4, forwardedFor: nil))
    }

    @Test("the shared reader keeps both callers' rules: last non-empty entry, SP/HTAB trimmed, nil when blank")
    func forwardedReader() {
        #expect(ForwardedForHeader.lastEntry("203.0.113.9, 198.51.100.1,\t 192.0.2.7 \t") == "192.0.2.7")
        #expect(ForwardedForHeader.lastEntry("192.0.2.7,") == "192.0.2.7")
        #expect(ForwardedForHeader.lastEntry("192.0.2.7,,") == "192.0.2.7")
        #expect(ForwardedForHeader.lastEntry("192.0.2.7, ") == nil)
        #expect(ForwardedForHeader.lastEntry(" , ") == nil)
        #expect(ForwardedForHeader.lastEntry("") == nil)
        #expect(ForwardedForHeader.lastEntry(",") == nil)
    }
}
