/// A table or column name from the configuration, checked before it is spliced into SQL.
///
/// Values are always bound parameters; identifiers cannot be, so they are restricted to what Django
/// generates (`[A-Za-z_][A-Za-z0-9_]*`, at most 128 characters) and double-quoted. Anything else —
/// quotes, dots, spaces, `;` — is rejected outright rather than escaped.
public struct SQLIdentifier: Sendable, Hashable, CustomStringConvertible {
    public let name: String

    /// - Parameter role: what the name is for, used in the error (e.g. `users.table`).
    public init(_ name: String, role: String) throws(UserStoreError) {
        guard Self.isValid(name) else {
            throw UserStoreError(
                "users: \(role) \"\(name)\" is not a plain SQL identifier; use letters, digits and _ only "
                    + "(not starting with a digit, at most 128 characters), as Django names tables and columns")
        }
        self.name = name
    }

    /// The name in double quotes, ready for SQL (the check above leaves nothing to escape).
    public var quoted: String { "\"\(name)\"" }

    public var description: String { name }

    public static func isValid(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, bytes.count <= 128, isLetterOrUnderscore(first) else { return false }
        return bytes.allSatisfy { isLetterOrUnderscore($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    private static func isLetterOrUnderscore(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || byte == UInt8(ascii: "_")
    }

    /// SQLite compares identifiers ASCII-case-insensitively (`Username` names the `username` column).
    func matches(_ other: String) -> Bool {
        func folded(_ s: String) -> [UInt8] {
            s.utf8.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 + 32 : $0 }
        }
        return folded(name) == folded(other)
    }
}
