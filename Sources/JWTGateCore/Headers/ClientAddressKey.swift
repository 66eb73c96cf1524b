/// The client a request counts against for a per-client limit (`server.max_transfers_per_client`): the
/// TCP peer, or — when the peer is one of `trusted_proxies` — the address that proxy appended last to
/// X-Forwarded-For, the one it saw connect. Earlier entries are whatever the client claimed; trusting
/// them would let a client dodge the cap, or use up someone else's. (The obtain throttle picks the same.)
public struct ClientAddressKey: Hashable, Sendable {
    private enum Value: Hashable, Sendable {
        /// 4 bytes (IPv4), or 16 (IPv6). An IPv4-mapped IPv6 address is stored as its IPv4 bytes, so
        /// one client counts once whether a dual-stack or an IPv4 listener accepted it.
        case address([UInt8])
        /// What a trusted proxy forwarded when it is not a bare address (`unknown`, `192.0.2.1:5000`):
        /// still one key per distinct value, and never the proxy's own address, which would put every
        /// client behind it under one cap.
        case forwarded(String)
    }

    private let value: Value

    /// `peer`: the connection's address bytes (4 or 16). `forwardedFor`: the last X-Forwarded-For line —
    /// pass it only when the peer is a trusted proxy (`ForwardingContext.peerIsTrusted`), else nil.
    public init(peer: [UInt8], forwardedFor: String?) {
        if let forwardedFor, let text = ForwardedForHeader.lastEntry(forwardedFor) {
            let string = String(text)
            if let bytes = IPAddressParsing.ipv4(string) ?? IPAddressParsing.ipv6(string) {
                value = .address(Self.unmapped(bytes))
            } else {
                value = .forwarded(string)
            }
            return
        }
        value = .address(Self.unmapped(peer))
    }

    /// `::ffff:a.b.c.d` as its 4 IPv4 bytes; anything else unchanged (no copy).
    private static func unmapped(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF else { return bytes }
        return Array(bytes[12...])
    }
}
