/// `application/x-www-form-urlencoded` bodies as Django 3.2's `QueryDict` reads them
/// (`urllib.parse.parse_qsl(keep_blank_values=True)` on Python 3.11).
enum FormURLEncoded {
    /// Pairs in body order. The body is decoded with the charset, falling back to latin-1 for
    /// the whole body when that fails; `&` separates pairs (not `;`); a pair without `=` has an
    /// empty value; empty pairs are skipped; `+` is a space; `%XX` runs are decoded with the
    /// charset and U+FFFD for undecodable bytes.
    static func parse(_ body: [UInt8], charset: BodyCharset) -> [(name: String, value: String)] {
        let text = charset.decodeStrict(body) ?? PythonUTF8.decodeLatin1(body)
        var pairs: [(name: String, value: String)] = []
        for piece in text.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let name: Substring.UTF8View.SubSequence
            let value: Substring.UTF8View.SubSequence
            if let equals = piece.firstIndex(of: UInt8(ascii: "=")) {
                name = piece[..<equals]
                value = piece[piece.index(after: equals)...]
            } else {
                name = piece
                value = piece[piece.endIndex...]
            }
            pairs.append((unquotePlus(Array(name), charset: charset), unquotePlus(Array(value), charset: charset)))
        }
        return pairs
    }

    /// `urllib.parse.unquote(text.replace("+", " "), encoding, errors="replace")` on UTF-8 text:
    /// each maximal ASCII run is percent-decoded to bytes and decoded; other characters stay.
    static func unquotePlus(_ utf8: [UInt8], charset: BodyCharset) -> String {
        unquote(utf8, charset: charset, plusIsSpace: true)
    }

    /// `urllib.parse.unquote`, optionally after `+` → space (`unquote_plus`).
    static func unquote(_ utf8: [UInt8], charset: BodyCharset, plusIsSpace: Bool) -> String {
        if !utf8.contains(UInt8(ascii: "%")) && !(plusIsSpace && utf8.contains(UInt8(ascii: "+"))) {
            return String(decoding: utf8, as: UTF8.self)
        }
        var output: [UInt8] = []
        output.reserveCapacity(utf8.count)
        var run: [UInt8] = []
        func flushRun() {
            guard !run.isEmpty else { return }
            output.append(contentsOf: charset.decodeReplacing(run).utf8)
            run.removeAll(keepingCapacity: true)
        }
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            if byte >= 0x80 {
                flushRun()
                output.append(byte)
                index += 1
                continue
            }
            if byte == UInt8(ascii: "%"), index + 2 < utf8.count, let high = hex(utf8[index + 1]), let low = hex(utf8[index + 2]) {
                run.append(high << 4 | low)
                index += 3
                continue
            }
            run.append(plusIsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
            index += 1
        }
        flushRun()
        return String(decoding: output, as: UTF8.self)
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
