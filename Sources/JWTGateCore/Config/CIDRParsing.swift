import Foundation

/// IPv4/IPv6 addresses and CIDR blocks for `server.trusted_proxies` and `server.listen`.
enum IPAddressParsing {
    /// `192.0.2.1` → 4 bytes. Four decimal parts 0–255, nothing else.
    static func ipv4(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.unicodeScalars.allSatisfy(ConfigCharacters.isDigit),
                  let value = UInt8(part) else { return nil }
            bytes.append(value)
        }
        return bytes
    }

    /// `2001:db8::1`, `::1`, `::ffff:192.0.2.1` → 16 bytes. No zone index, no brackets.
    static func ipv6(_ text: String) -> [UInt8]? {
        guard text.contains(":") else { return nil }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String, allowIPv4Tail: Bool) -> [UInt16]? {
            if part.isEmpty { return [] }
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            var result: [UInt16] = []
            for (index, piece) in pieces.enumerated() {
                if allowIPv4Tail, index == pieces.count - 1, piece.contains(".") {
                    guard let v4 = ipv4(String(piece)) else { return nil }
                    result.append(UInt16(v4[0]) << 8 | UInt16(v4[1]))
                    result.append(UInt16(v4[2]) << 8 | UInt16(v4[3]))
                    continue
                }
                guard (1...4).contains(piece.count), piece.unicodeScalars.allSatisfy(ConfigCharacters.isHexDigit),
                      let value = UInt16(piece, radix: 16) else { return nil }
                result.append(value)
            }
            return result
        }
        let all: [UInt16]
        if halves.count == 2 {
            guard let head = groups(halves[0], allowIPv4Tail: false),
                  let tail = groups(halves[1], allowIPv4Tail: true),
                  head.count + tail.count <= 7 else { return nil }
            all = head + [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
        } else {
            guard let only = groups(text, allowIPv4Tail: true), only.count == 8 else { return nil }
            all = only
        }
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    /// `10.0.0.0/8`, `::1/128`; a bare address is a single host (/32 or /128).
    static func cidr(_ text: String) -> CIDRBlock? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return nil }
        let addressText = String(parts[0])
        guard let address = ipv4(addressText) ?? ipv6(addressText) else { return nil }
        let maximum = address.count * 8
        guard parts.count == 2 else { return CIDRBlock(address: address, prefixLength: maximum) }
        guard !parts[1].isEmpty, parts[1].count <= 3, parts[1].unicodeScalars.allSatisfy(ConfigCharacters.isDigit),
              let prefix = Int(parts[1]), prefix <= maximum else { return nil }
        return CIDRBlock(address: address, prefixLength: prefix)
    }
}
