/// Allocation-free header-name comparisons on UTF-8 bytes.
///
/// "Normalised" means ASCII case folded and `_` and `.` read as `-`: WSGI/CGI turn `X-Auth-User`,
/// `X_Auth_User` into the same `HTTP_X_AUTH_USER`, and PHP also folds `.` (Django CVE-2015-0219,
/// oauth2-proxy CVE-2025-64484, Traefik GHSA-x677-9fxg-v5c5), so protected names are compared that way.
enum HeaderName {
    @inline(__always)
    static func fold(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    @inline(__always)
    static func normalize(_ byte: UInt8) -> UInt8 {
        byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") ? UInt8(ascii: "-") : fold(byte)
    }

    /// `name` equals `lowercase` ignoring ASCII case.
    static func equals(_ name: String, _ lowercase: StaticString) -> Bool {
        compare(name, lowercase, prefixOnly: false, transform: fold)
    }

    /// `name` equals `lowercase` after normalisation.
    static func normalizedEquals(_ name: String, _ lowercase: StaticString) -> Bool {
        compare(name, lowercase, prefixOnly: false, transform: normalize)
    }

    /// `name` starts with `lowercase` after normalisation.
    static func normalizedHasPrefix(_ name: String, _ lowercase: StaticString) -> Bool {
        compare(name, lowercase, prefixOnly: true, transform: normalize)
    }

    /// Two runtime names equal ignoring ASCII case (a `Connection` token against a header name).
    static func equalsToken(_ a: String, _ b: Substring) -> Bool {
        let a = a.utf8, b = b.utf8
        guard a.count == b.count else { return false }
        return a.elementsEqual(b) { fold($0) == fold($1) }
    }

    @inline(__always)
    private static func compare(
        _ name: String, _ lowercase: StaticString, prefixOnly: Bool, transform: (UInt8) -> UInt8
    ) -> Bool {
        let expected = UnsafeBufferPointer(start: lowercase.utf8Start, count: lowercase.utf8CodeUnitCount)
        let utf8 = name.utf8
        let count = utf8.count
        if prefixOnly ? count < expected.count : count != expected.count { return false }
        var i = 0
        for byte in utf8 {
            if i == expected.count { break }
            if transform(byte) != expected[i] { return false }
            i += 1
        }
        return true
    }
}

/// RFC 9110 syntax checks for names and values the server copies between client, gateway and upstream.
public enum HeaderSyntax {
    /// A non-empty RFC 9110 token: `!#$%&'*+-.^_`|~`, digits and letters.
    public static func isValidHeaderName(_ name: String) -> Bool {
        let utf8 = name.utf8
        guard !utf8.isEmpty else { return false }
        for byte in utf8 where !isTokenByte(byte) { return false }
        return true
    }

    /// No CR, LF, NUL or other control byte except HTAB (RFC 9110 §5.5); obs-text (≥ 0x80) allowed.
    public static func isValidHeaderValue(_ value: String) -> Bool {
        for byte in value.utf8 where (byte < 0x20 && byte != 0x09) || byte == 0x7F { return false }
        return true
    }

    @inline(__always)
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }
}
