/// Why DRF refused a token view's request body, with the exact texts DRF answers.
public enum DRFInputError: Error, Equatable, Sendable {
    /// 415 `{"detail":"Unsupported media type \"<raw Content-Type header value>\" in request."}`
    case unsupportedMediaType(String)
    /// 400 `{"detail":"<message>"}`, e.g. `JSON parse error - Expecting value: line 1 column 1 (char 0)`.
    case parseError(String)
    /// 400 `{"non_field_errors":[...]}`, e.g. `Invalid data. Expected a dictionary, but got list.`
    case nonFieldErrors([String])
    /// 400 `{"<field>":["This field is required."],...}` in the order the fields were asked for.
    case fieldErrors([(field: String, messages: [String])])

    public static func == (lhs: DRFInputError, rhs: DRFInputError) -> Bool {
        switch (lhs, rhs) {
        case (.unsupportedMediaType(let a), .unsupportedMediaType(let b)): return a == b
        case (.parseError(let a), .parseError(let b)): return a == b
        case (.nonFieldErrors(let a), .nonFieldErrors(let b)): return a == b
        case (.fieldErrors(let a), .fieldErrors(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.field == $1.field && $0.messages == $1.messages }
        default: return false
        }
    }
}
