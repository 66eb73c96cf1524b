/// `json.dumps(value, separators=(",", ":"))` with `ensure_ascii` on (PyJWT's payload encoding)
/// or off (DRF's `JSONRenderer`, which additionally escapes U+2028 and U+2029).
struct PythonJSONSerializer {
    let ensureASCII: Bool

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Bytes that need no escape in either mode: printable ASCII other than `"` and `\`.
    @inline(__always)
    private static func isPlain(_ byte: UInt8) -> Bool {
        byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\")
    }

    func write(_ value: JSONValue, into output: inout [UInt8]) {
        switch value {
        case .null:
            output.append(contentsOf: "null".utf8)
        case .bool(let flag):
            output.append(contentsOf: flag ? "true".utf8 : "false".utf8)
        case .integer(let number):
            PythonJSONSerializer.appendInteger(number, to: &output)
        case .bigInteger(let text):
            output.append(contentsOf: text.utf8)
        case .float(let number):
            // Python's float.__repr__, but JSON's spelling of the non-finite constants (allow_nan=True).
            if number.isNaN {
                output.append(contentsOf: "NaN".utf8)
            } else if number.isInfinite {
                output.append(contentsOf: number < 0 ? "-Infinity".utf8 : "Infinity".utf8)
            } else {
                PythonFloatRepr.append(number, to: &output)
            }
        case .string(let text), .surrogateString(let text, _):
            writeString(text, into: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (offset, element) in elements.enumerated() {
                if offset > 0 { output.append(UInt8(ascii: ",")) }
                write(element, into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            output.append(UInt8(ascii: "{"))
            for (offset, member) in object.members.enumerated() {
                if offset > 0 { output.append(UInt8(ascii: ",")) }
                writeString(member.key, into: &output)
                output.append(UInt8(ascii: ":"))
                write(member.value, into: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    static func appendInteger(_ number: Int64, to output: inout [UInt8]) {
        // Small strings live inline, so this does not allocate.
        output.append(contentsOf: String(number).utf8)
    }

    func writeString(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            // Fast path: copy the longest plain ASCII run in one go.
            var index = 0
            while index < utf8.count {
                let runStart = index
                while index < utf8.count, PythonJSONSerializer.isPlain(utf8[index]) { index += 1 }
                if index > runStart { output.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index])) }
                guard index < utf8.count else { break }
                let byte = utf8[index]
                if byte < 0x80 {
                    writeASCIIEscape(byte, into: &output)
                    index += 1
                    continue
                }
                // A multi-byte sequence (the String guarantees it is well formed).
                let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
                var scalar = UInt32(byte) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
                for offset in 1..<length { scalar = scalar << 6 | UInt32(utf8[index + offset] & 0x3F) }
                if ensureASCII {
                    if scalar >= 0x10000 {
                        let reduced = scalar - 0x10000
                        writeUnicodeEscape(0xD800 | (reduced >> 10), into: &output)
                        writeUnicodeEscape(0xDC00 | (reduced & 0x3FF), into: &output)
                    } else {
                        writeUnicodeEscape(scalar, into: &output)
                    }
                } else if scalar == 0x2028 || scalar == 0x2029 {
                    writeUnicodeEscape(scalar, into: &output)
                } else {
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[index..<(index + length)]))
                }
                index += length
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    private func writeASCIIEscape(_ byte: UInt8, into output: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "\""): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
        case UInt8(ascii: "\\"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
        case 0x0A: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
        case 0x0D: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
        case 0x09: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
        case 0x08: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
        case 0x0C: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
        case 0x7F where !ensureASCII: output.append(byte)  // only ensure_ascii escapes DEL
        default: writeUnicodeEscape(UInt32(byte), into: &output)
        }
    }

    private func writeUnicodeEscape(_ unit: UInt32, into output: inout [UInt8]) {
        let digits = PythonJSONSerializer.hexDigits
        output.append(UInt8(ascii: "\\"))
        output.append(UInt8(ascii: "u"))
        output.append(digits[Int((unit >> 12) & 0xF)])
        output.append(digits[Int((unit >> 8) & 0xF)])
        output.append(digits[Int((unit >> 4) & 0xF)])
        output.append(digits[Int(unit & 0xF)])
    }
}

extension PythonJSON {
    /// Appends `json.dumps(value, separators=(",", ":"), ensure_ascii=ensureASCII)` to `output`;
    /// with `ensureASCII: false`, U+2028/U+2029 are escaped as DRF's renderer does.
    /// A `.surrogateString` is written with its U+FFFD stand-ins (the lone surrogate is not kept).
    public static func serialize(_ value: JSONValue, ensureASCII: Bool, into output: inout [UInt8]) {
        PythonJSONSerializer(ensureASCII: ensureASCII).write(value, into: &output)
    }

    public static func serialize(_ value: JSONValue, ensureASCII: Bool) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(128)
        serialize(value, ensureASCII: ensureASCII, into: &output)
        return output
    }

    /// Python's `str(x)` for a JSON number (`123`, `1.5`, `1e+20`, `inf`); nil for anything else.
    public static func pythonStr(_ value: JSONValue) -> String? {
        switch value {
        case .integer(let number): return String(number)
        case .bigInteger(let text): return text
        case .float(let number): return PythonFloatRepr.repr(number)
        default: return nil
        }
    }
}
