import CJWTGateOpenSSL

/// `pbkdf2_sha256$<iterations>$<salt>$<base64>` and `pbkdf2_sha1$…` (spec §7.1), via PKCS5_PBKDF2_HMAC.
enum PBKDF2Hasher {
    enum Digest {
        case sha256, sha1

        var name: String {
            switch self {
            case .sha256: "pbkdf2_sha256"
            case .sha1: "pbkdf2_sha1"
            }
        }

        /// Django's dklen=None: the digest size.
        var length: Int {
            switch self {
            case .sha256: 32
            case .sha1: 20
            }
        }

        var evp: OpaquePointer? {
            switch self {
            case .sha256: EVP_sha256()
            case .sha1: EVP_sha1()
            }
        }
    }

    /// Django's `PBKDF2PasswordHasher.verify`: re-encode with the stored iterations and salt, then
    /// compare the whole string.
    static func verify(_ password: [UInt8], against encoded: [UInt8]) -> Bool {
        guard let fields = EncodedHashFields.split(encoded, maxSplits: 3),
              let iterations = EncodedHashFields.decimal(fields[1]),
              (1...PasswordHashLimits.maxPBKDF2Iterations).contains(iterations),
              !fields[2].isEmpty
        else {
            return false
        }
        let digest: Digest
        switch String(decoding: fields[0], as: UTF8.self) {
        case Digest.sha256.name: digest = .sha256
        case Digest.sha1.name: digest = .sha1
        default: return false
        }
        guard let recomputed = encode(password, salt: Array(fields[2]), iterations: iterations, digest: digest) else {
            return false
        }
        return ConstantTime.equals(recomputed, encoded)
    }

    /// `<name>$<iterations>$<salt>$<base64 of the derived key>`, or nil if OpenSSL fails.
    static func encode(_ password: [UInt8], salt: [UInt8], iterations: Int, digest: Digest) -> [UInt8]? {
        guard let key = derive(password, salt: salt, iterations: iterations, digest: digest) else {
            return nil
        }
        var encoded = Array(digest.name.utf8)
        encoded.append(UInt8(ascii: "$"))
        encoded += EncodedHashFields.decimalBytes(iterations)
        encoded.append(UInt8(ascii: "$"))
        encoded += salt
        encoded.append(UInt8(ascii: "$"))
        encoded += PasswordTextEncoding.base64(key)
        return encoded
    }

    private static func derive(_ password: [UInt8], salt: [UInt8], iterations: Int, digest: Digest) -> [UInt8]? {
        guard let iterationCount = Int32(exactly: iterations),
              let passwordLength = Int32(exactly: password.count),
              let saltLength = Int32(exactly: salt.count)
        else {
            return nil
        }
        var key = [UInt8](repeating: 0, count: digest.length)
        // An empty password may arrive as a NULL pointer of length 0, which OpenSSL accepts.
        let status = password.withUnsafeBufferPointer { passwordBytes in
            passwordBytes.withMemoryRebound(to: CChar.self) { passwordChars in
                salt.withUnsafeBufferPointer { saltBytes in
                    key.withUnsafeMutableBufferPointer { keyBytes in
                        PKCS5_PBKDF2_HMAC(passwordChars.baseAddress, passwordLength,
                                          saltBytes.baseAddress, saltLength, iterationCount,
                                          digest.evp, Int32(keyBytes.count), keyBytes.baseAddress)
                    }
                }
            }
        }
        return status == 1 ? key : nil
    }
}
