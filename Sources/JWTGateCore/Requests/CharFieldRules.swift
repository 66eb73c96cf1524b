/// One value as DRF's parsers hand it to a serializer field.
enum DRFFieldInput: Equatable {
    /// From a JSON body.
    case json(JSONValue)
    /// A form or multipart data field (always text).
    case text(String)
    /// A multipart upload; `str(file)` is its sanitised file name.
    case file(fileName: String)
}

/// DRF 3.14 `CharField(required=True, allow_blank=False, allow_null=False, trim_whitespace=True)`.
enum CharFieldRules {
    static let required = "This field is required."
    static let null = "This field may not be null."
    static let invalid = "Not a valid string."
    static let blank = "This field may not be blank."
    static let nullCharacters = "Null characters are not allowed."

    /// `CharField.run_validation`: the blank test on `str(data)` comes first (so a whitespace-only
    /// upload file name is "blank"), then `validate_empty_values` (required, null), then
    /// `to_internal_value` (type check, `str()`, strip), then every validator, collecting messages.
    enum Outcome: Equatable {
        case valid(String)
        case invalid([String])
    }

    static func validate(_ input: DRFFieldInput?) -> Outcome {
        guard let input else { return .invalid([required]) }
        let text: String
        var firstSurrogate: UInt16?
        switch input {
        case .json(let value):
            switch value {
            case .null:
                return .invalid([null])
            case .bool, .array, .object:
                return .invalid([invalid])
            case .integer, .bigInteger, .float:
                text = PythonJSON.pythonStr(value)!
            case .string(let string):
                text = string
            case .surrogateString(let string, let surrogate):
                text = string
                firstSurrogate = surrogate
            }
        case .text(let string):
            text = string
        case .file(let fileName):
            return .invalid([PythonWhitespace.strip(fileName).isEmpty ? blank : invalid])
        }
        let stripped = PythonWhitespace.strip(text)
        if stripped.isEmpty { return .invalid([blank]) }
        var messages: [String] = []
        // U+0000 is never whitespace, so it is in the stripped text exactly when it is in the text;
        // a UTF-8 byte scan is far cheaper than walking unicode scalars.
        let hasNUL = text.utf8.withContiguousStorageIfAvailable { $0.contains(0) } ?? text.utf8.contains(0)
        if hasNUL { messages.append(nullCharacters) }
        if let firstSurrogate { messages.append("Surrogate characters are not allowed: U+\(hexUpper(firstSurrogate)).") }
        if !messages.isEmpty { return .invalid(messages) }
        return .valid(String(stripped))
    }

    /// `format(code_point, "X")`.
    private static func hexUpper(_ value: UInt16) -> String {
        String(value, radix: 16, uppercase: true)
    }
}
