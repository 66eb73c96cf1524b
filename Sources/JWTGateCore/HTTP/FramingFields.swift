/// What the fields that carry meaning for the connection say, gathered while the head's field lines
/// are turned into Strings: Content-Length, Transfer-Encoding, Host, Connection, Expect, Upgrade.
/// Each is recognised by length first, so the other fields cost one integer compare.
struct FramingFields {
    private(set) var contentLength: Int?
    private(set) var sawTransferEncoding = false
    private(set) var hostCount = 0
    private(set) var host: Range<Int>?
    private(set) var connectionClose = false
    private(set) var connectionKeepAlive = false
    private(set) var expectsContinue = false
    private(set) var hasUpgrade = false

    /// The transfer codings seen so far, over every Transfer-Encoding field in order (RFC 9110 §5.3
    /// combines them into one list): only the last must be `chunked`, so only the last is remembered.
    private var lastCoding = Coding.none
    private var chunkedBeforeLast = false
    private var otherCodingBeforeLast = false

    private enum Coding { case none, chunked, other }

    /// Notes one field; returns the refusal a field makes certain on its own (a second Content-Length,
    /// a malformed one, a second Host).
    mutating func note(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, valueStart: Int)
        -> HTTPParseError?
    {
        switch name.count {
        case 4 where HTTPBytes.equalsLowercase(name, "host"):
            hostCount += 1
            if hostCount > 1 { return .duplicateHost }
            host = valueStart..<(valueStart + value.count)
        case 14 where HTTPBytes.equalsLowercase(name, "content-length"):
            // llhttp refuses a second Content-Length even when identical, and so do we: RFC 9112 §6.3
            // allows either, and refusing leaves no two readings of the length.
            guard contentLength == nil else { return .duplicateContentLength }
            guard let length = Self.decimal(value) else { return .invalidContentLength }
            contentLength = length
        case 17 where HTTPBytes.equalsLowercase(name, "transfer-encoding"):
            sawTransferEncoding = true
            Self.forEachListElement(value) { noteCoding($0) }
        case 10 where HTTPBytes.equalsLowercase(name, "connection"):
            Self.forEachListElement(value) { option in
                if HTTPBytes.equalsLowercase(option, "close") { connectionClose = true }
                if HTTPBytes.equalsLowercase(option, "keep-alive") { connectionKeepAlive = true }
            }
        case 6 where HTTPBytes.equalsLowercase(name, "expect"):
            if HTTPBytes.equalsLowercase(value, "100-continue") { expectsContinue = true }
        case 7 where HTTPBytes.equalsLowercase(name, "upgrade"):
            hasUpgrade = true
        default:
            break
        }
        return nil
    }

    /// Whether Transfer-Encoding is a list ending in exactly one `chunked`: nil if so, otherwise 400
    /// (no coding at all, chunked not final, or chunked twice — RFC 9112 §6.3 item 4) or 501 (a coding
    /// before it that we do not implement — RFC 9112 §6.1).
    var transferEncodingError: HTTPParseError? {
        if lastCoding != .chunked || chunkedBeforeLast { return .chunkedNotFinal }
        if otherCodingBeforeLast { return .unsupportedTransferCoding }
        return nil
    }

    private mutating func noteCoding(_ coding: UnsafeRawBufferPointer) {
        // RFC 9110 §5.6.1.2 has recipients ignore empty list elements, and we do before the final coding
        // (`, chunked` is `chunked`). After `chunked`, though, one means chunked was not written last
        // (`chunked,`): refused, as llhttp does, since the final coding is the one thing framing rests on.
        if coding.isEmpty {
            if lastCoding == .chunked { chunkedBeforeLast = true }
            return
        }
        if lastCoding == .chunked { chunkedBeforeLast = true }
        if lastCoding == .other { otherCodingBeforeLast = true }
        lastCoding = HTTPBytes.equalsLowercase(coding, "chunked") ? .chunked : .other
    }

    /// 1*DIGIT that fits in an Int; no sign, no whitespace, no list.
    private static func decimal(_ b: UnsafeRawBufferPointer) -> Int? {
        guard !b.isEmpty else { return nil }
        var value = 0
        for byte in b {
            guard HTTPBytes.isDigit(byte) else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int(byte - 0x30))
            if overflow1 || overflow2 { return nil }
            value = sum
        }
        return value
    }

    /// Calls `body` with each comma-separated element, whitespace trimmed, empty elements included.
    private static func forEachListElement(_ b: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) {
        var start = 0
        while start <= b.count {
            var end = start
            while end < b.count && b[end] != UInt8(ascii: ",") { end += 1 }
            var lo = start, hi = end
            while lo < hi && HTTPBytes.isOWS(b[lo]) { lo += 1 }
            while hi > lo && HTTPBytes.isOWS(b[hi - 1]) { hi -= 1 }
            body(UnsafeRawBufferPointer(rebasing: b[lo..<hi]))
            start = end + 1
        }
    }
}
