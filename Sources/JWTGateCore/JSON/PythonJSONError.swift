/// Why Python's `json.loads` (as PyJWT and DRF call it) refused a document.
///
/// `message` is exactly `str(exc)`: DRF answers `{"detail":"JSON parse error - <message>"}` and
/// PyJWT wraps it as `Invalid payload string: <message>`.
public struct PythonJSONError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        /// `json.JSONDecodeError`, carrying the character offset Python reports.
        case decode(position: Int)
        /// `UnicodeDecodeError` from decoding the bytes before parsing.
        case unicode
        /// Another `ValueError`: an out-of-range constant rejected by `parse_constant`, or an
        /// integer literal over CPython's 4,300-digit conversion limit.
        case value
        /// `RecursionError` — not a `ValueError`, so DRF does not catch it (Django answers 500).
        case recursion
    }

    public let kind: Kind
    public let message: String

    public var description: String { message }

    init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    /// `JSONDecodeError(msg, doc, pos)`: `"<msg>: line L column C (char P)"`, all counted in characters.
    static func decode(_ what: String, position: Int, line: Int, column: Int) -> PythonJSONError {
        PythonJSONError(kind: .decode(position: position),
                        message: "\(what): line \(line) column \(column) (char \(position))")
    }
}
