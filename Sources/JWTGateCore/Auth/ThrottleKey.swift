/// A throttle table's key: 128 bits of a keyed digest of whatever the client sent (an address, a
/// username of any length). Fixed-size keys bound the table's memory by its entry count, whatever
/// the input; the digest is keyed so that nobody can aim collisions at a victim's key.
public struct ThrottleKey: Hashable, Sendable {
    let high: UInt64
    let low: UInt64

    /// 32 lowercase hex digits: the key's name in a shared store (`jwtgate:throttle:<scope>:<hex>`),
    /// so a store key is bounded in size whatever the client sent.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes = [UInt8](repeating: 0, count: 32)
        for i in 0..<16 {
            let word = i < 8 ? high : low
            let byte = UInt8(truncatingIfNeeded: word >> (UInt64(7 - i % 8) * 8))
            bytes[2 * i] = digits[Int(byte >> 4)]
            bytes[2 * i + 1] = digits[Int(byte & 0xF)]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// HMAC-SHA256 under a key of its own, truncated to 128 bits. The digest runs over exact code
/// points (UTF-8 bytes): NFC and NFD spellings of a username are two keys, as they are two users.
public struct ThrottleKeyDigest: Sendable {
    private let hmac: HMACKey

    /// `key`: 32 random bytes for a single process (the default); replicas that share throttle
    /// state must share the key too.
    public init(key: [UInt8]) {
        // HMACKey only fails for a non-HMAC algorithm; HS256 is one.
        hmac = HMACKey(algorithm: .hs256, key: key)!
    }

    public static func random() -> ThrottleKeyDigest {
        var generator = SystemRandomNumberGenerator()
        return ThrottleKeyDigest(key: (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// A key every replica derives alike from a shared secret (`throttle.key`, else the JWT signing
    /// key), for a shared store: HMAC-SHA256(secret, "jwtgate throttle key v1"). The secret itself
    /// never names a store key, and a digest leaks nothing about it.
    public static func derived(from secret: [UInt8]) -> ThrottleKeyDigest {
        let label = Array("jwtgate throttle key v1".utf8)
        return ThrottleKeyDigest(key: HMACKey(algorithm: .hs256, key: secret)!.mac(label))
    }

    public func key(for text: String) -> ThrottleKey {
        let mac: [UInt8]? = text.utf8.withContiguousStorageIfAvailable { hmac.mac(UnsafeRawBufferPointer($0)) }
        return Self.truncate(mac ?? hmac.mac(Array(text.utf8)))
    }

    private static func truncate(_ mac: [UInt8]) -> ThrottleKey {
        var high: UInt64 = 0
        var low: UInt64 = 0
        for i in 0..<min(8, mac.count) { high = high << 8 | UInt64(mac[i]) }
        for i in 8..<min(16, mac.count) { low = low << 8 | UInt64(mac[i]) }
        return ThrottleKey(high: high, low: low)
    }
}
