extension ConfigLoader {
    /// `jwt:`: one key per `JWT_AUTH` setting. `issuesTokens` is true when the obtain or refresh endpoint is
    /// on, which makes a private key necessary for RS*/PS*/ES*. Key files are resolved against `baseDirectory`.
    static func parseJWT(_ field: Field?, _ reader: YAMLNodeReader, baseDirectory: String,
                         issuesTokens: Bool) -> JWTConfig {
        var config = JWTConfig()
        var entries: [String: Field] = [:]
        if let field, !reader.isNull(field) {
            guard let found = reader.mapping(field, known: GatewayKeys.jwt,
                                             elsewhere: GatewayKeys.elsewhere(except: "jwt")) else { return config }
            entries = found
        }
        let sectionLine = field?.keyLine

        if let secret = reader.string(entries["secret_key"]) { config.secretKey = Secret(secret) }
        var algorithmKnown = true
        if let algorithm = reader.choice(entries["algorithm"], JWTAlgorithm.self) {
            config.algorithm = algorithm
        } else if !reader.isMissing(entries["algorithm"]) {
            algorithmKnown = false   // already reported; skip the checks that depend on it
        }
        if reader.bool(entries["verify"]) == false, let verify = entries["verify"] {
            reader.issue(verify, "false is not offered (JWT_VERIFY = False)",
                         fix: "remove it or set it to true: a gateway that does not check signatures accepts "
                             + "forged tokens, so it would be an open door")
        }
        if let value = reader.bool(entries["verify_expiration"]) { config.verifyExpiration = value }
        if let value = reader.wholeSeconds(entries["leeway"], allowZero: true) { config.leeway = value }
        if let value = reader.wholeSeconds(entries["expiration_delta"], allowZero: false) {
            config.expirationDelta = value
        }
        if let value = reader.wholeSeconds(entries["refresh_expiration_delta"], allowZero: false) {
            config.refreshExpirationDelta = value
        }
        if let value = reader.bool(entries["allow_refresh"]) { config.allowRefresh = value }
        config.audience = parseAudience(entries["audience"], reader)
        config.issuer = reader.string(entries["issuer"])
        if let prefix = reader.string(entries["auth_header_prefix"]), let entry = entries["auth_header_prefix"] {
            if prefix.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) {
                reader.issue(entry, "\(YAMLNodeReader.quote(prefix)) contains whitespace or control characters",
                             fix: "use one word such as JWT or Bearer: the header is `<prefix> <token>`")
            } else {
                config.authHeaderPrefix = prefix
            }
        }
        if let cookie = reader.string(entries["auth_cookie"]), let entry = entries["auth_cookie"] {
            if isCookieName(cookie) {
                config.authCookie = cookie
            } else {
                reader.issue(entry, "\(YAMLNodeReader.quote(cookie)) is not a valid cookie name",
                             fix: "use letters, digits and -_.!#$%&'*+^|~ only (no spaces, `=`, `;` or quotes), e.g. jwt-token")
            }
        }
        if let secure = reader.bool(entries["auth_cookie_secure"]) { config.authCookieSecure = secure }
        if let name = reader.string(entries["user_secret_field"]), let entry = entries["user_secret_field"] {
            if isSQLIdentifier(name) {
                config.userSecretField = name
            } else {
                reader.issue(entry, "\(YAMLNodeReader.quote(name)) is not a field name",
                             fix: "name a user field or column: letters, digits and `_`, not starting with a digit")
            }
        }
        if let fields = parseResponseFields(entries["response_fields"], reader) { config.responseFields = fields }

