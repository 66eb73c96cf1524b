/// Django's `check_password` and `make_password` for the hash formats of spec §7.1.
///
/// All functions are pure and may run on any number of threads at once. Verification is slow on
/// purpose (PBKDF2 at Django's defaults takes about half a second): call it on a bounded thread pool,
/// never on an event loop.
public enum DjangoPassword {
    /// Django check_password steps 1-3 (spec §7.3): "!"-prefixed (unusable), empty stored value, empty supplied password,
    /// unknown/unparseable formats never match; otherwise recompute with the parameters stored in the hash and compare in constant time (CRYPTO_memcmp).
    public static func verify(_ password: String, against encoded: String) -> Bool {
        guard !password.isEmpty, let algorithm = identify(encoded) else {
            return false
        }
        let password = Array(password.utf8)
        let encoded = Array(encoded.utf8)
        switch algorithm {
        case .pbkdf2_sha256, .pbkdf2_sha1:
            return PBKDF2Hasher.verify(password, against: encoded)
        case .argon2:
            return Argon2Hasher.verify(password, against: encoded)
        case .bcrypt, .bcrypt_sha256:
            return BCryptHasher.verify(password, against: encoded)
        case .scrypt:
            return ScryptHasher.verify(password, against: encoded)
        case .sha1, .md5:
            return LegacyDigestHashers.verifySalted(password, against: encoded)
        case .unsalted_sha1:
            return LegacyDigestHashers.verifyUnsaltedSHA1(password, against: encoded)
        case .unsalted_md5:
            return LegacyDigestHashers.verifyUnsaltedMD5(password, against: encoded)
        case .crypt:
            return CryptHasher.verify(password, against: encoded)
        }
    }

    /// The hasher Django's `identify_hasher` would pick: the text before the first `$`, except for the
    /// unsalted MD5/SHA-1 forms recognised by length. Only the name is checked, not the rest of the
    /// format. Returns nil for unknown names, an empty value and unusable (`!`-prefixed) passwords.
    public static func identify(_ encoded: String) -> DjangoHashAlgorithm? {
        guard let first = encoded.utf8.first, first != UInt8(ascii: "!") else {
            return nil
        }
        // Python's len() counts code points; prefixes are compared as bytes, not as Characters.
        let length = encoded.unicodeScalars.count
        if (length == 32 && !encoded.utf8.contains(UInt8(ascii: "$")))
            || (length == 37 && encoded.utf8.starts(with: "md5$$".utf8)) {
            return .unsalted_md5
        }
        if length == 46 && encoded.utf8.starts(with: "sha1$$".utf8) {
            return .unsalted_sha1
        }
        guard let name = encoded.utf8.split(separator: UInt8(ascii: "$"), maxSplits: 1,
                                            omittingEmptySubsequences: false).first,
              name.count < encoded.utf8.count
        else {
            return nil
        }
        switch DjangoHashAlgorithm(rawValue: String(decoding: name, as: UTF8.self)) {
        case .unsalted_md5?, .unsalted_sha1?, nil:
            return nil
        case let algorithm?:
            return algorithm
        }
    }

    /// New pbkdf2_sha256 hash; salt defaults to 22 random chars from [a-zA-Z0-9] (RAND_bytes, unbiased).
    ///
    /// Like Django's encoder, a supplied salt must be non-empty and free of `$`, and iterations must be
    /// at least 1 (and at most ``PasswordHashLimits/maxPBKDF2Iterations``); anything else is a
    /// programming error and traps.
    public static func makePBKDF2SHA256(_ password: String, iterations: Int = 1_500_000, salt: String? = nil) -> String {
        let salt = salt ?? PasswordSalt.random()
        precondition(!salt.isEmpty && !salt.utf8.contains(UInt8(ascii: "$")),
                     "a PBKDF2 salt must be non-empty and must not contain '$'")
        precondition((1...PasswordHashLimits.maxPBKDF2Iterations).contains(iterations),
                     "PBKDF2 iterations must be between 1 and \(PasswordHashLimits.maxPBKDF2Iterations)")
        guard let encoded = PBKDF2Hasher.encode(Array(password.utf8), salt: Array(salt.utf8),
                                                iterations: iterations, digest: .sha256)
        else {
            preconditionFailure("PKCS5_PBKDF2_HMAC failed")
        }
        return String(decoding: encoded, as: UTF8.self)
    }
}
