/// A JSON document as Python's `json` module sees it: object members keep insertion order,
/// a duplicate key keeps its first position and its last value (CPython dict semantics), and
/// numbers keep the int/float distinction that `int()` coercions in PyJWT depend on.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// An integer literal that fits in Int64.
    case integer(Int64)
    /// An integer literal outside Int64, as canonical decimal text (optional `-`, no leading zeros).
    case bigInteger(String)
    /// A literal with a fraction or exponent (Python float), including `NaN`, `Infinity`, `-Infinity`.
    case float(Double)
    case string(String)
    /// A string that contained a lone UTF-16 surrogate escape (`"\ud800"`), which Swift strings
    /// cannot hold: each lone surrogate became U+FFFD; `firstSurrogate` is the first one's code unit.
    case surrogateString(String, firstSurrogate: UInt16)
    case array([JSONValue])
    case object(JSONObject)
}

/// Ordered JSON object members with Python dict semantics for repeated keys.
public struct JSONObject: Sendable, Equatable {
    public private(set) var members: [(key: String, value: JSONValue)]
    /// Key → position, kept once an object grows past a few members, so a hostile body with many
    /// keys costs O(n) to build rather than O(n²).
    private var index: [CodePointString: Int]?
    private static let indexThreshold = 16

    public init() { members = [] }

    public init(_ members: [(String, JSONValue)]) {
        self.members = []
        self.members.reserveCapacity(members.count)
        for (key, value) in members { self[key] = value }
    }

    public var count: Int { members.count }
    public var keys: [String] { members.map(\.key) }

    private func position(of key: String) -> Int? {
        // Python dict keys are equal when their code points are: exact, not canonical, equality.
        if let index { return index[CodePointString(key)] }
        return members.firstIndex { $0.key.isExactly(key) }
    }

    /// Setting an existing key replaces its value in place (keeps the position); a new key is appended.
    /// Setting nil removes the key.
    public subscript(key: String) -> JSONValue? {
        get { position(of: key).map { members[$0].value } }
        set {
            if let at = position(of: key) {
                if let newValue {
                    members[at].value = newValue
                } else {
                    members.remove(at: at)
                    if index != nil { rebuildIndex() }
                }
            } else if let newValue {
                members.append((key, newValue))
                if index != nil {
                    index![CodePointString(key)] = members.count - 1
                } else if members.count > Self.indexThreshold {
                    rebuildIndex()
                }
            }
        }
    }

    private mutating func rebuildIndex() {
        var map: [CodePointString: Int] = [:]
        map.reserveCapacity(members.count)
        for (i, member) in members.enumerated() { map[CodePointString(member.key)] = i }
        index = map
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.count == rhs.members.count
            && zip(lhs.members, rhs.members).allSatisfy { $0.key.isExactly($1.key) && $0.value == $1.value }
    }
}

extension JSONValue {
    public var objectValue: JSONObject? {
        if case .object(let object) = self { return object }
        return nil
    }

    public var stringValue: String? {
        switch self {
        case .string(let s), .surrogateString(let s, _): return s
        default: return nil
        }
    }

    /// Python truthiness (`if value:`), used where the library tests a claim with `not x`.
    public var isTruthy: Bool {
        switch self {
        case .null: return false
        case .bool(let b): return b
        case .integer(let i): return i != 0
        case .bigInteger: return true
        case .float(let d): return d != 0
        case .string(let s), .surrogateString(let s, _): return !s.isEmpty
        case .array(let a): return !a.isEmpty
        case .object(let o): return o.count > 0
        }
    }
}
