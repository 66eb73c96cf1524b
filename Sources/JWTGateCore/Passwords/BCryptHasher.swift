import CJWTGateOpenSSL

/// `bcrypt$$2b$12$<22-char salt><31-char hash>` and `bcrypt_sha256$$2b$12$…` (spec §7.1). The
/// sha256 variant hashes the lowercase hex SHA-256 digest of the password (64 ASCII bytes); plain
/// bcrypt hashes the password itself, of which bcrypt reads the first 72 bytes.
enum BCryptHasher {
    /// `$2b$12$` + 22 salt + 31 hash characters.
    private static let dataLength = 60
    /// `$2b$12$` + 22 salt characters: what crypt_r needs as its setting.
    private static let settingLength = 29

    /// Django's `BCryptPasswordHasher.verify`: `bcrypt.hashpw(password, data)` re-encoded and
    /// compared with the whole stored string.
    static func verify(_ password: [UInt8], against encoded: [UInt8]) -> Bool {
        guard let fields = EncodedHashFields.split(encoded, maxSplits: 1) else {
            return false
        }
        let name = String(decoding: fields[0], as: UTF8.self)
        let secret: [UInt8]
        switch name {
        case DjangoHashAlgorithm.bcrypt.rawValue:
            secret = password
        case DjangoHashAlgorithm.bcrypt_sha256.rawValue:
            guard let digest = sha256(password) else {
                return false
            }
            secret = PasswordTextEncoding.lowercaseHex(digest)
        default:
            return false
        }
        let data = Array(fields[1])
        guard let variant = variant(of: data) else {
            return false
        }
        // Python's bcrypt computes $2a$ and $2y$ as $2b$ and puts the original prefix back.
        let setting = Array("$2b$".utf8) + data[4..<settingLength]
        guard let hashed = Libxcrypt.crypt(secret, setting: setting), hashed.count == dataLength else {
            return false
        }
        let recomputed = Array(fields[0]) + [UInt8(ascii: "$")] + Array("$2".utf8) + [variant]
            + hashed.dropFirst(3)
        return ConstantTime.equals(recomputed, encoded)
    }

    /// The variant letter (a, b or y) of a well-formed `$2?$NN$<53 chars>` with a cost between 4 and
    /// ``PasswordHashLimits/maxBCryptCost``, or nil.
    private static func variant(of data: [UInt8]) -> UInt8? {
        guard data.count == dataLength,
              data.starts(with: "$2".utf8),
              [UInt8(ascii: "a"), UInt8(ascii: "b"), UInt8(ascii: "y")].contains(data[2]),
              data[3] == UInt8(ascii: "$"), data[6] == UInt8(ascii: "$"),
              let cost = EncodedHashFields.decimal(data[4..<6]),
              (4...PasswordHashLimits.maxBCryptCost).contains(cost),
              data[7...].allSatisfy(Libxcrypt.isCryptBase64)
        else {
            return nil
        }
        return data[2]
    }

    private static func sha256(_ data: [UInt8]) -> [UInt8]? {
        var digest = [UInt8](repeating: 0, count: 32)
        let status = data.withUnsafeBytes { input in
            digest.withUnsafeMutableBufferPointer { output in
                EVP_Digest(input.baseAddress, input.count, output.baseAddress, nil, EVP_sha256(), nil)
            }
        }
        return status == 1 ? digest : nil
    }
}
