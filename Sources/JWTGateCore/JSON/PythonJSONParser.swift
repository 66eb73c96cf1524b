/// CPython 3.11's `_json` scanner (`scan_once_unicode`, `scanstring_unicode`, `_match_number_unicode`)
/// over well-formed UTF-8 bytes. Positions are tracked in bytes and turned into the character
/// offsets Python reports only when an error is raised.
struct PythonJSONParser: ~Copyable {
    let bytes: UnsafeBufferPointer<UInt8>
    private let allowConstants: Bool
    private var depth = 0

    /// How deep arrays/objects may nest before CPython's recursion guard trips (measured: a bare
    /// `json.loads` survives 995 levels; inside a Django request fewer frames are left).
    static let maximumDepth = 995

    init(_ bytes: UnsafeBufferPointer<UInt8>, allowConstants: Bool) {
        self.bytes = bytes
        self.allowConstants = allowConstants
    }

    /// `JSONDecoder.decode`: BOM check, leading whitespace, one value, trailing whitespace, end.
    mutating func parseDocument() throws(PythonJSONError) -> JSONValue {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            throw error("Unexpected UTF-8 BOM (decode using utf-8-sig)", at: 0)
        }
        var index = skipWhitespace(from: 0)
        let value = try scanValue(at: &index)
        index = skipWhitespace(from: index)
        if index != bytes.count { throw error("Extra data", at: index) }
        return value
    }

    // MARK: - Values

    @inline(__always)
    private func skipWhitespace(from start: Int) -> Int {
        var index = start
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return index
            }
        }
        return index
    }

    private func matches(_ literal: StaticString, at index: Int) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        let pointer = literal.utf8Start
        for offset in 0..<count where bytes[index + offset] != pointer[offset] { return false }
        return true
    }

    /// `scan_once_unicode`: a failure to start any value is Python's `StopIteration(idx)`,
    /// reported by every caller as "Expecting value" at that index.
    private mutating func scanValue(at index: inout Int) throws(PythonJSONError) -> JSONValue {
        guard index < bytes.count else { throw error("Expecting value", at: index) }
        switch bytes[index] {
        case UInt8(ascii: "\""):
            return try scanString(at: &index)
        case UInt8(ascii: "{"):
            return try scanObject(at: &index)
        case UInt8(ascii: "["):
            return try scanArray(at: &index)
        case UInt8(ascii: "n") where matches("null", at: index):
            index += 4
            return .null
        case UInt8(ascii: "t") where matches("true", at: index):
            index += 4
            return .bool(true)
        case UInt8(ascii: "f") where matches("false", at: index):
            index += 5
            return .bool(false)
        case UInt8(ascii: "N") where matches("NaN", at: index):
            index += 3
            return try constant("NaN", .nan)
        case UInt8(ascii: "I") where matches("Infinity", at: index):
            index += 8
            return try constant("Infinity", .infinity)
        case UInt8(ascii: "-") where matches("-Infinity", at: index):
            index += 9
            return try constant("-Infinity", -.infinity)
        default:
            return try scanNumber(at: &index)
        }
    }

    private func constant(_ name: String, _ value: Double) throws(PythonJSONError) -> JSONValue {
        guard allowConstants else {
            // rest_framework.utils.json.strict_constant: ValueError('...: ' + repr(o))
            throw PythonJSONError(kind: .value, message: "Out of range float values are not JSON compliant: '\(name)'")
        }
        return .float(value)
    }

    private mutating func enterContainer(_ what: String) throws(PythonJSONError) {
        depth += 1
        if depth > Self.maximumDepth {
            throw PythonJSONError(kind: .recursion,
                                  message: "maximum recursion depth exceeded while decoding a JSON \(what) from a unicode string")
        }
    }

    private mutating func scanObject(at index: inout Int) throws(PythonJSONError) -> JSONValue {
        try enterContainer("object")
        defer { depth -= 1 }
        var object = JSONObject()
        var position = skipWhitespace(from: index + 1)
        if position >= bytes.count || bytes[position] != UInt8(ascii: "}") {
            while true {
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                    throw error("Expecting property name enclosed in double quotes", at: position)
                }
                let key = try scanString(at: &position)
                position = skipWhitespace(from: position)
                guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
                    throw error("Expecting ':' delimiter", at: position)
                }
                position = skipWhitespace(from: position + 1)
                let value = try scanValue(at: &position)
                // A key with a lone surrogate cannot be represented exactly; its U+FFFD text stands in.
                object[key.stringValue ?? ""] = value
                position = skipWhitespace(from: position)
                if position < bytes.count, bytes[position] == UInt8(ascii: "}") { break }
                guard position < bytes.count, bytes[position] == UInt8(ascii: ",") else {
                    throw error("Expecting ',' delimiter", at: position)
                }
                position = skipWhitespace(from: position + 1)
            }
        }
        index = position + 1
        return .object(object)
    }

    private mutating func scanArray(at index: inout Int) throws(PythonJSONError) -> JSONValue {
        try enterContainer("array")
        defer { depth -= 1 }
        var elements: [JSONValue] = []
        var position = skipWhitespace(from: index + 1)
        if position >= bytes.count || bytes[position] != UInt8(ascii: "]") {
            while true {
                elements.append(try scanValue(at: &position))
                position = skipWhitespace(from: position)
                if position < bytes.count, bytes[position] == UInt8(ascii: "]") { break }
                guard position < bytes.count, bytes[position] == UInt8(ascii: ",") else {
                    throw error("Expecting ',' delimiter", at: position)
                }
                position = skipWhitespace(from: position + 1)
            }
        }
        index = position + 1
        return .array(elements)
    }

    // MARK: - Numbers

    @inline(__always)
    private func isDigit(_ index: Int) -> Bool {
        index < bytes.count && bytes[index] &- UInt8(ascii: "0") < 10
    }

    /// `_match_number_unicode`: the longest prefix that is a JSON number; a `.` or exponent
    /// without digits after it is not part of the number (it becomes "Extra data" or a delimiter error).
    private func scanNumber(at index: inout Int) throws(PythonJSONError) -> JSONValue {
        let start = index
        var position = index
        if bytes[position] == UInt8(ascii: "-") {
            position += 1
            guard position < bytes.count else { throw error("Expecting value", at: start) }
        }
        if bytes[position] >= UInt8(ascii: "1") && bytes[position] <= UInt8(ascii: "9") {
            position += 1
            while isDigit(position) { position += 1 }
        } else if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else {
            throw error("Expecting value", at: start)
        }
        var isFloat = false
        if position < bytes.count, bytes[position] == UInt8(ascii: "."), isDigit(position + 1) {
            isFloat = true
            position += 2
            while isDigit(position) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            let exponentStart = position
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "-") || bytes[position] == UInt8(ascii: "+") {
                position += 1
            }
            let digitsStart = position
            while isDigit(position) { position += 1 }
            if position > digitsStart { isFloat = true } else { position = exponentStart }
        }
        index = position
        let text = UnsafeBufferPointer(rebasing: bytes[start..<position])
        if isFloat {
            return .float(Double(String(decoding: text, as: UTF8.self)) ?? .nan)
        }
        return try integer(text)
    }

    private func integer(_ text: UnsafeBufferPointer<UInt8>) throws(PythonJSONError) -> JSONValue {
        let negative = text[0] == UInt8(ascii: "-")
        let digitCount = negative ? text.count - 1 : text.count
        if digitCount <= 18 {
            var value: Int64 = 0
            for byte in text where byte != UInt8(ascii: "-") { value = value * 10 + Int64(byte &- 48) }
            return .integer(negative ? -value : value)
        }
        if digitCount > 4300 {
            throw PythonJSONError(kind: .value, message: "Exceeds the limit (4300 digits) for integer string conversion: "
                + "value has \(digitCount) digits; use sys.set_int_max_str_digits() to increase the limit")
        }
        let string = String(decoding: text, as: UTF8.self)
        if let value = Int64(string) { return .integer(value) }
        return .bigInteger(string)
    }

    // MARK: - Errors

    /// Builds Python's message; byte offset → character offset, line and column.
    func error(_ what: String, at byteOffset: Int) -> PythonJSONError {
        var characters = 0
        var line = 1
        var lastNewline = -1
        for offset in 0..<min(byteOffset, bytes.count) {
            let byte = bytes[offset]
            if byte & 0xC0 == 0x80 { continue }
            if byte == 0x0A {
                line += 1
                lastNewline = characters
            }
            characters += 1
        }
        return .decode(what, position: characters, line: line, column: characters - lastNewline)
    }
}
