/// A `Content-Type` value read the way DRF 3.14 on Django 3.2 reads it: Django's
/// `parse_header` (semicolon-separated, quote-aware, lower-cased type and parameter names,
/// quoted values unquoted), then `type/subtype` split at the first `/`.
struct MediaType: Equatable {
    var mainType: Substring
    var subType: Substring
    /// Parameter names lower-cased, values as written (quotes removed).
    var parameters: [(name: String, value: String)]

    static func == (lhs: MediaType, rhs: MediaType) -> Bool {
        lhs.mainType == rhs.mainType && lhs.subType == rhs.subType
            && lhs.parameters.map(\.name) == rhs.parameters.map(\.name)
            && lhs.parameters.map(\.value) == rhs.parameters.map(\.value)
    }

    init(parsing raw: String) {
        // The common case — `application/json`, already lower-case, no parameters, no padding — needs
        // none of the general parse's copies (every token request goes through here).
        if Self.isPlainLowercaseType(raw), let slash = raw.utf8.firstIndex(of: UInt8(ascii: "/")) {
            mainType = raw[..<slash]
            subType = raw[raw.utf8.index(after: slash)...]
            parameters = []
            return
        }
        let pieces = MediaType.splitParameters(Array(raw.utf8))
        let fullType = String(decoding: pieces.first ?? [], as: UTF8.self).lowercased()
        // `str.partition("/")` splits at the first `/` code point: Swift's `Character` view would read
        // `/` followed by a combining mark (U+0301) as one grapheme and not split there.
        let scalars = fullType.unicodeScalars
        if let slash = scalars.firstIndex(of: "/") {
            mainType = Substring(scalars[..<slash])
            subType = Substring(scalars[scalars.index(after: slash)...])
        } else {
            mainType = Substring(fullType)
            subType = ""
        }
        parameters = []
        for piece in pieces.dropFirst() {
            guard let equals = piece.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let name = String(decoding: MediaType.trimmed(piece[..<equals]), as: UTF8.self).lowercased()
            var value = Array(MediaType.trimmed(piece[(equals + 1)...]))
            if value.count >= 2, value.first == UInt8(ascii: "\""), value.last == UInt8(ascii: "\"") {
                value = MediaType.unescapeQuoted(Array(value[1..<(value.count - 1)]))
            }
            parameters.append((name, String(decoding: value, as: UTF8.self)))
        }
    }

    /// Only `a-z 0-9 ! # $ & - ^ _ . + /` (no `;`, quote, space or upper case): parsing changes nothing.
    private static func isPlainLowercaseType(_ raw: String) -> Bool {
        var sawAny = false
        for byte in raw.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "/"),
                 UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "!"),
                 UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "^"):
                sawAny = true
            default:
                return false
            }
        }
        return sawAny
    }

    func parameter(_ name: String) -> String? {
        // Django keeps the last occurrence (dict assignment).
        parameters.last(where: { $0.name == name })?.value
    }

    /// DRF `_MediaType.match` with the parser's type on the left: either side's `*` matches.
    func isMatched(byParser main: String, _ sub: String) -> Bool {
        (subType == "*" || subType == sub) && (mainType == "*" || mainType == main)
    }

    /// Django `_parse_header_params(b";" + line)`: split at `;` outside double quotes, strip each.
    static func splitParameters(_ line: [UInt8]) -> [ArraySlice<UInt8>] {
        var pieces: [ArraySlice<UInt8>] = []
        var start = 0
        var quotes = 0
        for (index, byte) in line.enumerated() {
            if byte == UInt8(ascii: "\"") { quotes += 1 }
            // Django's quirk: a `;` at offset 0 of the remainder always splits.
            if byte == UInt8(ascii: ";"), quotes % 2 == 0 || index == start {
                pieces.append(trimmed(line[start..<index]))
                start = index + 1
                quotes = 0
            }
        }
        pieces.append(trimmed(line[start...]))
        return pieces
    }

    /// Python `bytes.strip()`: ASCII whitespace (space, \t, \n, \r, \v, \f).
    static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
        var slice = bytes
        while let first = slice.first, isSpace(first) { slice.removeFirst() }
        while let last = slice.last, isSpace(last) { slice.removeLast() }
        return slice
    }

    /// `value.replace(b"\\\\", b"\\").replace(b'\\"', b'"')`, applied in that order.
    static func unescapeQuoted(_ value: [UInt8]) -> [UInt8] {
        func replace(_ input: [UInt8], _ pattern: [UInt8], with replacement: UInt8) -> [UInt8] {
            var output: [UInt8] = []
            var index = 0
            while index < input.count {
                if index + 1 < input.count, input[index] == pattern[0], input[index + 1] == pattern[1] {
                    output.append(replacement)
                    index += 2
                } else {
                    output.append(input[index])
                    index += 1
                }
            }
            return output
        }
        let backslash = UInt8(ascii: "\\")
        return replace(replace(value, [backslash, backslash], with: backslash), [backslash, UInt8(ascii: "\"")], with: UInt8(ascii: "\""))
    }
}
