/// The user table as found on the PostgreSQL server at start-up (`information_schema` and `pg_index`),
/// with the SQL built from it and the mapping of a result row to a `UserRecord`. The PostgreSQL
/// counterpart of `SQLiteUserTable`: columns by name, custom user models, integer or UUID primary keys,
/// no email or `is_active` column where the model has none.
struct PostgresUserTable: UserTableRows {
    let target: String
    var database: String { "PostgreSQL database \(target)" }
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
        let database = "PostgreSQL database \(target)"
        guard !columns.isEmpty else {
            let hint = try connection.query(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() "
                    + "AND table_name LIKE '%user%' ORDER BY table_name"
            ).compactMap { $0.first ?? nil }
            throw UserTableColumns.tableNotFound(table, in: database, hint: hint)
        }
        let keys = try connection.query(
            "SELECT a.attname::text FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
                + "AND a.attnum = ANY(i.indkey) WHERE i.indisprimary "
                + "AND i.indrelid = (quote_ident(current_schema()) || '.' || quote_ident($1))::regclass",
            [table.name]
        ).compactMap { $0.first ?? nil }
        let found = try UserTableColumns(names: columns.map(\.name), table: table, database: database).resolve(
            usernameField: usernameField, emailField: emailField, extraFields: extraFields, primaryKeys: keys)
        let keyType = columns.first { found.primaryKey.matches($0.name) }?.type ?? ""
        return PostgresUserTable(
            target: target, table: table, primaryKey: found.primaryKey, primaryKeyType: keyType, username: found.username,
            password: found.password, email: found.email, isActive: found.isActive, dateJoined: found.dateJoined,
            extraFields: found.extraFields)
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
