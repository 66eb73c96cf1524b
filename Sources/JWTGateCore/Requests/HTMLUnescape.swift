/// The part of Python's `html.unescape` that can change whether an upload's file name is
/// empty, `.`/`..` or whitespace: numeric references and the common named ones. Other named
/// references are left as written (an approximation of the full HTML5 table).
enum HTMLUnescape {
    static func unescape(_ text: String) -> String {
        // Bytes, not graphemes: an `&` after a prepended mark (U+0600) is part of that grapheme.
        guard text.utf8.contains(UInt8(ascii: "&")) else { return text }
        let named: [String: String] = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}"]
        var output = ""
        var scalars = Substring(text).unicodeScalars[...]
        while let first = scalars.first {
            scalars.removeFirst()
            guard first == "&" else {
                output.unicodeScalars.append(first)
                continue
            }
            let reference = scalars.prefix(while: { $0 != ";" && $0 != "&" }).prefix(32)
            let body = String(String.UnicodeScalarView(reference))
            let terminated = scalars.dropFirst(reference.count).first == ";"
            if terminated, body.hasPrefix("#") {
                let digits = body.dropFirst()
                let hex = digits.first == "x" || digits.first == "X"
                // Python's pattern is `#[0-9]+` or `#[xX][0-9a-fA-F]+`: no sign (UInt32("+32") would read 32).
                let number = hex ? digits.dropFirst() : digits
                let value = !number.isEmpty && number.unicodeScalars.allSatisfy({ hex ? $0.properties.isASCIIHexDigit : ("0"..."9").contains($0) })
                    ? UInt32(number, radix: hex ? 16 : 10) : nil
                if let value {
                    let scalar = (value == 0 || value > 0x10FFFF || (0xD800...0xDFFF).contains(value)) ? "\u{FFFD}" : Unicode.Scalar(value)!
                    output.unicodeScalars.append(scalar)
                    scalars.removeFirst(reference.count + 1)
                    continue
                }
            } else if terminated, let replacement = named[body] {
                output += replacement
                scalars.removeFirst(reference.count + 1)
                continue
            }
            output.unicodeScalars.append(first)
        }
        return output
    }
}
