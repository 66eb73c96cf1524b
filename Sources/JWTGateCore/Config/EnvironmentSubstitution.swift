/// `${NAME}` in a configuration value is replaced by the environment variable NAME; `$${` writes a literal `${`.
/// Applied to every scalar value of the three files before it is converted to a number, a boolean or a duration.
enum EnvironmentSubstitution {
    enum Problem: Equatable {
        /// `${NAME}` names a variable that is not set.
        case missing(String)
        /// `${` without a closing `}`, or a name that is not `[A-Za-z_][A-Za-z0-9_]*`.
        case malformed
    }

    static func apply(to text: String, environment: [String: String]) -> (text: String, problems: [Problem]) {
        guard text.contains("$") else { return (text, []) }
        let scalars = Array(text.unicodeScalars)
        var output = String.UnicodeScalarView()
        var problems: [Problem] = []
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            guard c == "$" else { output.append(c); i += 1; continue }
            if i + 2 < scalars.count, scalars[i + 1] == "$", scalars[i + 2] == "{" {
                output.append(contentsOf: "${".unicodeScalars)   // escaped: `$${` is a literal `${`
                i += 3
                continue
            }
            guard i + 1 < scalars.count, scalars[i + 1] == "{" else { output.append(c); i += 1; continue }
            guard let close = scalars[(i + 2)...].firstIndex(of: "}") else {
                problems.append(.malformed)
                output.append(contentsOf: scalars[i...])
                break
            }
            let name = String(String.UnicodeScalarView(scalars[(i + 2)..<close]))
            if !isVariableName(name) {
                problems.append(.malformed)
            } else if let value = environment[name] {
                output.append(contentsOf: value.unicodeScalars)
            } else if !problems.contains(.missing(name)) {
                problems.append(.missing(name))
            }
            i = close + 1
        }
        return (String(output), problems)
    }

    static func isVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || ConfigCharacters.isLetter(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ConfigCharacters.isLetter($0) || ConfigCharacters.isDigit($0) }
    }
}

/// ASCII character classes for configuration values (a namespace, so nothing clashes with other code).
enum ConfigCharacters {
    static func isLetter(_ c: Unicode.Scalar) -> Bool { ("a"..."z").contains(c) || ("A"..."Z").contains(c) }
    static func isDigit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }
    static func isHexDigit(_ c: Unicode.Scalar) -> Bool {
        isDigit(c) || ("a"..."f").contains(c) || ("A"..."F").contains(c)
    }
}
