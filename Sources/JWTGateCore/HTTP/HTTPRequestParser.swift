/// jwtgate's HTTP/1.1 request-head parser: strict RFC 9112, incremental, no allocation while scanning.
///
/// Feed it the bytes of one connection: each call passes everything received since the previous head's
/// `consumed` offset — the bytes already passed, unchanged, followed by whatever arrived since (the
/// connection may move its buffer between calls; the parser keeps offsets, never pointers). Each call
/// scans only the new bytes, so a head that arrives in one read is parsed in one pass, and a head split
/// at any byte gives the same result. After `.head`, the body (per `framing`) follows at `consumed`;
/// the next call starts the next request. After `.refuse`, every call refuses again: answer the status
/// and close the connection.
public struct HTTPRequestParser: Sendable {
    public let limits: HTTPParseLimits
    var cursor = HeadCursor()
    /// Field lines of the current head, as offsets; kept across requests so a connection reuses it.
    var spans: [FieldSpan] = []
    private var refusal: HTTPParseError?

    public init(limits: HTTPParseLimits = HTTPParseLimits()) {
        self.limits = limits
        spans.reserveCapacity(16)
    }

    public mutating func parse(_ bytes: UnsafeRawBufferPointer) -> HTTPParseResult {
        if let refusal { return .refuse(refusal) }
        precondition(bytes.count >= cursor.scanned, "parse(_:) must be passed every byte it was passed before")
        let scanEnd = min(bytes.count, limits.maxHeadBytes)
        let outcome = scan(bytes, end: scanEnd)
        switch outcome {
        case .complete(let headEnd):
            let result = finishHead(bytes, headEnd: headEnd)
            cursor = HeadCursor()
            spans.removeAll(keepingCapacity: true)
            if case .refuse(let error) = result { refusal = error }
            return result
        case .refused(let error):
            refusal = error
            return .refuse(error)
        case .incomplete:
            if bytes.count > limits.maxHeadBytes { return refuseHead(.headTooLarge) }
            return .needMore
        }
    }

    public mutating func parse(_ bytes: ArraySlice<UInt8>) -> HTTPParseResult {
        bytes.withUnsafeBytes { parse($0) }
    }

    private mutating func refuseHead(_ error: HTTPParseError) -> HTTPParseResult {
        refusal = error
        return .refuse(error)
    }
}

public enum HTTPParseResult: Sendable, Hashable {
    /// The head is not complete yet; call again with more bytes.
    case needMore
    /// A valid head of `consumed` bytes (skipped empty lines included); its body follows.
    case head(RequestHead, framing: BodyFraming, consumed: Int)
    /// Answer `error.status` and close the connection.
    case refuse(HTTPParseError)
}

/// One field line, as offsets into the head's bytes: name, and value without surrounding whitespace.
struct FieldSpan: Sendable {
    var nameStart: Int
    var nameEnd: Int
    var valueStart: Int
    var valueEnd: Int
}
