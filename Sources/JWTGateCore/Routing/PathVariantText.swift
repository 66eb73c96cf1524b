/// The variant readings themselves, built only for the paths that have them.
enum PathVariantText {
    private static let percent = UInt8(ascii: "%")

    /// What a canonical path or prefix contains that its variants depend on. Hex digits of a
    /// percent-escape do not count as letters: canonical form writes them upper-case on both sides.
    struct Features {
        var hasUppercase = false
        var hasSemicolon = false
    }

    static func features(of text: String) -> Features {
        var features = Features()
        let utf8 = text.utf8
        var i = utf8.startIndex
        while i != utf8.endIndex {
            let byte = utf8[i]
            if byte == percent {
                // Skip the two hex digits (canonical form guarantees they are there).
                i = utf8.index(i, offsetBy: 3, limitedBy: utf8.endIndex) ?? utf8.endIndex
                continue
            }
            if isUppercase(byte) { features.hasUppercase = true }
            if byte == UInt8(ascii: ";") { features.hasSemicolon = true }
            i = utf8.index(after: i)
        }
        return features
    }

    @inline(__always) static func isUppercase(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")
    }

    /// ASCII letters upper-cased outside percent-escapes (whose hex digits canonical form keeps upper-case).
    static func uppercased(_ text: String) -> String { text.uppercased() }

    /// ASCII letters lower-cased outside percent-escapes, so the result is still canonical.
    static func lowercasedOutsideEscapes(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var hexLeft = 0
        for byte in text.utf8 {
            if hexLeft > 0 {
                hexLeft -= 1
                out.append(byte)
            } else {
                if byte == percent { hexLeft = 2 }
                out.append(isUppercase(byte) ? byte | 0x20 : byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// ASCII letters lower-cased (percent-escape hex digits too, alike in keys and paths); same length.
    static func caseFolded(_ text: String) -> String {
        let count = text.utf8.count
        return String(unsafeUninitializedCapacity: count) { out in
            var o = 0
            for byte in text.utf8 {
                out[o] = isUppercase(byte) ? byte | 0x20 : byte
                o += 1
            }
            return count
        }
    }

    /// A canonical path with each segment's `;params` removed, as Tomcat reads it before routing:
    /// `/api/private;x/y` → `/api/private/y`. A segment left empty is dropped (`/a/;x/b` → `/a/b`), as
    /// those servers then merge `//`; an empty last segment stays, being the trailing slash.
    struct SemicolonFree {
        let path: String
        /// For each byte offset in `path` (and its end), the offset in the original path it came from,
        /// so `strip_prefix` can cut the original where the prefix ended in this reading.
        let originalOffsets: [Int]
    }

    static func semicolonFree(_ canonicalPath: String) -> SemicolonFree {
        let bytes = Array(canonicalPath.utf8)
        let slash = UInt8(ascii: "/")
        let end = bytes.count
        var offsets: [Int] = []
        offsets.reserveCapacity(end + 1)
        let path = String(unsafeUninitializedCapacity: end) { out in
            var o = 0
            var i = 0
            while i < end {
                // Here bytes[i] == "/".
                let segmentStart = i + 1
                var segmentEnd = segmentStart
                while segmentEnd < end && bytes[segmentEnd] != slash { segmentEnd += 1 }
                var contentEnd = segmentStart
                while contentEnd < segmentEnd && bytes[contentEnd] != UInt8(ascii: ";") { contentEnd += 1 }
                if contentEnd > segmentStart || segmentEnd == end {
                    out[o] = slash
                    offsets.append(i)
                    o += 1
                    for k in segmentStart..<contentEnd {
                        out[o] = bytes[k]
                        offsets.append(k)
                        o += 1
                    }
                }
                i = segmentEnd
            }
            return o
        }
        offsets.append(end)
        return SemicolonFree(path: path, originalOffsets: offsets)
    }
}
