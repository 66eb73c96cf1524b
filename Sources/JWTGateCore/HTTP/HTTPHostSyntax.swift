/// `host [ ":" port ]` of RFC 3986 §3.2.2–3.2.3, for the Host field and CONNECT's authority-form.
/// host is a bracketed IPv6 address or a non-empty reg-name (which every IPv4 address also is); port is
/// 1–5 digits up to 65535. Stricter than RFC 3986 in three places, each a value no client sends on
/// purpose: an empty host (nginx refuses it too), an empty port after `:`, and IPvFuture literals.
enum HTTPHostSyntax {
    static func isValid(_ b: UnsafeRawBufferPointer, portRequired: Bool) -> Bool {
        guard !b.isEmpty else { return false }
        var hostEnd: Int
        if b[0] == UInt8(ascii: "[") {
            guard let close = b.firstIndex(of: UInt8(ascii: "]")), close > 1,
                  isIPv6(UnsafeRawBufferPointer(rebasing: b[1..<close])) else { return false }
            hostEnd = close + 1
        } else {
            hostEnd = 0
            while hostEnd < b.count && b[hostEnd] != UInt8(ascii: ":") { hostEnd += 1 }
            guard hostEnd > 0, isRegName(UnsafeRawBufferPointer(rebasing: b[0..<hostEnd])) else { return false }
        }
        if hostEnd == b.count { return !portRequired }
        guard b[hostEnd] == UInt8(ascii: ":") else { return false }
        return isPort(UnsafeRawBufferPointer(rebasing: b[(hostEnd + 1)...]))
    }

    private static func isPort(_ b: UnsafeRawBufferPointer) -> Bool {
        guard (1...5).contains(b.count) else { return false }
        var value = 0
        for byte in b {
            guard HTTPBytes.isDigit(byte) else { return false }
            value = value * 10 + Int(byte - 0x30)
        }
        return value <= 65_535
    }

    /// reg-name = *( unreserved / pct-encoded / sub-delims ), non-empty here.
    private static func isRegName(_ b: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        while i < b.count {
            let byte = b[i]
            if byte == UInt8(ascii: "%") {
                guard i + 2 < b.count, HTTPBytes.hexValue(b[i + 1]) != nil, HTTPBytes.hexValue(b[i + 2]) != nil
                else { return false }
                i += 3
                continue
            }
            guard isUnreservedOrSubDelim(byte) else { return false }
            i += 1
        }
        return true
    }

    /// unreserved / sub-delims: ALPHA DIGIT - . _ ~ ! $ & ' ( ) * + , ; =
    private static func isUnreservedOrSubDelim(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
             UInt8(ascii: "~"), UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&")...UInt8(ascii: ","),
             UInt8(ascii: ";"), UInt8(ascii: "="):
            return true
        default:
            return false
        }
    }

    /// IPv6address of RFC 3986: eight 16-bit groups, or fewer with one `::`, the last 32 bits optionally
    /// written as an IPv4 address.
    static func isIPv6(_ b: UnsafeRawBufferPointer) -> Bool {
        let n = b.count
        var i = 0
        var groups = 0
        var compressed = false
        if n >= 2 && b[0] == UInt8(ascii: ":") && b[1] == UInt8(ascii: ":") {
            compressed = true
            i = 2
            if i == n { return true }
        }
        while true {
            let groupStart = i
            while i < n && i - groupStart < 5 && HTTPBytes.hexValue(b[i]) != nil { i += 1 }
            if i < n && b[i] == UInt8(ascii: ".") {
                guard isIPv4(UnsafeRawBufferPointer(rebasing: b[groupStart...])) else { return false }
                groups += 2
                break
            }
            guard (1...4).contains(i - groupStart) else { return false }
            groups += 1
            if i == n { break }
            guard b[i] == UInt8(ascii: ":") else { return false }
            i += 1
            if i < n && b[i] == UInt8(ascii: ":") {
                guard !compressed else { return false }
                compressed = true
                i += 1
                if i == n { break }
            } else if i == n {
                return false
            }
        }
        return compressed ? groups <= 7 : groups == 8
    }

    /// Four dec-octets (0–255, no leading zero) separated by dots.
    static func isIPv4(_ b: UnsafeRawBufferPointer) -> Bool {
        var octets = 0
        var i = 0
        while true {
            let start = i
            var value = 0
            while i < b.count && HTTPBytes.isDigit(b[i]) && i - start < 3 {
                value = value * 10 + Int(b[i] - 0x30)
                i += 1
            }
            let digits = i - start
            guard digits > 0, value <= 255, digits == 1 || b[start] != UInt8(ascii: "0") else { return false }
            octets += 1
            if octets == 4 { return i == b.count }
            guard i < b.count && b[i] == UInt8(ascii: ".") else { return false }
            i += 1
        }
    }
}
