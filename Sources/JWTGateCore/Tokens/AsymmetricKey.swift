import CJWTGateCryptoShims

/// An RSA or EC key loaded once from PEM at start-up. OpenSSL 3 allows one `EVP_PKEY` to be used
/// for signing/verifying from many threads at once as long as nobody mutates it, and nothing does
/// after `init`.
public final class AsymmetricKey: @unchecked Sendable {
    public enum Kind: Sendable { case rsa, ec, other }

    private let pkey: UnsafeMutableRawPointer
    public let kind: Kind
    public let bits: Int
    public let isPrivate: Bool

    /// nil when the PEM holds no usable key of the asked-for visibility (or is encrypted).
    public init?(pem: String, private wantPrivate: Bool) {
        var bytes = Array(pem.utf8)
        guard let pkey = bytes.withUnsafeMutableBufferPointer({ buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                jwtgate_pkey_from_pem($0, buffer.count, wantPrivate ? 1 : 0)
            }
        }) else { return nil }
        self.pkey = pkey
        isPrivate = wantPrivate
        switch jwtgate_pkey_kind(pkey) {
        case Int32(JWTGATE_PKEY_RSA.rawValue): kind = .rsa
        case Int32(JWTGATE_PKEY_EC.rawValue): kind = .ec
        default: kind = .other
        }
        bits = Int(jwtgate_pkey_bits(pkey))
        bytes.removeAll()
    }

    deinit { jwtgate_pkey_free(pkey) }

    func sign(_ data: UnsafeRawBufferPointer, scheme: Int32, digest: String) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: max(512, bits / 4 + 16))
        let length = out.withUnsafeMutableBufferPointer { buffer in
            jwtgate_sign(pkey, scheme, digest, data.baseAddress?.assumingMemoryBound(to: UInt8.self), data.count,
                         buffer.baseAddress, buffer.count)
        }
        guard length > 0 else { return nil }
        out.removeSubrange(Int(length)...)
        return out
    }

    func verify(_ data: UnsafeRawBufferPointer, signature: [UInt8], scheme: Int32, digest: String) -> Bool {
        signature.withUnsafeBufferPointer { sig in
            jwtgate_verify(pkey, scheme, digest, data.baseAddress?.assumingMemoryBound(to: UInt8.self), data.count,
                           sig.baseAddress, sig.count) == 1
        }
    }
}
