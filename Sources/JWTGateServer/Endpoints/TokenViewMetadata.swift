import JWTGateCore

/// DRF's OPTIONS metadata of the three views (spec §4.1), with `renders` listing JSON only:
/// jwtgate has no browsable API (interface.md difference 7).
enum TokenViewMetadata {
    static func body(for view: RequestPipeline.TokenView, usernameField: String) -> JSONValue {
        let name: String
        let description: String
        let fields: [String]
        switch view {
        case .obtain:
            name = "Obtain Json Web Token"
            description = "API View that receives a POST with a user's username and password.\n\nReturns a JSON Web Token that can be used for authenticated requests."
            fields = [usernameField, "password"]
        case .verify:
            name = "Verify Json Web Token"
            description = "API View that checks the veracity of a token, returning the token if it\nis valid."
            fields = ["token"]
        case .refresh:
            name = "Refresh Json Web Token"
            description = "API View that returns a refreshed token (with new expiration) based on\nexisting token\n\nIf 'orig_iat' field (original issued-at-time) is found, will first check\nif it's within expiration window, then copy it to the new token"
            fields = ["token"]
        }
        let actions = JSONObject(fields.map { field in
            (field, JSONValue.object(JSONObject([
                ("type", .string("string")), ("required", .bool(true)), ("read_only", .bool(false)),
                ("label", .string(label(for: field))),
            ])))
        })
        return .object(JSONObject([
            ("name", .string(name)),
            ("description", .string(description)),
            ("renders", .array([.string("application/json")])),
            ("parses", .array([.string("application/json"), .string("application/x-www-form-urlencoded"),
                               .string("multipart/form-data")])),
            ("actions", .object(JSONObject([("POST", .object(actions))]))),
        ]))
    }

    /// DRF's default label: the field name with `_` as spaces, first letter capitalised.
    private static func label(for field: String) -> String {
        let spaced = field.replacingUnderscores()
        return spaced.prefix(1).uppercased() + spaced.dropFirst()
    }
}

private extension String {
    func replacingUnderscores() -> String { String(map { $0 == "_" ? " " : $0 }) }
}
