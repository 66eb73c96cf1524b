import JWTGateCore
import Testing

/// One rule decides whether a peer is a trusted proxy: the forwarded headers, the per-client transfer
/// cap and the login throttle all ask `ForwardingContext.isTrusted`.
@Suite("A trusted proxy is recognised the same way by every feature that reads X-Forwarded-For")
struct TrustedProxyTests {
    static let proxies = [CIDRBlock(address: [10, 0, 0, 0], prefixLength: 8)]
    static func mapped(_ v4: [UInt8]) -> [UInt8] { Array(repeating: 0, count: 10) + [0xFF, 0xFF] + v4 }

    @Test("IPv4 peers, and IPv4 peers seen through a dual-stack listener (::ffff:a.b.c.d), match IPv4 blocks")
    func mappedPeers() {
        #expect(ForwardingContext.isTrusted(peer: [10, 1, 2, 3], in: Self.proxies))
        #expect(ForwardingContext.isTrusted(peer: Self.mapped([10, 1, 2, 3]), in: Self.proxies))
        #expect(!ForwardingContext.isTrusted(peer: Self.mapped([11, 1, 2, 3]), in: Self.proxies))
        #expect(!ForwardingContext.isTrusted(peer: [11, 1, 2, 3], in: Self.proxies))
        #expect(!ForwardingContext.isTrusted(peer: [10, 1, 2, 3], in: []))
        // Not a mapped address: ::a01:203 (IPv4-compatible, deprecated) must not pass as 10.1.2.3.
        #expect(!ForwardingContext.isTrusted(peer: Array(repeating: 0, count: 12) + [10, 1, 2, 3], in: Self.proxies))
    }

    @Test("the instance method and the shared rule agree")
    func sameRule() {
        for peer in [[10, 9, 9, 9], Self.mapped([10, 9, 9, 9]), [192, 168, 0, 1]] as [[UInt8]] {
            let context = ForwardingContext(clientAddress: peer, clientAddressText: "", isTLS: false, requestID: "r")
            #expect(context.peerIsTrusted(Self.proxies) == ForwardingContext.isTrusted(peer: peer, in: Self.proxies))
        }
    }
}
