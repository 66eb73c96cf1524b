/// `crypt$$<13-char DES crypt>` (spec §7.1). Django's `CryptPasswordHasher.verify` compares the data
/// after the second `$` with `crypt.crypt(password, data)`, so DES reads its 2-char salt from the
/// start of the data and the (always empty) middle field is ignored. Only traditional DES hashes are
/// accepted, the only kind Django writes; DES uses the first 8 password bytes.
enum CryptHasher {
    private static let desHashLength = 13

    static func verify(_ password: [UInt8], against encoded: [UInt8]) -> Bool {
        guard let fields = EncodedHashFields.split(encoded, maxSplits: 2),
              String(decoding: fields[0], as: UTF8.self) == DjangoHashAlgorithm.crypt.rawValue
        else {
            return false
        }
        let data = Array(fields[2])
        guard data.count == desHashLength, data.allSatisfy(Libxcrypt.isCryptBase64),
              let hashed = Libxcrypt.crypt(password, setting: Array(data.prefix(2)))
        else {
            return false
        }
        return ConstantTime.equals(hashed, data)
    }
}
