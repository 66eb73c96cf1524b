/// Whether a users.yaml `password` has the shape of a value Django stores (`make_password`): checking it
/// is another file's job; this only keeps plain passwords and typos out of the store.
enum DjangoHashShape {
    /// Django's hasher names (django.contrib.auth.hashers), including the legacy ones: the same list
    /// the password verifier knows.
    static let algorithms = Set(DjangoHashAlgorithm.allCases.map(\.rawValue))

    /// Nil when `value` looks like a Django hash; else a message that does not quote the value.
    static func problem(with value: String) -> String? {
        if value.hasPrefix("!") { return nil }   // unusable password: the user cannot log in
        if value.count == 32, value.unicodeScalars.allSatisfy(ConfigCharacters.isHexDigit) { return nil }   // unsalted MD5
        guard let dollar = value.firstIndex(of: "$") else {
            return "is not a Django password hash (expected `algorithm$…`, e.g. pbkdf2_sha256$…)"
        }
        let algorithm = String(value[..<dollar])
        guard algorithms.contains(algorithm) else {
            return "is not a Django password hash (the part before the first `$` is not a Django hasher name)"
        }
        guard value.index(after: dollar) < value.endIndex else {
            return "is not a Django password hash (nothing after the algorithm)"
        }
        return nil
    }
}
