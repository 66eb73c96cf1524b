/// A throttle table's key: 128 bits of a keyed digest of whatever the client sent (an address, a
/// username of any length). Fixed-size keys bound the table's memory by its entry count, whatever
/// the input; the digest is keyed so that nobody can aim collisions at a victim's key.
public struct ThrottleKey: Hashable, Sendable {
    let high: UInt64
    let low: UInt64
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
