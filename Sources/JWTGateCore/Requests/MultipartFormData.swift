/// `multipart/form-data` as Django 3.2's `MultiPartParser` reads a body that fits in one
/// 64 KiB chunk (larger bodies are read the same way; only pathological boundary placements
/// across chunk edges could differ).
enum MultipartFormData {
    enum Part: Equatable {
        /// A data field, decoded with the charset (U+FFFD for bad bytes).
        case field(name: String, value: String)
        /// A file upload; only its sanitised file name matters to a CharField.
        case file(name: String, fileName: String)
    }

    /// Django's `MultiPartParserError` text.
    struct Failure: Error, Equatable {
        var message: String
    }

    /// - Parameters:
    ///   - rawContentType: the header exactly as sent (Django checks `startswith("multipart/")` on it).
    /// - Returns: the parts in body order, or Django's `MultiPartParserError` text.
    static func parse(_ body: [UInt8], rawContentType: String, charset: BodyCharset) -> Result<[Part], Failure> {
        // `str.startswith` compares code points; Swift's `hasPrefix` compares graphemes, and so is false for
        // `multipart/` followed by a combining mark.
        guard rawContentType.utf8.starts(with: "multipart/".utf8) else {
            return .failure(Failure(message: "Invalid Content-Type: \(rawContentType)"))
        }
        guard rawContentType.utf8.allSatisfy({ $0 < 0x80 }) else {
            return .failure(Failure(message: "Invalid non-ASCII Content-Type in multipart: \(rawContentType)"))
        }
        let pieces = MediaType.splitParameters(Array(rawContentType.utf8))
        var boundary: [UInt8]?
        for piece in pieces.dropFirst() {
            guard let equals = piece.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let name = String(decoding: MediaType.trimmed(piece[..<equals]), as: UTF8.self).lowercased()
            guard name == "boundary" || name == "boundary*" else { continue }
            var value = Array(MediaType.trimmed(piece[(equals + 1)...]))
            if value.count >= 2, value.first == UInt8(ascii: "\""), value.last == UInt8(ascii: "\"") {
                value = MediaType.unescapeQuoted(Array(value[1..<(value.count - 1)]))
            }
            boundary = value
        }
        guard let boundary, isValidBoundary(boundary) else {
            let shown = boundary.map { String(decoding: $0, as: UTF8.self) } ?? "None"
            return .failure(Failure(message: "Invalid boundary in multipart: \(shown)"))
        }
        if body.isEmpty { return .success([]) }
        let separator = Array("--".utf8) + boundary
        var parts: [Part] = []
        for segment in segments(of: body, separator: separator) {
            if let part = readPart(segment, charset: charset) { parts.append(part) }
        }
        return .success(parts)
    }

    /// `cgi.valid_boundary`: `^[ -~]{0,200}[!-~]$`.
    static func isValidBoundary(_ boundary: [UInt8]) -> Bool {
        guard let last = boundary.last, boundary.count <= 201 else { return false }
        return boundary.allSatisfy { $0 >= 0x20 && $0 <= 0x7E } && last != 0x20
    }

