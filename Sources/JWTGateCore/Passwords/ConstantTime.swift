import CJWTGateOpenSSL

enum ConstantTime {
    /// Equality whose running time depends only on the lengths, like Django's `constant_time_compare`
    /// (`hmac.compare_digest`): a length mismatch returns at once, equal lengths go through CRYPTO_memcmp.
    static func equals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else {
            return false
        }
        guard !lhs.isEmpty else {
            return true
        }
        return lhs.withUnsafeBytes { lhsBytes in
            rhs.withUnsafeBytes { rhsBytes in
                CRYPTO_memcmp(lhsBytes.baseAddress, rhsBytes.baseAddress, lhsBytes.count) == 0
            }
        }
    }
}
