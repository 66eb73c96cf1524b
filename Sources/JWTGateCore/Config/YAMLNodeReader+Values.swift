import Foundation

/// Typed scalar values. Each returns nil when the key is absent or null (the default applies) and also
/// when the value is wrong, after logging an issue; quoted and plain scalars are read alike, so a value
/// from `"${PORT}"` converts like a literal `8080`.
extension YAMLNodeReader {
    /// Text (never quoted in messages, so secrets may be read with it).
    func string(_ field: Field?, allowEmpty: Bool = false) -> String? {
        guard let field, !isNull(field), let value = text(field, expected: "a text value") else { return nil }
        if !allowEmpty, value.isEmpty {
            issue(field, "is empty", fix: "give a value, or remove the key to use the default")
            return nil
        }
        return value
    }

    func bool(_ field: Field?) -> Bool? {
        guard let field, !isNull(field), let value = text(field, expected: "true or false") else { return nil }
        switch value.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            issue(field, "expected true or false, got \(Self.quote(value))", fix: "write `true` or `false`")
            return nil
        }
    }

    func int(_ field: Field?, in range: ClosedRange<Int>, meaning: String = "") -> Int? {
        guard let field, !isNull(field), let value = text(field, expected: "a whole number") else { return nil }
        guard let number = Int(value.trimmingCharacters(in: .whitespaces)) else {
            issue(field, "expected a whole number, got \(Self.quote(value))",
                  fix: "write a number from \(range.lowerBound) to \(range.upperBound)\(meaning)")
            return nil
        }
        guard range.contains(number) else {
            issue(field, "\(number) is out of range",
                  fix: "use a number from \(range.lowerBound) to \(range.upperBound)\(meaning)")
            return nil
        }
        return number
    }

    /// A duration in milliseconds: seconds as a number, or `250ms`, `30s`, `5m`, `1h`, `7d`.
    func milliseconds(_ field: Field?, allowZero: Bool) -> Int64? {
        guard let field, !isNull(field), let value = text(field, expected: "a duration") else { return nil }
        guard let ms = DurationParsing.milliseconds(from: value), ms <= 100 * 365 * 86_400_000 else {
            issue(field, "expected a duration, got \(Self.quote(value))",
                  fix: "write seconds as a number, or a number with a unit: ms, s, m, h, d (\"30s\", \"5m\", \"7d\")")
            return nil
        }
        if ms == 0, !allowZero {
            issue(field, "must be longer than zero", fix: "give a positive duration such as \"30s\"")
            return nil
        }
        return ms
    }

    func duration(_ field: Field?, allowZero: Bool = false) -> Duration? {
        milliseconds(field, allowZero: allowZero).map { .milliseconds($0) }
    }

    /// A duration that must be whole seconds (the `jwt.*` deltas and leeway, as the library's timedeltas).
    func wholeSeconds(_ field: Field?, allowZero: Bool) -> Int64? {
        guard let ms = milliseconds(field, allowZero: allowZero), let field else { return nil }
        guard ms % 1000 == 0 else {
            issue(field, "must be whole seconds (tokens carry whole-second times)",
                  fix: "round it to seconds, e.g. \"\(max(1, ms / 1000))s\"")
            return nil
        }
        return ms / 1000
    }

    /// A positive size in bytes: a number, or with `KiB`, `MiB`, `GiB`.
    func byteCount(_ field: Field?) -> Int? {
        guard let field, !isNull(field), let value = text(field, expected: "a size in bytes") else { return nil }
        guard let bytes = DurationParsing.bytes(from: value), bytes <= Int64(Int32.max) else {
            issue(field, "expected a size in bytes, got \(Self.quote(value))",
                  fix: "write a number of bytes, or one with KiB, MiB or GiB (\"16KiB\", \"10MiB\")")
            return nil
        }
        guard bytes > 0 else {
            issue(field, "must be positive", fix: "give a size above zero")
            return nil
        }
        return Int(bytes)
    }

    /// One of an enum's raw values, matched exactly; a case-insensitive or close match is offered as the fix.
    func choice<E: RawRepresentable & CaseIterable>(_ field: Field?, _ type: E.Type) -> E? where E.RawValue == String {
        guard let field, !isNull(field), let value = text(field, expected: "a name") else { return nil }
        if let match = E(rawValue: value) { return match }
        let names = E.allCases.map(\.rawValue)
        let fix: String
        if let same = names.first(where: { $0.lowercased() == value.lowercased() }) {
            fix = "did you mean \(same)? (names are case-sensitive)"
        } else if let close = EditDistance.suggestion(for: value, among: names) {
            fix = "did you mean \(close)? (one of \(names.joined(separator: ", ")))"
        } else {
            fix = "use one of \(names.joined(separator: ", "))"
        }
        issue(field, "unknown value \(Self.quote(value))", fix: fix)
        return nil
    }

    /// A list of text values (or a single one when `allowSingle`), each with its field.
    func strings(_ field: Field?, allowSingle: Bool, itemsAre what: String) -> [(value: String, field: Field)]? {
        guard let field, !isNull(field) else { return nil }
        if allowSingle, field.node.scalar != nil {
            return string(field).map { [($0, field)] }
        }
        guard let items = sequence(field, itemsAre: what) else { return nil }
        var result: [(value: String, field: Field)] = []
        var failed = false
        for item in items {
            if isNull(item) {
                issue(item, "is empty", fix: "remove the empty item")
                failed = true
            } else if let value = string(item) {
                result.append((value, item))
            } else {
                failed = true
            }
        }
        return failed ? nil : result
    }
}
