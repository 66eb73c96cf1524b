/// Keeps the fuzzer's hashes cheap. The limits in `PasswordHashLimits` bound what a production hash may
/// cost (seconds); a fuzzer needs thousands of inputs per second, so anything above a few milliseconds is
/// only identified, never verified. Reads the fields the way the hashers do (split on `$`, plain
/// digits), and errs towards "expensive": a number it cannot read as small counts as large.
enum WorkFactorGate {
    static let maxPBKDF2Iterations = 1_000
    static let maxArgon2MemoryKiB = 256
    static let maxArgon2Iterations = 2
    static let maxArgon2Parallelism = 4
    static let maxBCryptCost = 5
    static let maxScryptN = 1_024
    static let maxScryptR = 8
    static let maxScryptP = 2

    static func isCheap(_ encoded: String) -> Bool {
        let fields = encoded.split(separator: "$", omittingEmptySubsequences: false).map(String.init)
        guard let name = fields.first else { return true }
        switch name {
        case "pbkdf2_sha256", "pbkdf2_sha1":
            return fields.count < 2 || isSmall(fields[1], atMost: maxPBKDF2Iterations)
        case "argon2":
            // m=,t=,p= may sit in any field; every one found must be small.
            let costs = fields.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
            for cost in costs {
                if cost.hasPrefix("m="), !isSmall(String(cost.dropFirst(2)), atMost: maxArgon2MemoryKiB) { return false }
                if cost.hasPrefix("t="), !isSmall(String(cost.dropFirst(2)), atMost: maxArgon2Iterations) { return false }
                if cost.hasPrefix("p="), !isSmall(String(cost.dropFirst(2)), atMost: maxArgon2Parallelism) { return false }
            }
            return true
        case "bcrypt", "bcrypt_sha256":
            // `bcrypt$$2b$NN$...`: the cost is the two digits after the variant.
            return fields.count < 4 || isSmall(fields[3], atMost: maxBCryptCost)
        case "scrypt":
            guard fields.count >= 5 else { return true }
            return isSmall(fields[1], atMost: maxScryptN) && isSmall(fields[3], atMost: maxScryptR)
                && isSmall(fields[4], atMost: maxScryptP)
        default:
            // Salted and unsalted MD5/SHA-1 and DES crypt cost microseconds.
            return true
        }
    }

    /// True for a run of ASCII digits whose value is at most `limit`, and for anything that is not such a
    /// run at all (the hashers reject those before doing any work). Long runs count as large.
    private static func isSmall(_ field: String, atMost limit: Int) -> Bool {
        guard !field.isEmpty, field.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return true }
        guard field.utf8.count <= 9, let value = Int(field) else { return false }
        return value <= limit
    }
}
