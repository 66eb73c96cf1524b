/// String literals: `scanstring_unicode` with `strict=True`, including CPython's exact error
/// positions for bad `\uXXXX` escapes and its surrogate-pair joining.
extension PythonJSONParser {
    @inline(__always)
    private func hexValue(_ index: Int) -> UInt32? {
        let byte = bytes[index]
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    /// The four hex digits after the `u` at `uIndex`, which CPython only reads when at least
    /// one more character follows them (`end >= len` is an error even before the closing quote).
    private func unicodeEscape(uIndex: Int) throws(PythonJSONError) -> UInt32 {
        guard uIndex + 5 < bytes.count else { throw error("Invalid \\uXXXX escape", at: uIndex) }
        var value: UInt32 = 0
        for offset in 1...4 {
            guard let digit = hexValue(uIndex + offset) else { throw error("Invalid \\uXXXX escape", at: uIndex) }
            value = value << 4 | digit
        }
        return value
    }

    /// `scanstring_unicode` with `strict=True`; `index` points at the opening quote.
    func scanString(at index: inout Int) throws(PythonJSONError) -> JSONValue {
        let begin = index
        var position = index + 1
        // Fast path: no escapes at all.
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                index = position + 1
                return .string(String(decoding: UnsafeBufferPointer(rebasing: bytes[(begin + 1)..<position]), as: UTF8.self))
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error("Invalid control character at", at: position) }
            position += 1
        }
        guard position < bytes.count else { throw error("Unterminated string starting at", at: begin) }

        var output: [UInt8] = []
        output.reserveCapacity(position - begin + 16)
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[(begin + 1)..<position]))
        var firstSurrogate: UInt16?
        while true {
            guard position < bytes.count else { throw error("Unterminated string starting at", at: begin) }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") { break }
            if byte < 0x20 { throw error("Invalid control character at", at: position) }
            if byte != UInt8(ascii: "\\") {
                output.append(byte)
                position += 1
                continue
            }
            guard position + 1 < bytes.count else { throw error("Unterminated string starting at", at: begin) }
            let escape = bytes[position + 1]
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(escape)
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try unicodeEscape(uIndex: position + 1)
                position += 6
                if scalar >= 0xD800 && scalar <= 0xDBFF,
                   position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") {
                    let low = try unicodeEscape(uIndex: position + 1)
                    if low >= 0xDC00 && low <= 0xDFFF {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        position += 6
                    }
                }
                if scalar >= 0xD800 && scalar <= 0xDFFF {
                    if firstSurrogate == nil { firstSurrogate = UInt16(scalar) }
                    scalar = 0xFFFD
                }
                appendUTF8(Unicode.Scalar(scalar)!, to: &output)
                continue
            default:
                throw error("Invalid \\escape", at: position)
            }
            position += 2
        }
        index = position + 1
        let string = String(decoding: output, as: UTF8.self)
        if let firstSurrogate { return .surrogateString(string, firstSurrogate: firstSurrogate) }
        return .string(string)
    }
}

/// Appends the UTF-8 encoding of `scalar`.
@inline(__always)
func appendUTF8(_ scalar: Unicode.Scalar, to output: inout [UInt8]) {
    let value = scalar.value
    switch value {
    case 0..<0x80:
        output.append(UInt8(value))
    case 0x80..<0x800:
        output.append(0xC0 | UInt8(value >> 6))
        output.append(0x80 | UInt8(value & 0x3F))
    case 0x800..<0x10000:
        output.append(0xE0 | UInt8(value >> 12))
        output.append(0x80 | UInt8((value >> 6) & 0x3F))
        output.append(0x80 | UInt8(value & 0x3F))
    default:
        output.append(0xF0 | UInt8(value >> 18))
        output.append(0x80 | UInt8((value >> 12) & 0x3F))
        output.append(0x80 | UInt8((value >> 6) & 0x3F))
        output.append(0x80 | UInt8(value & 0x3F))
    }
}
