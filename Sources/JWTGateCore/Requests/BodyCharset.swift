/// The `charset` parameter as Django turns it into `request.encoding` (kept only when
/// `codecs.lookup` knows it) and the parsers then decode with.
///
/// Only the codecs a client plausibly sends are modelled; any other name Python would accept
/// (utf-16, cp1252, …) is treated as UTF-8 — an approximation.
enum BodyCharset: Equatable {
    case utf8
    case latin1
    case ascii

    init(contentType: MediaType) {
        guard let name = contentType.parameter("charset") else {
            self = .utf8
            return
        }
        switch BodyCharset.normalize(name) {
        case "latin_1", "latin1", "latin", "l1", "iso8859_1", "iso_8859_1", "iso8859", "8859", "cp819", "ibm819",
             "csisolatin1", "iso_ir_100", "iso_8859_1_1987":
            self = .latin1
        case "ascii", "us_ascii", "us", "646", "cp367", "csascii", "ibm367", "iso646_us", "iso_ir_6",
             "ansi_x3.4_1968", "ansi_x3_4_1968", "ansi_x3.4_1986", "iso_646.irv_1991":
            self = .ascii
        default:
            self = .utf8
        }
    }

    /// `encodings.normalize_encoding` + lower-casing: runs of characters other than
    /// alphanumerics and `.` become one `_`, leading/trailing ones dropped.
    static func normalize(_ name: String) -> String {
        var output = ""
        var pendingUnderscore = false
        for scalar in name.unicodeScalars {
            let isWordish = (scalar.properties.isAlphabetic || scalar.properties.numericType != nil) && scalar.isASCII
            if isWordish || scalar == "." {
                if pendingUnderscore, !output.isEmpty { output.append("_") }
                pendingUnderscore = false
                output.unicodeScalars.append(scalar)
            } else {
                pendingUnderscore = true
            }
        }
        return output.lowercased()
    }

    /// `bytes.decode(encoding)` strictly; nil when it would raise `UnicodeDecodeError`.
    func decodeStrict(_ bytes: [UInt8]) -> String? {
        switch self {
        case .utf8:
            let ok = bytes.withUnsafeBufferPointer { buffer -> Bool in
                if case .success(let count) = PythonUTF8.validate(buffer, final: true) { return count == buffer.count }
                return false
            }
            return ok ? String(decoding: bytes, as: UTF8.self) : nil
        case .latin1:
            return PythonUTF8.decodeLatin1(bytes)
        case .ascii:
            return bytes.allSatisfy({ $0 < 0x80 }) ? String(decoding: bytes, as: UTF8.self) : nil
        }
    }

    /// `bytes.decode(encoding, errors="replace")`.
    func decodeReplacing(_ bytes: [UInt8]) -> String {
        switch self {
        case .utf8:
            return PythonUTF8.decodeReplacing(bytes)
        case .latin1:
            return PythonUTF8.decodeLatin1(bytes)
        case .ascii:
            var output: [UInt8] = []
            output.reserveCapacity(bytes.count)
            for byte in bytes {
                if byte < 0x80 { output.append(byte) } else { output.append(contentsOf: [0xEF, 0xBF, 0xBD]) }
            }
            return String(decoding: output, as: UTF8.self)
        }
    }
}
