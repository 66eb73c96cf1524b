import Yams

/// A value in a YAML file together with its dotted key path and the line of its key.
struct Field {
    /// `jwt.algorithm`, `routes[2].upstream`, …
    let path: String
    let node: Node
    /// Line of the `key:` that holds it (or of the list item), 1-based.
    let keyLine: Int?

    /// Where to point at this value: a scalar's own line, else the line of its key.
    var line: Int? {
        if node.scalar != nil { return node.mark?.line ?? keyLine }
        return keyLine ?? node.mark?.line
    }

    func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
    func item(_ index: Int) -> String { "\(path)[\(index)]" }
}

/// Typed reading of a composed Yams node tree. Every wrong value becomes an issue naming file, key and
/// line, and the reader answers nil so the caller keeps its default and carries on collecting.
struct YAMLNodeReader {
    let file: String
    let environment: [String: String]
    let log: IssueLog

    func issue(_ field: Field, _ problem: String, fix: String) {
        log.add(file: file, key: field.path, line: field.line, problem: problem, fix: fix)
    }

    func issue(key: String, line: Int?, _ problem: String, fix: String) {
        log.add(file: file, key: key, line: line, problem: problem, fix: fix)
    }

    /// `null`, `~` or nothing after the colon (plain, not quoted).
    func isNull(_ field: Field) -> Bool {
        guard let scalar = field.node.scalar, scalar.style == .plain || scalar.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// Absent or null: the key's default applies.
    func isMissing(_ field: Field?) -> Bool {
        guard let field else { return true }
        return isNull(field)
    }

    /// What the node is, for "expected …, got …" messages; never its value.
    func kind(of node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar: return "a single value"
        }
    }

    // MARK: - Structure

    /// The entries of a mapping by key. Reports a non-mapping, keys that are not plain text, duplicate keys,
    /// and keys not in `known` (with "did you mean …?"). `elsewhere` maps keys of other sections to their
    /// full path, so a key written in the wrong section is pointed to the right one.
    func mapping(_ field: Field, known: [String], elsewhere: [String: String] = [:]) -> [String: Field]? {
        guard let (entries, extra) = mappingEntries(field, known: known) else { return nil }
        for (key, entry) in extra {
            reportUnknownKey(key, at: entry, in: field, known: known, elsewhere: elsewhere)
        }
        return entries
    }

    /// Like `mapping`, but keys outside `known` are handed back (in file order) instead of reported.
    func mappingEntries(_ field: Field, known: [String]) -> (known: [String: Field], extra: [(String, Field)])? {
        guard case .mapping(let mapping) = field.node else {
            issue(field, "expected a mapping of keys, got \(kind(of: field.node))",
                  fix: "write it as `key: value` lines indented under `\(field.path.isEmpty ? "the top level" : field.path)`")
            return nil
        }
        var entries: [String: Field] = [:]
        var extra: [(String, Field)] = []
        var seen: [String: Int?] = [:]
        for (keyNode, value) in mapping {
            let keyLine = keyNode.mark?.line
            guard let key = keyNode.scalar?.string else {
                issue(key: field.path, line: keyLine, "a key is \(kind(of: keyNode)), not a name",
                      fix: "use plain names as keys")
                continue
            }
            let entry = Field(path: field.child(key), node: value, keyLine: keyLine)
            if let firstLine = seen[key] {
                issue(key: entry.path, line: keyLine,
                      "is given twice (first at line \(firstLine.map(String.init) ?? "?"))",
                      fix: "keep one of them")
                continue
            }
            seen[key] = keyLine
            if known.contains(key) { entries[key] = entry } else { extra.append((key, entry)) }
        }
        return (entries, extra)
    }

    func reportUnknownKey(_ key: String, at entry: Field, in parent: Field, known: [String],
                          elsewhere: [String: String]) {
        let fix: String
        if let suggestion = EditDistance.suggestion(for: key, among: known) {
            fix = "did you mean `\(suggestion)`?"
        } else if let path = EditDistance.suggestion(for: key, among: Array(elsewhere.keys)).flatMap({ elsewhere[$0] }) {
            fix = "did you mean `\(path)`? it belongs in the `\(path.split(separator: ".").first ?? "")` section"
        } else {
            fix = "remove it; known keys here: \(known.joined(separator: ", "))"
        }
        issue(key: entry.path, line: entry.keyLine, "unknown key `\(key)`", fix: fix)
    }

    /// The items of a list, each with path `key[i]`.
    func sequence(_ field: Field, itemsAre what: String) -> [Field]? {
        guard case .sequence(let sequence) = field.node else {
            issue(field, "expected a list of \(what), got \(kind(of: field.node))",
                  fix: "write one `- item` per line under `\(field.path)`")
            return nil
        }
        return sequence.enumerated().map { index, node in
            Field(path: field.item(index), node: node, keyLine: node.mark?.line)
        }
    }

    /// A scalar's text after `${NAME}` substitution; nil (with an issue) for a list or mapping, or when a
    /// referenced variable is missing. `sensitive` only changes wording: values are never quoted anyway here.
    func text(_ field: Field, expected what: String) -> String? {
        guard let scalar = field.node.scalar else {
            issue(field, "expected \(what), got \(kind(of: field.node))", fix: "write a single value")
            return nil
        }
        let (text, problems) = EnvironmentSubstitution.apply(to: scalar.string, environment: environment)
        for problem in problems {
            switch problem {
            case .missing(let name):
                issue(field, "environment variable \(name) is not set",
                      fix: "set \(name) in jwtgate's environment, or write the value in the file")
            case .malformed:
                issue(field, "has a `${` that is not a complete `${NAME}` reference",
                      fix: "write `${NAME}` with a name of letters, digits and `_`, or `$${` for a literal `${`")
            }
        }
        return problems.isEmpty ? text : nil
    }

    /// Line of the value under `key` in a mapping field (first occurrence), for cross-entry messages.
    static func valueLine(of key: String, in field: Field) -> Int? {
        guard case .mapping(let mapping) = field.node else { return nil }
        return mapping.first(where: { $0.key.scalar?.string == key })?.value.mark?.line
    }

    /// A value for messages: quoted and cut short. Only for keys that never hold secrets.
    static func quote(_ value: String) -> String {
        let short = value.count > 60 ? String(value.prefix(57)) + "…" : value
        return "\"\(short)\""
    }
}
