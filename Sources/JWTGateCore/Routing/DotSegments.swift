/// Builds the canonical path in one pass: percent-normalises each segment as it is copied, then applies
/// RFC 3986 §5.2.4 dot-segment removal and `//` merging on the copied segment, so `%2e%2e` is seen as `..`.
///
/// `;` policy: `;` is an ordinary path character (Django and most WSGI servers treat it so), but a segment
/// whose part before the first `;` is `.` or `..` (`..;`, `..;x=1`, `.;`) is rejected. Tomcat/Jetty strip
/// matrix parameters before resolving dot-segments, so `/api/public/..;/admin` would be `/api/admin`
/// there while we would match `/api/public/`; no legitimate client sends such a segment, so refusing it
/// closes that disagreement for any upstream. `..%3B` stays encoded and is no dot-segment anywhere.
enum DotSegments {
    private enum SegmentKind { case normal, empty, dot, dotDot, dotWithParameters }

    /// `path` starts with `/` and holds neither `?` nor `#`.
    static func canonicalPath(_ path: UnsafeBufferPointer<UInt8>) -> Result<String, PathRejection> {
        // Exact capacity: only bytes that must be re-encoded grow (1 → 3); +1 for a final `/`.
        var growth = 0
        for byte in path where byte >= 0x80 || (!PercentEncoding.isLiteralPathByte(byte)
            && byte != UInt8(ascii: "%") && byte != UInt8(ascii: "/"))
        {
            growth += 2
        }
        var failure: PathRejection?
        let result = String(unsafeUninitializedCapacity: path.count + growth + 1) { out in
            switch write(path, into: out) {
            case .success(let count): return count
            case .failure(let rejection): failure = rejection; return 0
            }
        }
        if let failure { return .failure(failure) }
        if result.utf8.count > RequestTarget.maxPathBytes { return .failure(.tooLong) }
        return .success(result)
    }

    private static func write(
        _ path: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>
    ) -> Result<Int, PathRejection> {
        let slash = UInt8(ascii: "/")
        let end = path.count
        var i = 0
        var o = 0
        var trailingSlash = false
        while i < end {
            // Here path[i] == "/".
            i += 1
            let segmentStart = o
            out[o] = slash
            o += 1
            while i < end && path[i] != slash {
                let byte = path[i]
                if byte == UInt8(ascii: "%") {
                    guard i + 2 < end, let hi = PercentEncoding.hexValue(path[i + 1]),
                        let lo = PercentEncoding.hexValue(path[i + 2])
                    else { return .failure(.invalidPercentEncoding) }
                    let decoded = hi << 4 | lo
                    if PercentEncoding.isUnreserved(decoded) {
                        out[o] = decoded
                        o += 1
                    } else {
                        switch decoded {
                        case slash: return .failure(.encodedSlash)
                        case UInt8(ascii: "\\"): return .failure(.encodedBackslash)
                        case 0: return .failure(.encodedNUL)
                        // Encoded CR/LF etc. are a log- and header-injection vector in upstream apps
                        // and never part of a legitimate API path.
                        case _ where PercentEncoding.isControl(decoded): return .failure(.encodedControlCharacter)
                        default:
                            out[o] = UInt8(ascii: "%")
                            out[o + 1] = PercentEncoding.upperHex[Int(hi)]
                            out[o + 2] = PercentEncoding.upperHex[Int(lo)]
                            o += 3
                        }
                    }
                    i += 3
                    continue
                }
                if byte == UInt8(ascii: "\\") { return .failure(.backslash) }
                if byte == 0 { return .failure(.nulByte) }
                if PercentEncoding.isControl(byte) { return .failure(.controlCharacter) }
                if PercentEncoding.isLiteralPathByte(byte) {
                    out[o] = byte
                    o += 1
                } else {
                    out[o] = UInt8(ascii: "%")
                    out[o + 1] = PercentEncoding.upperHex[Int(byte >> 4)]
                    out[o + 2] = PercentEncoding.upperHex[Int(byte & 0x0F)]
                    o += 3
                }
                i += 1
            }

            let kind = classify(out, from: segmentStart + 1, to: o)
            switch kind {
            case .normal:
                break
            case .empty, .dot:
                o = segmentStart
            case .dotDot:
                o = segmentStart
                if o == 0 { return .failure(.climbsAboveRoot) }
                // Segments never contain a literal "/" (an encoded one was refused), so the previous
                // "/" in the output is where the segment to drop begins.
                repeat { o -= 1 } while out[o] != slash
            case .dotWithParameters:
                return .failure(.dotSegmentWithParameters)
            }
            trailingSlash = kind != .normal
        }
        if o == 0 || trailingSlash {
            out[o] = slash
            o += 1
        }
        return .success(o)
    }

    @inline(__always)
    private static func classify(_ out: UnsafeMutableBufferPointer<UInt8>, from start: Int, to end: Int) -> SegmentKind {
        let dot = UInt8(ascii: ".")
        let count = end - start
        if count == 0 { return .empty }
        if out[start] != dot { return .normal }
        if count == 1 { return .dot }
        if out[start + 1] == UInt8(ascii: ";") { return .dotWithParameters }
        if out[start + 1] != dot { return .normal }
        if count == 2 { return .dotDot }
        if out[start + 2] == UInt8(ascii: ";") { return .dotWithParameters }
        return .normal
    }
}
