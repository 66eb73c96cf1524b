import Synchronization

/// Tokens whose signature already verified, with their parsed payload. A hit skips the base64, JSON
/// and signature work (an ES256 verify alone is ~90 µs here) but never the time-based claim checks:
/// those run again on every use (Oathkeeper GHSA-qvp4-rpmr-xwrr skipped them after caching).
/// A signature check depends only on the token and the configured key, so a hit is exactly as
/// trustworthy as a fresh verification. Not used with per-user secrets, whose rotation must revoke.
/// Keyed by exact code points: under Swift's String equality a token with U+212A (Kelvin sign) for a
/// `K` would hit the entry of the real token, though PyJWT rejects it.
public final class VerifiedTokenCache: Sendable {
    private let entries = Mutex<[CodePointString: JSONObject]>([:])
    private let capacity: Int

    public init(capacity: Int = 4096) {
        self.capacity = capacity
    }

    /// PyJWT's decode (parse, algorithm pin, signature, claims), with the first three skipped on a hit.
    public func decode(_ token: some Collection<UInt8>, with codec: JWTCodec, now: Int64) throws(TokenError) -> JSONObject {
        try decode(key: String(decoding: token, as: UTF8.self), with: codec, now: now)
    }

    /// The same, for a token that is already a String (the verify/refresh views): no copy for the key.
    public func decode(key: String, with codec: JWTCodec, now: Int64) throws(TokenError) -> JSONObject {
        let token = key.utf8
        if let payload = payload(for: key) {
            try codec.rules.validate(payload, now: now)
            return payload
        }
        let unverified = try UnverifiedToken.parse(token)
        try codec.verifySignature(unverified)
        store(unverified.payload, for: key)
        try codec.rules.validate(unverified.payload, now: now)
        return unverified.payload
    }

    public func payload(for token: String) -> JSONObject? {
        entries.withLock { $0[CodePointString(token)] }
    }

    public func store(_ payload: JSONObject, for token: String) {
        entries.withLock { entries in
            // Wholesale eviction keeps the structure trivial; a full cache refills within one burst.
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[CodePointString(token)] = payload
        }
    }
}