    /// `BoundaryIter`: the bytes between separators (found anywhere, not only at line starts).
    /// A segment ended by a separator loses one `\n` and then one `\r` before it; the last
    /// segment (no separator after it) keeps everything. An empty tail is no segment.
    static func segments(of body: [UInt8], separator: [UInt8]) -> [ArraySlice<UInt8>] {
        var result: [ArraySlice<UInt8>] = []
        var start = 0
        while start < body.count {
            if let found = firstIndex(of: separator, in: body, from: start) {
                var end = found
                if end > start, body[end - 1] == UInt8(ascii: "\n") { end -= 1 }
                if end > start, body[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                result.append(body[start..<end])
                start = found + separator.count
            } else {
                result.append(body[start...])
                break
            }
        }
        return result
    }

    private static func firstIndex(of needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count - start >= needle.count else { return nil }
        let first = needle[0]
        var index = start
        let lastStart = haystack.count - needle.count
        while index <= lastStart {
            if haystack[index] == first {
                var offset = 1
                while offset < needle.count, haystack[index + offset] == needle[offset] { offset += 1 }
                if offset == needle.count { return index }
            }
            index += 1
        }
        return nil
    }

    /// `parse_boundary_stream` with a 1,024-byte header window, then `_parse`'s handling of the item.
    static func readPart(_ segment: ArraySlice<UInt8>, charset: BodyCharset) -> Part? {
        let window = segment.prefix(1024)
        guard let headerEnd = firstIndex(of: [0x0D, 0x0A, 0x0D, 0x0A], in: Array(window), from: 0) else { return nil }
        let header = Array(window.prefix(headerEnd))
        var disposition: [(name: String, value: [UInt8])]?
        var transferEncoding: String?
        var isFile = false
        for line in lines(header) {
            let pieces = MediaType.splitParameters(line)
            // Django decodes the first piece and every parameter name as ASCII; a UnicodeDecodeError
            // is a ValueError there, so the whole line is skipped.
            guard pieces[0].allSatisfy({ $0 < 0x80 }),
                  pieces.dropFirst().allSatisfy({ piece in
                      piece.prefix(while: { $0 != UInt8(ascii: "=") }).allSatisfy { $0 < 0x80 }
                  })
            else { continue }
            let main = String(decoding: pieces[0], as: UTF8.self).lowercased()
            // `split(":", 1)` at the first `:` code point, not the first `:` grapheme (the line is ASCII
            // here, so the two agree; code points keep it right if that check ever changes).
            let scalars = main.unicodeScalars
            guard let colon = scalars.firstIndex(of: ":") else { continue }
            let name = Substring(scalars[..<colon])
            let value = String(Substring(scalars[scalars.index(after: colon)...]))
            if name == "content-disposition" {
                let parameters = headerParameters(pieces.dropFirst())
                disposition = parameters
                isFile = parameters.last(where: { $0.name == "filename" }).map { !$0.value.isEmpty } ?? false
            } else if name == "content-transfer-encoding" {
                transferEncoding = String(PythonWhitespace.strip(value))
            }
        }
        guard let disposition, let rawName = disposition.last(where: { $0.name == "name" })?.value else { return nil }
        let name = charset.decodeReplacing(Array(MediaType.trimmed(rawName[...])))
        let data = segment[(segment.startIndex + headerEnd + 4)...]
        if isFile {
            let rawFileName = disposition.last(where: { $0.name == "filename" })!.value
            guard let fileName = sanitizeFileName(charset.decodeReplacing(rawFileName)) else { return nil }
            return .file(name: name, fileName: fileName)
        }
        var bytes = Array(data)
        if transferEncoding == "base64", let decoded = PythonBase64.decode(bytes) { bytes = decoded }
        return .field(name: name, value: charset.decodeReplacing(bytes))
    }

    /// `header.split(b"\r\n")`.
    private static func lines(_ header: [UInt8]) -> [[UInt8]] {
        var result: [[UInt8]] = []
        var start = 0
        var index = 0
        while index + 1 < header.count {
            if header[index] == 0x0D, header[index + 1] == 0x0A {
                result.append(Array(header[start..<index]))
                index += 2
                start = index
            } else {
                index += 1
            }
        }
        result.append(Array(header[start...]))
        return result
    }

    /// Django `parse_header`'s parameter handling, including RFC 2231 `name*=UTF-8''…` values.
    private static func headerParameters(_ pieces: ArraySlice<ArraySlice<UInt8>>) -> [(name: String, value: [UInt8])] {
        var result: [(name: String, value: [UInt8])] = []
        for piece in pieces {
            guard let equals = piece.firstIndex(of: UInt8(ascii: "=")) else { continue }
            var name = String(decoding: MediaType.trimmed(piece[..<equals]), as: UTF8.self).lowercased()
            var hasEncoding = false
            if name.hasSuffix("*") {
                name.removeLast()
                hasEncoding = piece.filter({ $0 == UInt8(ascii: "'") }).count == 2
            }
            var value = Array(MediaType.trimmed(piece[(equals + 1)...]))
            if value.count >= 2, value.first == UInt8(ascii: "\""), value.last == UInt8(ascii: "\"") {
                value = MediaType.unescapeQuoted(Array(value[1..<(value.count - 1)]))
            }
            if hasEncoding {
                let fields = value.split(separator: UInt8(ascii: "'"), omittingEmptySubsequences: false)
                if fields.count == 3 {
                    // urllib.parse.unquote(value, encoding=<given>); only UTF-8/latin-1 are modelled.
                    let encodingName = BodyCharset.normalize(String(decoding: fields[0], as: UTF8.self))
                    let valueCharset: BodyCharset = encodingName.contains("8859") || encodingName.hasPrefix("latin") ? .latin1 : .utf8
                    value = Array(FormURLEncoded.unquote(Array(fields[2]), charset: valueCharset, plusIsSpace: false).utf8)
                }
            }
            result.append((name, value))
        }
        return result
    }

    /// `MultiPartParser.sanitize_file_name`: HTML-unescape, keep what follows the last `/` and
    /// `\`, drop `""`, `"."` and `".."`.
    ///
    /// `rsplit` cuts at code points: Swift's `Character` view would read a prepended mark and the `/`
    /// after it (U+0600 then `/`) or a `/` and the combining mark after it as one grapheme, and not cut.
    static func sanitizeFileName(_ fileName: String) -> String? {
        var name = Substring(HTMLUnescape.unescape(fileName)).unicodeScalars
        if let slash = name.lastIndex(of: "/") { name = name[name.index(after: slash)...] }
        if let backslash = name.lastIndex(of: "\\") { name = name[name.index(after: backslash)...] }
        let result = String(Substring(name))
        if result.isEmpty || result.isExactly(".") || result.isExactly("..") { return nil }
        return result
    }
}
