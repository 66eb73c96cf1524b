/// Byte classes of RFC 9110/9112, as branch-light inline tests: the parser asks one of these per byte,
/// so they must compile to a compare or a shift, never to a table behind a lazy global.
enum HTTPBytes {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let colon: UInt8 = 0x3A

    /// tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" /
    /// DIGIT / ALPHA, as two 64-bit masks (bytes 0–63 and 64–127); HTTPBytesTests checks them against
    /// this list.
    @inline(__always)
    static func isToken(_ byte: UInt8) -> Bool {
        if byte < 64 { return (0x03FF_6CFA_0000_0000 as UInt64) >> byte & 1 == 1 }
        if byte < 128 { return (0x57FF_FFFF_C7FF_FFFE as UInt64) >> (byte &- 64) & 1 == 1 }
        return false
    }

    /// VCHAR: the only bytes a request-target may hold (RFC 9112 §3.2 allows no more; raw UTF-8 or
    /// spaces in a target is how parsers start to disagree about where it ends).
    @inline(__always)
    static func isTargetByte(_ byte: UInt8) -> Bool {
        byte &- 0x21 < 0x7F - 0x21
    }

    /// field-vchar / SP / HTAB: visible ASCII and obs-text (0x80–0xFF); no other control character,
    /// and never NUL, CR, LF or DEL (Envoy CVE-2019-9900).
    @inline(__always)
    static func isFieldValueByte(_ byte: UInt8) -> Bool {
        (byte > 0x20 && byte != 0x7F) || byte == space || byte == tab
    }

    @inline(__always)
    static func isOWS(_ byte: UInt8) -> Bool {
        byte == space || byte == tab
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool {
        byte &- 0x30 < 10
    }

    /// The value of a hexadecimal digit, or nil.
    @inline(__always)
    static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case 0x30...0x39: Int(byte - 0x30)
        case 0x41...0x46: Int(byte - 0x41 + 10)
        case 0x61...0x66: Int(byte - 0x61 + 10)
        default: nil
        }
    }

    /// ASCII case-insensitive equality of `bytes` with a lowercase literal; no String is built.
    @inline(__always)
    static func equalsLowercase(_ bytes: UnsafeRawBufferPointer, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        let literal = lowercase.utf8Start
        for index in 0..<bytes.count where bytes[index] | 0x20 != literal[index] {
            // `| 0x20` folds A–Z onto a–z and leaves a–z, digits and '-' alone. The only other bytes it maps
            // onto a literal's characters are controls (0x0D → '-', 0x10–0x19 → digits), which the scanner
            // has already refused in names and values.
            return false
        }
        return true
    }
}
