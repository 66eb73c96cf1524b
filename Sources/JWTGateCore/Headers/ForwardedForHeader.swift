/// Reading the X-Forwarded-For entry a trusted proxy appended: the last comma-separated entry of one
/// header line, without SP/HTAB around it. Shared by the per-client transfer cap (`ClientAddressKey`)
/// and the per-address throttle, so both count the same client.
public enum ForwardedForHeader {
    /// The last non-empty entry of `value`, trimmed of SP and HTAB; nil when there is none or it is
    /// only whitespace (the caller falls back to the peer). Empty entries are skipped before taking the
    /// last one, so a trailing `,` leaves the entry before it.
    ///
    /// Split and trimmed by code point, as the proxy that wrote the line and Python's `str.split(",")`
    /// read it: Swift's `Character` view would read `,` followed by a combining mark (U+0301) as one
    /// grapheme and not split there, and would trim a space together with the mark after it.
    public static func lastEntry(_ value: String) -> Substring? {
        guard let entry = value.unicodeScalars.split(separator: ",").last?.trimmingOptionalWhitespace() else { return nil }
        return entry.isEmpty ? nil : Substring(entry)
    }
}
