import CJWTGateCryptoShims
import CJWTGateOpenSSL
import Synchronization

/// An HMAC key with a pool of keyed OpenSSL contexts. A reused `EVP_MAC_CTX` costs ~0.6 µs per MAC,
/// a one-shot HMAC ~3 µs (platform-measurements §3); contexts are not thread-safe, so each caller
/// takes one out of the pool for the duration of one MAC.
public final class HMACKey: Sendable {
    /// Ownership of the context moves through the pool's mutex: only the thread that popped it uses it.
    private struct Context: @unchecked Sendable { let raw: UnsafeMutableRawPointer }

    private let digestName: String
    private let key: [UInt8]
    private let pool = Mutex<[Context]>([])
    private static let maxPooled = 64

    /// nil when OpenSSL refuses the digest (never for SHA256/384/512).
    public init?(algorithm: JWTAlgorithm, key: [UInt8]) {
        guard algorithm.isHMAC else { return nil }
        digestName = algorithm.digestName
        self.key = key
        guard let first = makeContext() else { return nil }
        pool.withLock { $0.append(first) }
    }

    deinit {
        pool.withLock { contexts in
            for context in contexts { jwtgate_hmac_free(context.raw) }
            contexts.removeAll()
        }
    }

    private func makeContext() -> Context? {
        key.withUnsafeBufferPointer { keyBytes in
            jwtgate_hmac_new(digestName, keyBytes.baseAddress, keyBytes.count).map(Context.init)
        }
    }

    /// HMAC of `data`; empty only if OpenSSL fails.
    public func mac(_ data: UnsafeRawBufferPointer) -> [UInt8] {
        guard let context = pool.withLock({ $0.popLast() }) ?? makeContext() else { return [] }
        var out = [UInt8](repeating: 0, count: 64)
        let length = out.withUnsafeMutableBufferPointer { buffer in
            jwtgate_hmac_compute(context.raw, data.baseAddress?.assumingMemoryBound(to: UInt8.self), data.count,
                                 buffer.baseAddress, buffer.count)
        }
        let returned = pool.withLock { contexts -> Bool in
            guard contexts.count < Self.maxPooled else { return false }
            contexts.append(context)
            return true
        }
        if !returned { jwtgate_hmac_free(context.raw) }
        guard length > 0 else { return [] }
        out.removeSubrange(Int(length)...)
        return out
    }

    public func mac(_ data: [UInt8]) -> [UInt8] { data.withUnsafeBytes { mac($0) } }

    /// Constant-time check of a received signature (RFC 7518 §3.2).
    public func isValid(signature: [UInt8], for data: UnsafeRawBufferPointer) -> Bool {
        let expected = mac(data)
        guard !expected.isEmpty, expected.count == signature.count else { return false }
        return expected.withUnsafeBytes { e in
            signature.withUnsafeBytes { s in CRYPTO_memcmp(e.baseAddress, s.baseAddress, e.count) == 0 }
        }
    }
}
