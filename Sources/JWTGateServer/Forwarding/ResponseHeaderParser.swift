/// Turns the lines libcurl hands to CURLOPT_HEADERFUNCTION into a status and a header list, on raw
/// bytes (no Foundation: the notes measured Foundation trimming at a third of the curl thread's CPU).
///
/// libcurl calls the header function once per line — the status line, each header line, and the
/// blank line that ends a block — and once per block for each 1xx interim response, then for the
/// final one. Trailers of a chunked body come after the final block and are ignored.
struct ResponseHeaderParser {
    enum LineResult {
        /// Nothing to report yet.
        case consumed
        /// The final (non-1xx) block is complete: `status`, `headers` and `contentLength` are set.
        case headComplete
    }

    private(set) var status: Int = 0
    private(set) var headers: [(name: String, value: String)] = []
    /// The response's `Content-Length`, when it had exactly one valid one.
    private(set) var contentLength: Int?
    private(set) var isComplete = false
    /// The final block framed its body ambiguously: `Content-Length` together with `Transfer-Encoding`,
    /// or `Content-Length`s that differ or are not a plain decimal (identical repeats are accepted).
    /// Set with `.headComplete`; the answer must not be forwarded (502).
    private(set) var hasFramingConflict = false
    private var contentLengthCount = 0
    private var transferEncodingCount = 0
    private var contentLengthMalformed = false
    private var contentLengthsDiffer = false

    mutating func reset() {
        self.status = 0
        self.headers.removeAll(keepingCapacity: true)
        self.contentLength = nil
        self.contentLengthCount = 0
        self.isComplete = false
        self.hasFramingConflict = false
        self.transferEncodingCount = 0
        self.contentLengthMalformed = false
        self.contentLengthsDiffer = false
    }

    /// Consumes one line as libcurl delivers it (ending in CRLF or LF).
    mutating func consume(_ raw: UnsafeRawBufferPointer) -> LineResult {
        if self.isComplete { return .consumed }  // trailers
        var end = raw.count
        while end > 0, raw[end - 1] == UInt8(ascii: "\n") || raw[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        let line = UnsafeRawBufferPointer(rebasing: raw[0..<end])

        if line.isEmpty {
            guard self.status >= 200 else {
                // End of a 1xx block (or a stray blank line): the real head follows.
                self.reset()
                return .consumed
            }
            self.hasFramingConflict = self.contentLengthCount > 0
                && (self.transferEncodingCount > 0 || self.contentLengthMalformed || self.contentLengthsDiffer)
            if self.contentLengthCount != 1 { self.contentLength = nil }
            self.isComplete = true
            return .headComplete
        }
        if Self.isStatusLine(line) {
            self.reset()
            self.status = Self.parseStatus(line)
            return .consumed
        }
        if line[0] == UInt8(ascii: " ") || line[0] == UInt8(ascii: "\t") {
            // obs-fold: a continuation of the previous header's value.
            if !self.headers.isEmpty {
                let more = Self.trimmed(line, from: 0, to: line.count)
                if !more.isEmpty {
                    self.headers[self.headers.count - 1].value += " " + String(decoding: more, as: UTF8.self)
                }
            }
            return .consumed
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return .consumed }
        let nameBytes = UnsafeRawBufferPointer(rebasing: line[0..<colon])
        let valueBytes = Self.trimmed(line, from: colon + 1, to: line.count)
        if Self.isContentLength(nameBytes) {
            self.contentLengthCount += 1
            let value = Self.parseDecimal(valueBytes)
            if value == nil { self.contentLengthMalformed = true }
            if self.contentLengthCount > 1 && value != self.contentLength { self.contentLengthsDiffer = true }
            self.contentLength = value
        } else if ASCII.equalsIgnoringCase(nameBytes, "transfer-encoding") {
            self.transferEncodingCount += 1
        }
        self.headers.append((
            name: String(decoding: nameBytes, as: UTF8.self),
            value: String(decoding: valueBytes, as: UTF8.self)
        ))
        return .consumed
    }

    private static func isStatusLine(_ line: UnsafeRawBufferPointer) -> Bool {
        line.count >= 12 && line[0] == UInt8(ascii: "H") && line[1] == UInt8(ascii: "T")
            && line[2] == UInt8(ascii: "T") && line[3] == UInt8(ascii: "P") && line[4] == UInt8(ascii: "/")
    }

    /// `HTTP/1.1 200 OK` → 200; the three digits after the first space.
    private static func parseStatus(_ line: UnsafeRawBufferPointer) -> Int {
        guard let space = line.firstIndex(of: UInt8(ascii: " ")), space + 3 < line.count else { return 0 }
        var value = 0
        for index in (space + 1)..<(space + 4) {
            let digit = Int(line[index]) &- 48
            guard digit >= 0, digit <= 9 else { return 0 }
            value = value * 10 + digit
        }
        return value
    }

    private static func trimmed(_ line: UnsafeRawBufferPointer, from: Int, to: Int) -> UnsafeRawBufferPointer {
        var start = from
        var end = to
        while start < end, line[start] == UInt8(ascii: " ") || line[start] == UInt8(ascii: "\t") { start += 1 }
        while end > start, line[end - 1] == UInt8(ascii: " ") || line[end - 1] == UInt8(ascii: "\t") { end -= 1 }
        return UnsafeRawBufferPointer(rebasing: line[start..<end])
    }

    private static func isContentLength(_ name: UnsafeRawBufferPointer) -> Bool {
        ASCII.equalsIgnoringCase(name, "content-length")
    }

    private static func parseDecimal(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var value = 0
        for byte in bytes {
            let digit = Int(byte) &- 48
            guard digit >= 0, digit <= 9 else { return nil }
            value = value * 10 + digit
        }
        return value
    }
}

/// Byte-level ASCII helpers shared by the header list builder and the response header parser.
enum ASCII {
    /// Case-insensitive comparison of raw bytes with a lowercase ASCII literal.
    static func equalsIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        let expected = lowercase.utf8Start
        for index in 0..<bytes.count {
            let byte = bytes[index]
            let folded = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
            if folded != expected[index] { return false }
        }
        return true
    }
}
