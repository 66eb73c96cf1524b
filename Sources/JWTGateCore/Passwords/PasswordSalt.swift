import CJWTGateOpenSSL

/// Salts as Django's `get_random_string` makes them: characters from [a-zA-Z0-9].
enum PasswordSalt {
    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)
    /// 22 characters give more than 128 bits, as in Django 3.2+.
    static let defaultLength = 22

    /// A salt from RAND_bytes. Bytes at or above 248 (= 4 × 62) are discarded, so every character
    /// is equally likely (no modulo bias).
    static func random(length: Int = defaultLength) -> String {
        let acceptedBelow = 256 - 256 % alphabet.count
        var salt: [UInt8] = []
        salt.reserveCapacity(length)
        var buffer = [UInt8](repeating: 0, count: 32)
        while salt.count < length {
            let status = buffer.withUnsafeMutableBufferPointer { pointer in
                RAND_bytes(pointer.baseAddress, Int32(pointer.count))
            }
            precondition(status == 1, "RAND_bytes failed: no secure randomness for a salt")
            for byte in buffer where Int(byte) < acceptedBelow && salt.count < length {
                salt.append(alphabet[Int(byte) % alphabet.count])
            }
        }
        return String(decoding: salt, as: UTF8.self)
    }
}
