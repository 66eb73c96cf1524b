/// The user table as found on the PostgreSQL server at start-up (`information_schema` and `pg_index`),
/// with the SQL built from it and the mapping of a result row to a `UserRecord`. The PostgreSQL
/// counterpart of `SQLiteUserTable`: columns by name, custom user models, integer or UUID primary keys,
/// no email or `is_active` column where the model has none.
struct PostgresUserTable: Sendable {
    let target: String
    let table: SQLIdentifier
    let primaryKey: SQLIdentifier
    /// The primary key's `data_type` (`integer`, `bigint`, `uuid`, …).
    let primaryKeyType: String
    let username: SQLIdentifier
    let email: SQLIdentifier?
    let isActive: SQLIdentifier?
    let extraFields: [(key: String, column: SQLIdentifier)]

    /// pk, username, password, then email, is_active and the extra fields when present; all as text.
    let lookupSQL: String
    let reachabilitySQL: String
    let sampleHashSQL: String

    static func introspect(
        _ connection: PostgresConnection, table: SQLIdentifier, usernameField: SQLIdentifier,
        emailField: SQLIdentifier, extraFields: [SQLIdentifier]
    ) throws(UserStoreError) -> PostgresUserTable {
        let target = connection.target
        let rows = try connection.query(
            "SELECT column_name::text, data_type::text FROM information_schema.columns "
                + "WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
            [table.name])
        let columns = rows.map { (name: $0[0] ?? "", type: $0[1] ?? "") }
        guard !columns.isEmpty else {
            let hint = try connection.query(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() "
                    + "AND table_name LIKE '%user%' ORDER BY table_name"
            ).compactMap { $0.first ?? nil }
            throw UserStoreError(
                "users: table \(table.quoted) not found in PostgreSQL database \(target)"
                    + (hint.isEmpty ? " (its current schema has no table with \"user\" in its name)"
                        : " (tables there: \(hint.joined(separator: ", ")))")
                    + "; set users.table to the user model's table (auth_user, or <app_label>_<model> for a "
                    + "custom AUTH_USER_MODEL)")
        }
        let names = columns.map(\.name).joined(separator: ", ")
        func find(_ name: SQLIdentifier) -> SQLIdentifier? {
            columns.first { name.matches($0.name) }.flatMap { try? SQLIdentifier($0.name, role: "column") }
        }
        func missing(_ column: SQLIdentifier, fix: String) -> UserStoreError {
            UserStoreError(
                "users: table \(table.quoted) in PostgreSQL database \(target) has no column \(column.quoted) "
                    + "(its columns: \(names)); \(fix)")
        }
        guard let username = find(usernameField) else {
            throw missing(usernameField, fix: "set users.username_field to the column of the user model's USERNAME_FIELD")
        }
        let passwordField = try SQLIdentifier("password", role: "column")
        guard find(passwordField) != nil else {
            throw missing(passwordField, fix: "this is not a Django user table; set users.table to the user model's table")
        }
        let keys = try connection.query(
            "SELECT a.attname::text FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
                + "AND a.attnum = ANY(i.indkey) WHERE i.indisprimary "
                + "AND i.indrelid = (quote_ident(current_schema()) || '.' || quote_ident($1))::regclass",
            [table.name]
        ).compactMap { $0.first ?? nil }
        let primaryKey: SQLIdentifier
        if keys.count == 1 {
            primaryKey = try SQLIdentifier(keys[0], role: "primary key column")
        } else if keys.isEmpty, let id = find(try SQLIdentifier("id", role: "column")) {
            primaryKey = id
        } else {
            throw UserStoreError(
                "users: table \(table.quoted) in PostgreSQL database \(target) "
                    + (keys.isEmpty ? "has no primary key" : "has a composite primary key")
                    + " (its columns: \(names)); a Django user table has a single integer or UUID primary key; "
                    + "set users.table to the user model's table")
        }
        var extras: [(key: String, column: SQLIdentifier)] = []
        for field in extraFields {
            guard let column = find(field) else {
                throw missing(field, fix: "set jwt.user_secret_field (or the extra field) to a column of this table")
            }
            extras.append((field.name, column))
        }
        let keyType = columns.first { primaryKey.matches($0.name) }?.type ?? ""
        return PostgresUserTable(
            target: target, table: table, primaryKey: primaryKey, primaryKeyType: keyType, username: username,
            password: passwordField, email: find(emailField),
            isActive: find(try SQLIdentifier("is_active", role: "column")),
            dateJoined: find(try SQLIdentifier("date_joined", role: "column")), extraFields: extras)
    }

    private init(
        target: String, table: SQLIdentifier, primaryKey: SQLIdentifier, primaryKeyType: String,
        username: SQLIdentifier, password: SQLIdentifier, email: SQLIdentifier?, isActive: SQLIdentifier?,
        dateJoined: SQLIdentifier?, extraFields: [(key: String, column: SQLIdentifier)]
    ) {
        self.target = target
        self.table = table
        self.primaryKey = primaryKey
        self.primaryKeyType = primaryKeyType
        self.username = username
        self.email = email
        self.isActive = isActive
        self.extraFields = extraFields

        let selected = [primaryKey, username, password] + [email, isActive].compactMap { $0 } + extraFields.map(\.column)
        let columnList = selected.map { "\($0.quoted)::text" }.joined(separator: ", ")
        // `=` on Django's varchar column is case-sensitive, exactly as `get_by_natural_key` matches.
        lookupSQL = "SELECT \(columnList) FROM \(table.quoted) WHERE \(username.quoted) = $1 LIMIT 2"
        reachabilitySQL = "SELECT \(columnList) FROM \(table.quoted) LIMIT 1"
        var conditions = ["left(\(password.quoted), 1) <> '!'", "\(password.quoted) <> ''"]
        if let isActive { conditions.append("COALESCE(\(isActive.quoted)::text, '') IN ('true', 't', '1')") }
        let order = ([dateJoined].compactMap { $0 } + [primaryKey]).map { "\($0.quoted) DESC" }
        sampleHashSQL = "SELECT \(password.quoted)::text FROM \(table.quoted) WHERE \(conditions.joined(separator: " AND ")) "
            + "ORDER BY \(order.joined(separator: ", ")) LIMIT 1"
    }

    /// Maps a row of `lookupSQL` as Django would load the model instance.
    func record(from row: [String?]) throws(UserStoreError) -> UserRecord {
        var index = 3
        func next() -> String? {
            defer { index += 1 }
            return row[index]
        }
        let id = try recordID(row[0] ?? "")
        let email = self.email.map { _ in next() ?? "" }
        let isActive = self.isActive.map { _ in ["true", "t", "1"].contains(next() ?? "") } ?? true
        var fields: [String: String] = [:]
        for (key, _) in extraFields {
            if let value = next() { fields[key] = value }
        }
        return UserRecord(id: id, username: row[1] ?? "", email: email, passwordHash: row[2] ?? "",
                          isActive: isActive, fields: fields)
    }

    private func recordID(_ text: String) throws(UserStoreError) -> UserRecord.ID {
        if primaryKeyType != "uuid", let integer = Int64(text) { return .integer(integer) }
        if let uuid = SQLiteUserTable.canonicalUUID(hex: Array(text.utf8)) { return .uuid(uuid) }
        throw UserStoreError(
            "users: a user in table \(table.quoted) of PostgreSQL database \(target) has a primary key "
                + "\(primaryKey.quoted) (\(primaryKeyType)) that is neither an integer nor a UUID; jwtgate supports "
                + "integer and UUID primary keys only")
    }
}
