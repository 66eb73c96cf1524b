extension ConfigLoader {
    enum BackendName: String, CaseIterable { case file, sqlite, postgres }

    /// `users:`: where users live. The file backend's users.yaml is read and validated here too.
    /// Nil when the section has a problem (already reported).
    static func parseUsers(_ field: Field?, _ reader: YAMLNodeReader, baseDirectory: String) -> UsersConfig? {
        var entries: [String: Field] = [:]
        if let field, !reader.isNull(field) {
            guard let found = reader.mapping(field, known: GatewayKeys.users,
                                             elsewhere: GatewayKeys.elsewhere(except: "users")) else { return nil }
            entries = found
        }
        let sectionLine = field?.keyLine
        var failed = false
        var backendName = BackendName.file
        if let name = reader.choice(entries["backend"], BackendName.self) {
            backendName = name
        } else if !reader.isMissing(entries["backend"]) {
            failed = true
        }

        var table = "auth_user", usernameField = "username", emailField = "email"
        for (key, slot) in [("table", 0), ("username_field", 1), ("email_field", 2)] {
            guard let entry = entries[key], let name = reader.string(entry) else {
                if !reader.isMissing(entries[key]) { failed = true }
                continue
            }
            guard isSQLIdentifier(name) else {
                reader.issue(entry, "\(YAMLNodeReader.quote(name)) is not an SQL identifier",
                             fix: "use letters, digits and `_`, not starting with a digit (e.g. auth_user)")
                failed = true
                continue
            }
            switch slot {
            case 0: table = name
            case 1: usernameField = name
            default: emailField = name
            }
        }
        var cacheTTL = Duration.seconds(5)
        if let ttl = reader.duration(entries["cache_ttl"], allowZero: true) {
            cacheTTL = ttl
        } else if !reader.isMissing(entries["cache_ttl"]) {
            failed = true
        }

        let backend: UserBackend?
        switch backendName {
        case .file:
            rejectUnused("url", for: backendName, entries, reader)
            // Default `users.yaml` next to the gateway file: every key stays optional, and a missing file
            // is still reported by name.
            let written = entries["path"].flatMap { reader.isNull($0) ? nil : reader.string($0) } ?? "users.yaml"
            let display = ConfigPaths.resolve(written, relativeTo: baseDirectory)
            let pathField = entries["path"]
            backend = loadUsersFile(display, namedBy: pathField?.path ?? "users.path",
                                    at: pathField?.line ?? sectionLine, reader)
                .map { .file(path: ConfigPaths.absolute(display), users: $0) }
        case .sqlite:
            rejectUnused("url", for: backendName, entries, reader)
            guard let entry = entries["path"], !reader.isNull(entry) else {
                reader.issue(key: "users.path", line: sectionLine, "is required for the sqlite backend",
                             fix: "point it at the Django project's db.sqlite3")
                return nil
            }
            guard let written = reader.string(entry) else { return nil }
            let display = ConfigPaths.resolve(written, relativeTo: baseDirectory)
            guard ConfigFileReading.isReadableFile(display, namedBy: entry.path, at: entry.line,
                                                   in: reader.file, log: reader.log) else { return nil }
            backend = .sqlite(path: ConfigPaths.absolute(display))
        case .postgres:
            rejectUnused("path", for: backendName, entries, reader)
            guard let entry = entries["url"], !reader.isNull(entry) else {
                reader.issue(key: "users.url", line: sectionLine, "is required for the postgres backend",
                             fix: "set it, preferably from the environment: url: \"${DATABASE_URL}\"")
                return nil
            }
            guard let url = reader.string(entry) else { return nil }
            guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
                // The URL may hold a password: never quote it.
                reader.issue(entry, "is not a postgres:// URL",
                             fix: "write postgres://user:password@host:5432/database")
                return nil
            }
            backend = .postgres(url: Secret(url))
        }
        guard let backend, !failed else { return nil }
        var config = UsersConfig(backend: backend)
        config.table = table
        config.usernameField = usernameField
        config.emailField = emailField
        config.cacheTTL = cacheTTL
        return config
    }

    /// A key that the chosen backend does not use is a mistake worth reporting (e.g. a url with `backend: file`).
    static func rejectUnused(_ key: String, for backend: BackendName, _ entries: [String: Field],
                             _ reader: YAMLNodeReader) {
        guard let entry = entries[key], !reader.isNull(entry) else { return }
        let users = key == "url" ? "postgres" : "file and sqlite"
        reader.issue(entry, "is not used by the \(backend.rawValue) backend (only by \(users))",
                     fix: "remove it, or set users.backend to the backend it belongs to")
    }
}

