/// Python's `str.isspace()` / `str.strip()` notion of whitespace (bidi class WS, B or S, or
/// category Zs), which DRF's CharField uses for "blank" and trimming — wider than ASCII.
enum PythonWhitespace {
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    /// `text.strip()`.
    static func strip(_ text: String) -> Substring.UnicodeScalarView {
        var scalars = Substring(text).unicodeScalars
        while let first = scalars.first, isSpace(first) { scalars.removeFirst() }
        while let last = scalars.last, isSpace(last) { scalars.removeLast() }
        return scalars
    }
}
