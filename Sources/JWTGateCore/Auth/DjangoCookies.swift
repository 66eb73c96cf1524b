/// Django's `parse_cookie` (Django 3.2): split on `;`, split each chunk on the first `=`, strip,
/// last occurrence wins, values unquoted with Python's `http.cookies._unquote`.
public enum DjangoCookies {
    /// The value of cookie `name`, or nil when absent.
    ///
    /// Code points throughout, as Python's `str` methods see them: Swift's `Character` view would read `;`
    /// followed by a combining mark (U+0327) as one grapheme and not split there, and would strip a space
    /// together with the combining mark after it (found by the differential fuzzer against Django).
    public static func value(named name: String, in header: String) -> String? {
        var found: String?
        for chunk in header.unicodeScalars.split(separator: ";", omittingEmptySubsequences: false) {
            let key: Substring.UnicodeScalarView
            let value: Substring.UnicodeScalarView
            if let equals = chunk.firstIndex(of: "=") {
                key = chunk[..<equals]
                value = chunk[chunk.index(after: equals)...]
            } else {
                key = chunk[chunk.startIndex..<chunk.startIndex]
                value = chunk
            }
            // Code points, as Python's dict lookup compares them: Swift's `==` would let a cookie
            // named "\u{212A}ookie" (Kelvin sign) stand in for "Kookie".
            if String(Substring(trimmed(key))).isExactly(name) { found = unquote(Substring(trimmed(value))) }
        }
        return found
    }

    /// Python's `str.strip()`: whitespace code points off both ends, nothing else.
    private static func trimmed(_ s: Substring.UnicodeScalarView) -> Substring.UnicodeScalarView {
        var s = s
        while let first = s.first, PythonInt.isPythonWhitespace(first) { s = s.dropFirst() }
        while let last = s.last, PythonInt.isPythonWhitespace(last) { s = s.dropLast() }
        return s
    }

    /// `_unquote`: a value in double quotes loses them and has `\ooo` octal and `\X` escapes resolved.
    static func unquote(_ s: Substring) -> String {
        let all = Array(s.unicodeScalars)
        guard all.count >= 2, all.first == "\"", all.last == "\"" else { return String(s) }
        let inner = all[1..<(all.count - 1)]
        var out = String.UnicodeScalarView()
        var i = inner.startIndex
        while i < inner.endIndex {
            let c = inner[i]
            // `_unquote`'s pattern is `\\(?:([0-3][0-7][0-7])|(.))`, and `.` does not match a newline.
            guard c == "\\", i + 1 < inner.endIndex, inner[i + 1] != "\n" else {
                out.append(c)
                i += 1
                continue
            }
            if i + 3 < inner.endIndex, ("0"..."3").contains(inner[i + 1]),
               let d1 = octal(inner[i + 2]), let d2 = octal(inner[i + 3]) {
                out.append(Unicode.Scalar((inner[i + 1].value - 48) * 64 + d1 * 8 + d2)!)
                i += 4
            } else {
                out.append(inner[i + 1])
                i += 2
            }
        }
        return String(out)
    }

    private static func octal(_ c: Unicode.Scalar) -> UInt32? {
        ("0"..."7").contains(c) ? c.value - 48 : nil
    }
}
