import CJWTGateOpenSSL

/// The pre-1.10 digest hashers (spec §7.1): `sha1$<salt>$<hex>`, `md5$<salt>$<hex>` (digest of
/// salt + password), `sha1$$<hex>` (46 chars) and `<32 hex>` / `md5$$<32 hex>` (digest of the password).
enum LegacyDigestHashers {
    /// Django's `SHA1PasswordHasher` / `MD5PasswordHasher`: the salt must be non-empty; the whole
    /// re-encoded string is compared.
    static func verifySalted(_ password: [UInt8], against encoded: [UInt8]) -> Bool {
        guard let fields = EncodedHashFields.split(encoded, maxSplits: 2), !fields[1].isEmpty else {
            return false
        }
        let name = String(decoding: fields[0], as: UTF8.self)
        let digest: OpaquePointer?
        switch name {
        case "sha1": digest = EVP_sha1()
        case "md5": digest = EVP_md5()
        default: return false
        }
        guard let hash = self.digest(Array(fields[1]) + password, with: digest) else {
            return false
        }
        let recomputed = Array(fields[0]) + [UInt8(ascii: "$")] + Array(fields[1]) + [UInt8(ascii: "$")]
            + PasswordTextEncoding.lowercaseHex(hash)
        return ConstantTime.equals(recomputed, encoded)
    }

    /// `sha1$$<40 hex>`: SHA-1 of the password alone.
    static func verifyUnsaltedSHA1(_ password: [UInt8], against encoded: [UInt8]) -> Bool {
        guard let hash = digest(password, with: EVP_sha1()) else {
            return false
        }
        return ConstantTime.equals(Array("sha1$$".utf8) + PasswordTextEncoding.lowercaseHex(hash), encoded)
    }

    /// `<32 hex>` or `md5$$<32 hex>`: MD5 of the password alone.
    static func verifyUnsaltedMD5(_ password: [UInt8], against encoded: [UInt8]) -> Bool {
        let prefix = Array("md5$$".utf8)
        let stored = encoded.count == 37 && encoded.starts(with: prefix) ? Array(encoded.dropFirst(5)) : encoded
        guard let hash = digest(password, with: EVP_md5()) else {
            return false
        }
        return ConstantTime.equals(PasswordTextEncoding.lowercaseHex(hash), stored)
    }

    private static func digest(_ data: [UInt8], with type: OpaquePointer?) -> [UInt8]? {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let status = data.withUnsafeBytes { input in
            output.withUnsafeMutableBufferPointer { out in
                EVP_Digest(input.baseAddress, input.count, out.baseAddress, &length, type, nil)
            }
        }
        return status == 1 ? Array(output.prefix(Int(length))) : nil
    }
}
