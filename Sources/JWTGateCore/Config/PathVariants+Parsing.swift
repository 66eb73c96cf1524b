extension ConfigLoader {
    static let pathVariantKeys = ["case_insensitive", "semicolon_params", "trailing_slash"]

    /// Reads `path_variants:` of routes.yaml; absent or null keys keep their defaults (all on).
    /// Nil after issues.
    static func parsePathVariants(_ field: Field?, _ reader: YAMLNodeReader) -> PathVariantsConfig? {
        var variants = PathVariantsConfig()
        guard let field, !reader.isNull(field) else { return variants }
        guard let entries = reader.mapping(field, known: pathVariantKeys) else { return nil }
        var failed = false
        for (key, keyPath) in [("case_insensitive", \PathVariantsConfig.caseInsensitive),
                               ("trailing_slash", \.trailingSlash)] {
            if let value = reader.bool(entries[key]) {
                variants[keyPath: keyPath] = value
            } else if !reader.isMissing(entries[key]) {
                failed = true
            }
        }
        if let value = semicolonParams(entries["semicolon_params"], reader) {
            variants.semicolonParams = value
        } else if !reader.isMissing(entries["semicolon_params"]) {
            failed = true
        }
        for key in pathVariantKeys {
            if let line = entries[key]?.line { variants.lines[key] = line }
        }
        return failed ? nil : variants
    }

    /// `true`, `false` (spelled as any boolean) or `reject`.
    private static func semicolonParams(_ field: Field?,
                                        _ reader: YAMLNodeReader) -> PathVariantsConfig.SemicolonParams? {
        guard let field, !reader.isNull(field),
              let value = reader.text(field, expected: "true, false or reject") else { return nil }
        switch value.lowercased() {
        case "true", "yes", "on": return .on
        case "false", "no", "off": return .off
        case "reject": return .reject
        default:
            reader.issue(field, "expected true, false or reject, got \(YAMLNodeReader.quote(value))",
                         fix: "write `true` (also route the path without its ';' parameters), `false` "
                             + "(';' is an ordinary character) or `reject` (answer 400 to any path with ';')")
            return nil
        }
    }
}
