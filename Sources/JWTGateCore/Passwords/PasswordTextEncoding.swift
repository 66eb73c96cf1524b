/// The text encodings Django's hashers print: standard base64 with padding (`base64.b64encode`)
/// and lowercase hex (`hexdigest()`).
enum PasswordTextEncoding {
    private static let base64Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let hexAlphabet = Array("0123456789abcdef".utf8)

    static func base64(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let remaining = bytes.count - index
            let b0 = UInt32(bytes[index])
            let b1 = remaining > 1 ? UInt32(bytes[index + 1]) : 0
            let b2 = remaining > 2 ? UInt32(bytes[index + 2]) : 0
            let triple = b0 << 16 | b1 << 8 | b2
            output.append(base64Alphabet[Int(triple >> 18 & 0x3F)])
            output.append(base64Alphabet[Int(triple >> 12 & 0x3F)])
            output.append(remaining > 1 ? base64Alphabet[Int(triple >> 6 & 0x3F)] : UInt8(ascii: "="))
            output.append(remaining > 2 ? base64Alphabet[Int(triple & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return output
    }

    static func lowercaseHex(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            output.append(hexAlphabet[Int(byte >> 4)])
            output.append(hexAlphabet[Int(byte & 0x0F)])
        }
        return output
    }
}
