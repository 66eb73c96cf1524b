/// Turns the request-line target into the one canonical path that is both routed and forwarded, so the
/// gateway and the upstream can never disagree about which route a request belongs to.
public enum RequestTarget {
    public static let maxPathBytes = 8_192

    public static func canonicalize(_ target: some Collection<UInt8>) -> Result<CanonicalTarget, PathRejection> {
        if let result = target.withContiguousStorageIfAvailable({ canonicalize(buffer: $0) }) {
            return result
        }
        return Array(target).withUnsafeBufferPointer { canonicalize(buffer: $0) }
    }

    public static func canonicalize(_ target: String) -> Result<CanonicalTarget, PathRejection> {
        var target = target
        return target.withUTF8 { canonicalize(buffer: $0) }
    }

    private static func canonicalize(buffer b: UnsafeBufferPointer<UInt8>) -> Result<CanonicalTarget, PathRejection> {
        let n = b.count
        guard n > 0 else { return .failure(.empty) }

        var pathStart = 0
        var authority: String?
        if b[0] != UInt8(ascii: "/") {
            if n == 1 && b[0] == UInt8(ascii: "*") { return .failure(.asteriskForm) }
            guard let schemeLength = absoluteFormSchemeLength(b) else { return .failure(.notOriginForm) }
            var i = schemeLength
            while i < n && b[i] != UInt8(ascii: "/") && b[i] != UInt8(ascii: "?") && b[i] != UInt8(ascii: "#") {
                i += 1
            }
            guard let parsed = validAuthority(UnsafeBufferPointer(rebasing: b[schemeLength..<i])) else {
                return .failure(.invalidAuthority)
            }
            authority = parsed
            pathStart = i
        }

        var pathEnd = pathStart
        while pathEnd < n && b[pathEnd] != UInt8(ascii: "?") && b[pathEnd] != UInt8(ascii: "#") { pathEnd += 1 }
        // A fragment is never sent by a conforming client; accepting it is how Envoy's CVE-2021-32779
        // made the auth filter and the router see different paths.
        var j = pathEnd
        while j < n {
            if b[j] == UInt8(ascii: "#") { return .failure(.fragment) }
            j += 1
        }
        if pathEnd - pathStart > maxPathBytes { return .failure(.tooLong) }

        var query: String?
        if pathEnd < n {
            switch validQuery(UnsafeBufferPointer(rebasing: b[(pathEnd + 1)..<n])) {
            case .success(let q): query = q
            case .failure(let rejection): return .failure(rejection)
            }
        }

        let path: String
        if pathStart == pathEnd {
            path = "/"  // `http://host` and `http://host?q` name the root
        } else {
            switch DotSegments.canonicalPath(UnsafeBufferPointer(rebasing: b[pathStart..<pathEnd])) {
            case .success(let p): path = p
            case .failure(let rejection): return .failure(rejection)
            }
        }
        return .success(CanonicalTarget(path: path, query: query, authority: authority))
    }

    /// 7 for `http://`, 8 for `https://` (scheme case-insensitive), else nil.
    private static func absoluteFormSchemeLength(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
        func lower(_ byte: UInt8) -> UInt8 { byte | 0x20 }
        guard b.count >= 7, lower(b[0]) == UInt8(ascii: "h"), lower(b[1]) == UInt8(ascii: "t"),
            lower(b[2]) == UInt8(ascii: "t"), lower(b[3]) == UInt8(ascii: "p")
        else { return nil }
        var i = 4
        if lower(b[i]) == UInt8(ascii: "s") { i += 1 }
        guard i + 3 <= b.count, b[i] == UInt8(ascii: ":"), b[i + 1] == UInt8(ascii: "/"),
            b[i + 2] == UInt8(ascii: "/")
        else { return nil }
        return i + 3
    }

    /// host[:port] with printable ASCII only; userinfo (`user@`) is refused because it is deprecated in
    /// HTTP URIs and only ever used to confuse URL parsers.
    private static func validAuthority(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard !bytes.isEmpty else { return nil }
        for byte in bytes {
            if byte <= 0x20 || byte >= 0x7F || byte == UInt8(ascii: "@") || byte == UInt8(ascii: "\\")
                || byte == UInt8(ascii: "%")
            {
                return nil
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The query is forwarded byte for byte, so it only has to be something a header-safe request line
    /// and a Swift `String` can hold unchanged: no control bytes, valid UTF-8.
    private static func validQuery(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<String, PathRejection> {
        var ascii = true
        for byte in bytes {
            if byte == 0 { return .failure(.nulByte) }
            if PercentEncoding.isControl(byte) { return .failure(.controlCharacter) }
            if byte >= 0x80 { ascii = false }
        }
        let query = String(decoding: bytes, as: UTF8.self)
        // Decoding replaces invalid sequences with U+FFFD; comparing back detects that without a
        // second validating pass in the common ASCII case.
        if !ascii && !query.utf8.elementsEqual(bytes) { return .failure(.invalidQuery) }
        return .success(query)
    }
}
