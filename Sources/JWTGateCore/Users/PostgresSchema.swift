/// The user table as found on the PostgreSQL server at start-up (`information_schema` and `pg_index`),
/// with the SQL built from it and the mapping of a result row to a `UserRecord`. The PostgreSQL
/// counterpart of `SQLiteUserTable`: columns by name, custom user models, integer or UUID primary keys,
/// no email or `is_active` column where the model has none.
struct PostgresUserTable: UserTableRows {
    let target: String
    let layout: UserTableLayout
    /// The primary key's `data_type` (`integer`, `bigint`, `uuid`, …).
    let primaryKeyType: String
    var database: String { Self.database(target) }
    static func database(_ target: String) -> String { "PostgreSQL database \(target)" }
    /// The layout's columns, all as text, by the username (`$1`).
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
        let database = Self.database(target)
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
        let layout = try UserTableColumns(names: columns.map(\.name), table: table, database: database).resolve(
            usernameField: usernameField, emailField: emailField, extraFields: extraFields, primaryKeys: keys)
        let keyType = columns.first { layout.primaryKey.matches($0.name) }?.type ?? ""
        return PostgresUserTable(target: target, layout: layout, primaryKeyType: keyType)
    }

    private init(target: String, layout: UserTableLayout, primaryKeyType: String) {
        self.target = target
        self.layout = layout
        self.primaryKeyType = primaryKeyType
        let table = layout.table.quoted, password = layout.password.quoted
        // `=` on Django's varchar column is case-sensitive, exactly as `get_by_natural_key` matches.
        lookupSQL = "SELECT \(layout.selectList(cast: "::text")) FROM \(table) WHERE \(layout.username.quoted) = $1 LIMIT 2"
        reachabilitySQL = "SELECT \(layout.selectList(cast: "::text")) FROM \(table) LIMIT 1"
        var conditions = ["left(\(password), 1) <> '!'", "\(password) <> ''"]
        if let isActive = layout.isActive { conditions.append("COALESCE(\(isActive.quoted)::text, '') IN ('true', 't', '1')") }
        sampleHashSQL = "SELECT \(password)::text FROM \(table) WHERE \(conditions.joined(separator: " AND ")) "
            + "ORDER BY \(layout.newestFirst) LIMIT 1"
    }

    /// Maps a row of `lookupSQL` (text values; booleans as `true`/`false`) as Django would load the model instance.
    func record(from row: [String?]) throws(UserStoreError) -> UserRecord {
        layout.record(id: try recordID(row[0] ?? ""), text: { row[$0] }, isTrue: { ["true", "t", "1"].contains(row[$0] ?? "") })
    }

    private func recordID(_ text: String) throws(UserStoreError) -> UserRecord.ID {
        if primaryKeyType != "uuid", let integer = Int64(text) { return .integer(integer) }
        if let uuid = SQLiteUserTable.canonicalUUID(hex: Array(text.utf8)) { return .uuid(uuid) }
        throw unsupportedPrimaryKey(" (\(primaryKeyType))")
    }
}
