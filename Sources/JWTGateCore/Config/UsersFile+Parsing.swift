import Foundation

extension ConfigLoader {
    /// Keys a users.yaml entry models from Django's `auth.User`; any other scalar key is kept as text in
    /// `UserRecord.fields` (where `jwt.user_secret_field` finds per-user values).
    static let userKeys = ["id", "username", "email", "password", "is_active"]

    /// Reads and validates users.yaml (file backend). `key`/`line` name the gateway key that pointed here.
    static func loadUsersFile(_ file: String, namedBy key: String, at line: Int?,
                              _ gatewayReader: YAMLNodeReader) -> [UserRecord]? {
        let log = gatewayReader.log
        guard case .document(let root) = ConfigFileReading.read(file: file, namedBy: key, at: line,
                                                                 in: gatewayReader.file, log: log) else { return nil }
        let reader = YAMLNodeReader(file: file, environment: gatewayReader.environment, log: log)
        guard let root,
              let top = reader.mapping(Field(path: "", node: root, keyLine: nil), known: ["users"]) else {
            if root == nil {
                reader.issue(key: "", line: nil, "is empty", fix: "list the users under a `users:` key")
            }
            return nil
        }
        guard let usersField = top["users"] else {
            reader.issue(key: "users", line: root.mark?.line, "is missing", fix: "list the users under a `users:` key")
            return nil
        }
        if reader.isNull(usersField) { return [] }
        guard let items = reader.sequence(usersField, itemsAre: "users") else { return nil }

        var users: [UserRecord] = []
        var failed = false
        var idLines: [String: (index: Int, line: Int?)] = [:]
        var usernameLines: [CodePointString: (index: Int, line: Int?)] = [:]  // exact: NFC and NFD are two Django users
        for (index, item) in items.enumerated() {
            guard let user = parseUser(item, reader) else { failed = true; continue }
            if let first = idLines[user.id.description] {
                reader.issue(key: "\(item.path).id", line: YAMLNodeReader.valueLine(of: "id", in: item) ?? item.line,
                             "id \(user.id) is already used by users[\(first.index)] (line \(first.line ?? 0))",
                             fix: "give every user its own id")
                failed = true
            } else {
                idLines[user.id.description] = (index, YAMLNodeReader.valueLine(of: "id", in: item))
            }
            if let first = usernameLines[CodePointString(user.username)] {
                reader.issue(key: "\(item.path).username", line: YAMLNodeReader.valueLine(of: "username", in: item) ?? item.line,
                             "username \(YAMLNodeReader.quote(user.username)) is already used by "
                                 + "users[\(first.index)] (line \(first.line ?? 0))",
                             fix: "usernames are unique (as Django's USERNAME_FIELD); rename or remove one")
                failed = true
            } else {
                usernameLines[CodePointString(user.username)] = (index, YAMLNodeReader.valueLine(of: "username", in: item))
            }
            users.append(user)
        }
        return failed ? nil : users
    }

    /// One entry of users.yaml, or nil after its issues are logged.
    static func parseUser(_ item: Field, _ reader: YAMLNodeReader) -> UserRecord? {
        guard let (entries, extra) = reader.mappingEntries(item, known: userKeys) else { return nil }
        var failed = false
        var id: UserRecord.ID?
        if let entry = entries["id"], !reader.isNull(entry) {
            if let text = reader.text(entry, expected: "an integer or a UUID") {
                id = userID(text)
                if id == nil {
                    reader.issue(entry, "\(YAMLNodeReader.quote(text)) is neither an integer nor a UUID",
                                 fix: "write the user's primary key: an integer such as 1, or a UUID")
                }
            }
        } else {
            reader.issue(key: "\(item.path).id", line: item.line, "is missing",
                         fix: "give the user's primary key (an integer or a UUID); it becomes the user_id claim")
        }
        if id == nil { failed = true }

        let username = reader.string(entries["username"])
        if reader.isMissing(entries["username"]) {
            reader.issue(key: "\(item.path).username", line: entries["username"]?.line ?? item.line, "is missing",
                         fix: "give the name the user logs in with")
        }
        if username == nil { failed = true }

        // Missing email is "" as Django's auth.User (whose email column is blank, never null).
        var email = ""
        if let entry = entries["email"], !reader.isNull(entry) {
            if let value = reader.string(entry, allowEmpty: true) { email = value } else { failed = true }
        }

        var password: String?
        if let entry = entries["password"], !reader.isNull(entry) {
            if let value = reader.text(entry, expected: "a Django password hash") {
                // Never quote it: it may be a real hash, or worse, a password typed in by mistake.
                if let problem = DjangoHashShape.problem(with: value) {
                    reader.issue(entry, problem,
                                 fix: "store a Django hash: `jwtgate hash-password` prints one (never a plain password)")
                } else {
                    password = value
                }
            }
        } else {
            reader.issue(key: "\(item.path).password", line: entries["password"]?.line ?? item.line, "is missing",
                         fix: "give a Django password hash (`jwtgate hash-password` prints one), or \"!\" for "
                             + "a user who cannot log in")
        }
        if password == nil { failed = true }

        var isActive = true
        if let entry = entries["is_active"], !reader.isNull(entry) {
            if let value = reader.bool(entry) { isActive = value } else { failed = true }
        }

        var fields: [String: String] = [:]
        for (key, entry) in extra {
            let normalizedKey = key.lowercased().replacingOccurrences(of: "-", with: "_")
            if let close = userKeys.first(where: {
                $0 == normalizedKey || (key.count >= 5 && EditDistance.between(normalizedKey, $0) <= 1)
            }) {
                // A misspelt `is_active` kept as an extra field would silently leave the user active.
                reader.issue(key: entry.path, line: entry.keyLine, "unknown key `\(key)`",
                             fix: "did you mean `\(close)`? (other keys are kept as extra user fields)")
                failed = true
                continue
            }
            if reader.isNull(entry) { continue }
            guard entry.node.scalar != nil else {
                reader.issue(entry, "is \(reader.kind(of: entry.node)); extra user fields must be single values",
                             fix: "write one value, e.g. `\(key): text`")
                failed = true
                continue
            }
            // Extra fields may hold per-user secrets: never quoted.
            if let value = reader.text(entry, expected: "a single value") { fields[key] = value } else { failed = true }
        }

        guard !failed, let id, let username, let password else { return nil }
        return UserRecord(id: id, username: username, email: email, passwordHash: password, isActive: isActive,
                          fields: fields)
    }

    /// An integer (`1`, `"42"`) or a UUID (hyphenated or 32 hex digits, any case) in canonical form.
    static func userID(_ text: String) -> UserRecord.ID? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let number = Int64(trimmed) { return .integer(number) }
        let hex = trimmed.lowercased()
        let digits = hex.replacingOccurrences(of: "-", with: "")
        guard digits.count == 32, digits.unicodeScalars.allSatisfy(ConfigCharacters.isHexDigit) else { return nil }
        if hex.contains("-") {
            let groups = hex.split(separator: "-", omittingEmptySubsequences: false).map(\.count)
            guard groups == [8, 4, 4, 4, 12] else { return nil }
        }
        let d = Array(digits)
        let canonical = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(d[$0]) }.joined(separator: "-")
        return .uuid(canonical)
    }
}
