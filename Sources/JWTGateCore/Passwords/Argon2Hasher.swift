import CJWTGateArgon2

/// `argon2$argon2id$v=19$m=102400,t=2,p=8$<salt>$<hash>` and its older forms (spec §7.1): Django
/// stores argon2-cffi's PHC string behind an `argon2` name and verifies it with `argon2_verify`.
/// libargon2 reads a missing `v=` as version 0x10, like argon2-cffi (which bundles the same code),
/// takes the variant (i, id or d, as argon2-cffi does) and the hash length from the string, and
/// compares in constant time itself.
enum Argon2Hasher {
    static func verify(_ password: [UInt8], against encoded: [UInt8]) -> Bool {
        guard !encoded.contains(0),
              let fields = EncodedHashFields.split(encoded, maxSplits: 1),
              String(decoding: fields[0], as: UTF8.self) == DjangoHashAlgorithm.argon2.rawValue
        else {
            return false
        }
        let phc = [UInt8(ascii: "$")] + fields[1]
        guard let (type, parameters) = parse(phc), parameters.areWithinLimits else {
            return false
        }
        let status = (phc + [0]).withUnsafeBufferPointer { phcBytes in
            phcBytes.withMemoryRebound(to: CChar.self) { phcChars in
                password.withUnsafeBytes { passwordBytes in
                    argon2_verify(phcChars.baseAddress, passwordBytes.baseAddress, passwordBytes.count, type)
                }
            }
        }
        return status == ARGON2_OK.rawValue
    }

    struct Parameters {
        var memoryKiB: UInt64
        var iterations: UInt64
        var parallelism: UInt64

        var areWithinLimits: Bool {
            (1...PasswordHashLimits.maxArgon2MemoryKiB).contains(memoryKiB)
                && (1...PasswordHashLimits.maxArgon2Iterations).contains(iterations)
                && (1...PasswordHashLimits.maxArgon2Parallelism).contains(parallelism)
                && memoryKiB * iterations <= PasswordHashLimits.maxArgon2Work
        }
    }

    /// The variant and cost parameters of `$argon2<variant>[$v=<n>]$m=<m>,t=<t>,p=<p>$<salt>$<hash>`,
    /// read before hashing so that absurd values are refused instead of allocated. libargon2 decodes
    /// the full string again (salt, hash and version) and rejects what it does not accept.
    static func parse(_ phc: [UInt8]) -> (argon2_type, Parameters)? {
        let fields = phc.split(separator: UInt8(ascii: "$"), omittingEmptySubsequences: false)
        guard fields.count == 5 || fields.count == 6, fields[0].isEmpty else {
            return nil
        }
        let type: argon2_type
        switch String(decoding: fields[1], as: UTF8.self) {
        case "argon2id": type = Argon2_id
        case "argon2i": type = Argon2_i
        case "argon2d": type = Argon2_d
        default: return nil
        }
        if fields.count == 6 {
            guard fields[2].starts(with: "v=".utf8), EncodedHashFields.decimal(fields[2].dropFirst(2)) != nil else {
                return nil
            }
        }
        let costs = fields[fields.count - 3].split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
        guard costs.count == 3,
              let memory = value(of: "m=", in: costs[0]),
              let iterations = value(of: "t=", in: costs[1]),
              let parallelism = value(of: "p=", in: costs[2])
        else {
            return nil
        }
        return (type, Parameters(memoryKiB: memory, iterations: iterations, parallelism: parallelism))
    }

    private static func value(of key: String, in field: ArraySlice<UInt8>) -> UInt64? {
        guard field.starts(with: key.utf8), let number = EncodedHashFields.decimal(field.dropFirst(2)) else {
            return nil
        }
        return UInt64(number)
    }
}