        guard algorithmKnown else { return config }
        if config.algorithm.isHMAC {
            if reader.isMissing(entries["secret_key"]) {
                reader.issue(key: "jwt.secret_key", line: entries["secret_key"]?.line ?? sectionLine,
                             "is required for \(config.algorithm.rawValue)",
                             fix: "set it, preferably from the environment: secret_key: \"${JWT_SECRET_KEY}\"")
            }
            for name in ["private_key_file", "public_key_file"] {
                guard let entry = entries[name], !reader.isNull(entry) else { continue }
                reader.issue(entry, "is set but \(config.algorithm.rawValue) signs and verifies with secret_key",
                             fix: "remove it, or set jwt.algorithm to RS256/PS256/ES256 (or another asymmetric one)")
            }
        } else {
            let alg = config.algorithm.rawValue
            if let entry = entries["public_key_file"], !reader.isNull(entry) {
                if let path = reader.string(entry) {
                    config.publicKeyFile = ConfigPaths.resolve(path, relativeTo: baseDirectory)
                    config.publicKeyPEM = readPEM(config.publicKeyFile!, entry, reader, mustBePublic: true)
                }
            } else {
                reader.issue(key: "jwt.public_key_file", line: entries["public_key_file"]?.line ?? sectionLine,
                             "is required for \(alg)", fix: "point it at the PEM public key that verifies \(alg) tokens")
            }
            if let entry = entries["private_key_file"], !reader.isNull(entry) {
                if let path = reader.string(entry) {
                    config.privateKeyFile = ConfigPaths.resolve(path, relativeTo: baseDirectory)
                    config.privateKeyPEM = readPEM(config.privateKeyFile!, entry, reader, mustBePublic: false)
                        .map(Secret.init)
                }
            } else if issuesTokens {
                reader.issue(key: "jwt.private_key_file", line: entries["private_key_file"]?.line ?? sectionLine,
                             "is required for \(alg) while the obtain or refresh endpoint is on (they sign tokens)",
                             fix: "point it at the PEM private key, or set endpoints.obtain and endpoints.refresh "
                                 + "to null for a verify-only gateway")
            }
        }
        return config
    }

    /// The PEM text of a key file, or nil after an issue naming the file. Only checks that it is PEM at
    /// all; parsing is the token code's job. The text is never quoted.
    static func readPEM(_ path: String, _ entry: Field, _ reader: YAMLNodeReader, mustBePublic: Bool) -> String? {
        guard let text = ConfigFileReading.readText(file: path, namedBy: entry.path, at: entry.line,
                                                    in: reader.file, log: reader.log) else { return nil }
        guard text.contains("-----BEGIN") else {
            reader.issue(entry, "file \(path) is not PEM (no `-----BEGIN` line)",
                         fix: "convert the key to PEM, e.g. `openssl pkey -in KEY -out key.pem`")
            return nil
        }
        if mustBePublic, text.contains("PRIVATE KEY-----") {
            reader.issue(entry, "file \(path) holds a private key",
                         fix: "point public_key_file at the public key (`openssl pkey -in private.pem -pubout`); "
                             + "the private key belongs in private_key_file")
            return nil
        }
        return text
    }

    /// `audience`: a string (issued as `"aud":"x"`) or a list of strings (issued as a list).
    static func parseAudience(_ field: Field?, _ reader: YAMLNodeReader) -> AudienceSetting? {
        guard let field, !reader.isNull(field) else { return nil }
        if field.node.scalar != nil { return reader.string(field).map(AudienceSetting.single) }
        guard let items = reader.strings(field, allowSingle: false, itemsAre: "audience names") else { return nil }
        guard !items.isEmpty else {
            reader.issue(field, "is an empty list", fix: "give at least one audience, or null for none")
            return nil
        }
        return .list(items.map(\.value))
    }

    /// `response_fields`: `token` plus any of user_id, username, email, exp; no repeats.
    static func parseResponseFields(_ field: Field?, _ reader: YAMLNodeReader) -> [ResponseField]? {
        guard let field, !reader.isNull(field),
              let items = reader.sequence(field, itemsAre: "response field names") else { return nil }
        var fields: [ResponseField] = []
        var failed = false
        for item in items {
            guard let value = reader.choice(item, ResponseField.self) else {
                if reader.isNull(item) { reader.issue(item, "is empty", fix: "remove the empty item") }
                failed = true
                continue
            }
            if fields.contains(value) {
                reader.issue(item, "`\(value.rawValue)` is listed twice", fix: "list each field once")
                failed = true
            } else {
                fields.append(value)
            }
        }
        if !failed, !fields.contains(.token) {
            reader.issue(field, "does not include `token`",
                         fix: "add token: the obtain, refresh and verify answers always carry the token")
            failed = true
        }
        return failed ? nil : fields
    }

    /// RFC 6265 cookie-name: an RFC 7230 token.
    static func isCookieName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy(isTokenCharacter)
    }

    /// RFC 7230 `tchar`.
    static func isTokenCharacter(_ c: Unicode.Scalar) -> Bool {
        ConfigCharacters.isLetter(c) || ConfigCharacters.isDigit(c) || "!#$%&'*+-.^_`|~".unicodeScalars.contains(c)
    }

    /// `[A-Za-z_][A-Za-z0-9_]*`: safe to put in SQL as a table or column name.
    static func isSQLIdentifier(_ name: String) -> Bool {
        EnvironmentSubstitution.isVariableName(name) && name.count <= 63
    }
}
