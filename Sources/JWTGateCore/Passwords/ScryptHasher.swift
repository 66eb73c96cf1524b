import CJWTGateOpenSSL

/// `scrypt$<N>$<salt>$<r>$<p>$<base64>` (Django 4.0+, spec §7.1), via EVP_PBE_scrypt.
enum ScryptHasher {
    /// Django's dklen.
    private static let keyLength = 64

    /// Django's `ScryptPasswordHasher.verify`: re-encode with the stored N, salt, r and p, then compare
    /// the whole string.
    static func verify(_ password: [UInt8], against encoded: [UInt8]) -> Bool {
        guard let fields = EncodedHashFields.split(encoded, maxSplits: 5),
              String(decoding: fields[0], as: UTF8.self) == DjangoHashAlgorithm.scrypt.rawValue,
              let n = EncodedHashFields.decimal(fields[1]),
              let r = EncodedHashFields.decimal(fields[3]),
              let p = EncodedHashFields.decimal(fields[4]),
              !fields[2].isEmpty,
              let maxmem = memoryNeeded(n: UInt64(n), r: UInt64(r), p: UInt64(p))
        else {
            return false
        }
        let salt = Array(fields[2])
        guard let key = derive(password, salt: salt, n: UInt64(n), r: UInt64(r), p: UInt64(p), maxmem: maxmem) else {
            return false
        }
        var recomputed = Array("scrypt$".utf8) + EncodedHashFields.decimalBytes(n)
        recomputed.append(UInt8(ascii: "$"))
        recomputed += salt
        recomputed.append(UInt8(ascii: "$"))
        recomputed += EncodedHashFields.decimalBytes(r)
        recomputed.append(UInt8(ascii: "$"))
        recomputed += EncodedHashFields.decimalBytes(p)
        recomputed.append(UInt8(ascii: "$"))
        recomputed += PasswordTextEncoding.base64(key)
        return ConstantTime.equals(recomputed, encoded)
    }

    /// The bytes OpenSSL will allocate, 128·r·(N + 2) + 128·r·p, or nil when the parameters are
    /// invalid (N not a power of two above 1, r or p zero, r·p ≥ 2³⁰) or beyond ``PasswordHashLimits``.
    /// Passing it as maxmem lifts OpenSSL's 32 MiB default, which N=16384, r=8, p=5 comes close to.
    static func memoryNeeded(n: UInt64, r: UInt64, p: UInt64) -> UInt64? {
        guard n > 1, n & (n - 1) == 0, r >= 1, p >= 1,
              r <= PasswordHashLimits.maxScryptWork, p <= PasswordHashLimits.maxScryptWork,
              r * p < 1 << 30,
              n <= PasswordHashLimits.maxScryptWork,
              n * r <= PasswordHashLimits.maxScryptWork,  // checked first so that n·r·p cannot overflow
              n * r * p <= PasswordHashLimits.maxScryptWork
        else {
            return nil
        }
        let memory = 128 * r * (n + 2) + 128 * r * p
        return memory <= PasswordHashLimits.maxScryptMemory ? memory + 4096 : nil
    }

    private static func derive(_ password: [UInt8], salt: [UInt8], n: UInt64, r: UInt64, p: UInt64,
                               maxmem: UInt64) -> [UInt8]? {
        var key = [UInt8](repeating: 0, count: keyLength)
        let status = password.withUnsafeBufferPointer { passwordBytes in
            passwordBytes.withMemoryRebound(to: CChar.self) { passwordChars in
                salt.withUnsafeBufferPointer { saltBytes in
                    key.withUnsafeMutableBufferPointer { keyBytes in
                        EVP_PBE_scrypt(passwordChars.baseAddress, passwordChars.count,
                                       saltBytes.baseAddress, saltBytes.count, n, r, p, maxmem,
                                       keyBytes.baseAddress, keyBytes.count)
                    }
                }
            }
        }
        return status == 1 ? key : nil
    }
}
