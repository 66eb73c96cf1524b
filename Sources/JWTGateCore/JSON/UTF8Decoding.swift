/// UTF-8 decoding with CPython's error reporting and replacement rules.
///
/// CPython rejects what the Unicode standard rejects (overlongs, surrogates, > U+10FFFF) and, in
/// `errors="replace"` mode, writes one U+FFFD per maximal ill-formed subpart, as Swift does.
/// What differs from `String(decoding:as:)` is the error text: `UnicodeDecodeError` names the
/// first bad byte (or byte range) and the reason, which DRF puts verbatim into its 400 answers.
enum PythonUTF8 {
    /// The first ill-formed sequence of an input, in CPython's terms.
    struct DecodeFailure: Error, Equatable, Sendable {
        /// Byte offset of the sequence's first byte.
        var start: Int
        /// Byte offset just past the bytes CPython blames (`endinpos`).
        var end: Int
        var reason: Reason
        /// The failing byte (the one at `start`).
        var byte: UInt8

        enum Reason: String, Sendable {
            case invalidStartByte = "invalid start byte"
            case invalidContinuationByte = "invalid continuation byte"
            case unexpectedEndOfData = "unexpected end of data"
        }

        /// `str(UnicodeDecodeError)` for the `utf-8` codec.
        var message: String {
            PythonUTF8.decodeErrorMessage(codec: "utf-8", byte: byte, start: start, end: end, reason: reason.rawValue)
        }
    }

    /// CPython's `UnicodeDecodeError.__str__`.
    static func decodeErrorMessage(codec: String, byte: UInt8, start: Int, end: Int, reason: String) -> String {
        if end - start == 1 {
            return "'\(codec)' codec can't decode byte 0x\(hexByte(byte)) in position \(start): \(reason)"
        }
        return "'\(codec)' codec can't decode bytes in position \(start)-\(end - 1): \(reason)"
    }

    static func hexByte(_ byte: UInt8) -> String {
        let digits: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f"]
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }

    /// Outcome of looking at the sequence that starts at one byte.
    enum Step: Equatable {
        /// A well-formed sequence of this many bytes.
        case valid(length: Int)
        /// Ill-formed: `blamed` bytes form the maximal subpart (CPython's `endinpos - startinpos`).
        case invalid(blamed: Int, reason: DecodeFailure.Reason)
        /// A valid prefix cut off by the end of the input.
        case truncated
    }

    /// Classifies the sequence at `index` (CPython `utf8_decode` / Unicode table 3-7).
    @inline(__always)
    static func step(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Step {
        let lead = bytes[index]
        if lead < 0x80 { return .valid(length: 1) }
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return .invalid(blamed: 1, reason: .invalidStartByte)
        }
        var offset = 1
        while offset < length {
            let position = index + offset
            if position >= bytes.count { return .truncated }
            let byte = bytes[position]
            let ok = offset == 1 ? (byte >= low && byte <= high) : (byte & 0xC0 == 0x80)
            if !ok { return .invalid(blamed: offset, reason: .invalidContinuationByte) }
            offset += 1
        }
        return .valid(length: length)
    }

    /// Validates strictly. `final: false` mimics an incremental decoder (`codecs.StreamReader`):
    /// a valid-but-truncated tail is not an error but is left undecoded, and the returned count
    /// says how many bytes were accepted.
    static func validate(_ bytes: UnsafeBufferPointer<UInt8>, final: Bool) -> Result<Int, DecodeFailure> {
        var index = 0
        let count = bytes.count
        while index < count {
            // ASCII fast path, eight bytes at a time when aligned enough.
            while index + 8 <= count {
                let word = UnsafeRawPointer(bytes.baseAddress! + index).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 != 0 { break }
                index += 8
            }
            if index >= count { break }
            switch step(bytes, at: index) {
            case .valid(let length):
                index += length
            case .invalid(let blamed, let reason):
                // CPython's incremental decoder also defers a truncated surrogate lead (ED A0..BF) at the end.
                if !final, bytes[index] == 0xED, count - index == 2, bytes[index + 1] >= 0xA0 {
                    return .success(index)
                }
                return .failure(DecodeFailure(start: index, end: index + blamed, reason: reason, byte: bytes[index]))
            case .truncated:
                if !final { return .success(index) }
                return .failure(DecodeFailure(start: index, end: count, reason: .unexpectedEndOfData, byte: bytes[index]))
            }
        }
        return .success(count)
    }

    /// `bytes.decode("utf-8", errors="replace")`.
    static func decodeReplacing(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        if case .success(let valid) = validate(bytes, final: true), valid == bytes.count {
            return String(decoding: bytes, as: UTF8.self)
        }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 8)
        var index = 0
        while index < bytes.count {
            switch step(bytes, at: index) {
            case .valid(let length):
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<(index + length)]))
                index += length
            case .invalid(let blamed, _):
                output.append(contentsOf: [0xEF, 0xBF, 0xBD])
                index += blamed
            case .truncated:
                output.append(contentsOf: [0xEF, 0xBF, 0xBD])
                index = bytes.count
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    static func decodeReplacing(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBufferPointer { decodeReplacing($0) }
    }

    /// `bytes.decode("latin-1")`: every byte is the code point of the same number.
    static func decodeLatin1(_ bytes: some Collection<UInt8>) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        for byte in bytes {
            if byte < 0x80 {
                output.append(byte)
            } else {
                output.append(0xC0 | (byte >> 6))
                output.append(0x80 | (byte & 0x3F))
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
