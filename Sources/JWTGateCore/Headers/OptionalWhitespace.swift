extension Substring.UnicodeScalarView {
    /// HTTP optional whitespace (SP, HTAB) off both ends, code point by code point: a header list's items
    /// (`Connection` tokens, `tracestate` members, X-Forwarded-For entries) as every HTTP hop reads them.
    func trimmingOptionalWhitespace() -> Substring.UnicodeScalarView {
        var s = self
        while let first = s.first, first == " " || first == "\t" { s.removeFirst() }
        while let last = s.last, last == " " || last == "\t" { s.removeLast() }
        return s
    }
}
