/// Where the scan of one head stands: the state and every offset found so far. Kept as one value so
/// the scan loop works on a local copy (registers, not memory) and stores it back once per call.
struct HeadCursor: Sendable {
    enum State: UInt8, Sendable {
        case beforeRequestLine, emptyLineLF, method, target, version, requestLineLF
        case fieldLineStart, fieldName, valueLeadingSpace, value, fieldLineLF, finalLF
    }

    var state = State.beforeRequestLine
    /// Bytes of the current head examined so far.
    var scanned = 0
    var requestLineStart = 0
    var methodEnd = 0
    var targetStart = 0
    var targetEnd = 0
    var versionStart = 0
    var lineStart = 0
    var nameEnd = 0
    var valueStart = 0
    var valueEnd = 0
}

enum HeadScanOutcome {
    case incomplete
    /// The final CRLF ends at this offset.
    case complete(headEnd: Int)
    case refused(HTTPParseError)
}

extension HTTPRequestParser {
    /// Advances the cursor over `bytes[cursor.scanned..<end]`, checking the syntax of every byte once.
    /// Meaning (framing, Host, target form) is decided in `finishHead`, once the head is whole.
    mutating func scan(_ p: UnsafeRawBufferPointer, end: Int) -> HeadScanOutcome {
        typealias B = HTTPBytes
        var c = cursor
        defer { cursor = c }
        var i = c.scanned
        defer { c.scanned = i }

        while i < end {
            switch c.state {
            case .beforeRequestLine:
                // RFC 9112 §2.2: empty lines before the request line are ignored (as llhttp and nginx do),
                // but each must be a full CRLF, and they count against maxHeadBytes.
                if p[i] == B.cr {
                    i += 1
                    c.state = .emptyLineLF
                } else if p[i] == B.lf {
                    return .refused(.bareLineFeed)
                } else {
                    c.requestLineStart = i
                    c.state = .method
                }
            case .emptyLineLF:
                guard p[i] == B.lf else { return .refused(.bareCarriageReturn) }
                i += 1
                c.state = .beforeRequestLine
            case .method:
                while i < end && B.isToken(p[i]) { i += 1 }
                guard i < end else { return .incomplete }
                guard p[i] == B.space && i > c.requestLineStart else { return .refused(.invalidMethod) }
                c.methodEnd = i
                i += 1
                c.targetStart = i
                c.state = .target
            case .target:
                let stop = min(end, c.targetStart + limits.maxTargetBytes + 1)
                while i < stop && B.isTargetByte(p[i]) { i += 1 }
                if i - c.targetStart > limits.maxTargetBytes { return .refused(.targetTooLong) }
                guard i < end else { return .incomplete }
                guard p[i] == B.space && i > c.targetStart else { return .refused(.invalidTarget) }
                c.targetEnd = i
                i += 1
                c.versionStart = i
                c.state = .version
            case .version:
                // Exactly `HTTP/d.d`: eight bytes, then CR; judged whole in `finishHead`.
                let stop = min(end, c.versionStart + 8)
                while i < stop && p[i] != B.cr && p[i] != B.lf { i += 1 }
                guard i < end else { return .incomplete }
                guard p[i] == B.cr && i == c.versionStart + 8 else {
                    return .refused(p[i] == B.lf && i == c.versionStart + 8 ? .bareLineFeed : .invalidVersion)
                }
                if let error = versionError(p, at: c.versionStart) { return .refused(error) }
                i += 1
                c.state = .requestLineLF
            case .requestLineLF, .fieldLineLF:
                guard p[i] == B.lf else { return .refused(.bareCarriageReturn) }
                i += 1
                c.state = .fieldLineStart
            case .fieldLineStart:
                if p[i] == B.cr {
                    i += 1
                    c.state = .finalLF
                    continue
                }
                if p[i] == B.lf { return .refused(.bareLineFeed) }
                if B.isOWS(p[i]) { return .refused(.obsFold) }
                if spans.count == limits.maxHeaderCount { return .refused(.tooManyFields) }
                c.lineStart = i
                c.state = .fieldName
            case .fieldName:
                while i < end && B.isToken(p[i]) { i += 1 }
                guard i < end else { return .incomplete }
                guard p[i] == B.colon && i > c.lineStart else {
                    if B.isOWS(p[i]) && i > c.lineStart { return .refused(.whitespaceBeforeColon) }
                    return .refused(p[i] == B.lf ? .bareLineFeed : .invalidFieldName)
                }
                c.nameEnd = i
                i += 1
                c.state = .valueLeadingSpace
            case .valueLeadingSpace:
                while i < end && B.isOWS(p[i]) { i += 1 }
                guard i < end else { return .incomplete }
                c.valueStart = i
                c.valueEnd = i
                c.state = .value
            case .value:
                var valueEnd = c.valueEnd
                while i < end {
                    let byte = p[i]
                    if byte > B.space && byte != 0x7F {
                        i += 1
                        valueEnd = i
                    } else if B.isOWS(byte) {
                        i += 1  // trailing whitespace is not part of the value unless more follows
                    } else {
                        break
                    }
                }
                c.valueEnd = valueEnd
                guard i < end else { return .incomplete }
                guard p[i] == B.cr else { return .refused(p[i] == B.lf ? .bareLineFeed : .invalidFieldValue) }
                spans.append(FieldSpan(nameStart: c.lineStart, nameEnd: c.nameEnd,
                                       valueStart: c.valueStart, valueEnd: valueEnd))
                i += 1
                c.state = .fieldLineLF
            case .finalLF:
                guard p[i] == B.lf else { return .refused(.bareCarriageReturn) }
                i += 1
                return .complete(headEnd: i)
            }
        }
        return .incomplete
    }

    /// nil for HTTP/1.0 and HTTP/1.1; 505 for another `HTTP/d.d`; 400 for anything else.
    private func versionError(_ p: UnsafeRawBufferPointer, at start: Int) -> HTTPParseError? {
        let prefix: StaticString = "HTTP/"
        for k in 0..<5 where p[start + k] != prefix.utf8Start[k] { return .invalidVersion }
        let major = p[start + 5], dot = p[start + 6], minor = p[start + 7]
        guard HTTPBytes.isDigit(major) && dot == UInt8(ascii: ".") && HTTPBytes.isDigit(minor) else {
            return .invalidVersion
        }
        if major == UInt8(ascii: "1") && (minor == UInt8(ascii: "0") || minor == UInt8(ascii: "1")) { return nil }
        return .unsupportedVersion
    }
}
