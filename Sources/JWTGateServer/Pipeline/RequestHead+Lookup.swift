import JWTGateCore

extension RequestHead {
    /// The first value of the field `lowercaseName` (ASCII case-insensitive), without allocating.
    func first(_ lowercaseName: String) -> String? {
        for field in fields where Self.nameEquals(field.name, lowercaseName) { return field.value }
        return nil
    }

    /// Whether a field `lowercaseName` is present.
    func has(_ lowercaseName: String) -> Bool { first(lowercaseName) != nil }

    static func nameEquals(_ name: String, _ lowercase: String) -> Bool {
        var a = name.utf8.makeIterator()
        var b = lowercase.utf8.makeIterator()
        while true {
            switch (a.next(), b.next()) {
            case (nil, nil): return true
            case (let x?, let y?):
                let folded = (x >= 0x41 && x <= 0x5A) ? x | 0x20 : x
                if folded != y { return false }
            default: return false
            }
        }
    }
}
