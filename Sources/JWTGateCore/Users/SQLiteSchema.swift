/// The user table as found in the database at start-up (`PRAGMA table_info`), with the SQL built from it
/// and the mapping of a result row to a `UserRecord`.
///
/// Columns are selected by name: a table built by Django's migrations does not have the column order of a
/// fresh `CREATE TABLE` (`first_name` ends up last in `auth_user`; a custom model's `id` need not be first).
struct SQLiteUserTable: UserTableRows {
    let path: String
    let layout: UserTableLayout
    var database: String { Self.database(path) }
    static func database(_ path: String) -> String { "SQLite database \(path)" }
    /// The layout's columns by the username (`?1`).
    let lookupSQL: String
    let reachabilitySQL: String
    let sampleHashSQL: String

    private struct Column {
        var name: String
        var isPrimaryKey: Bool
    }

    static func introspect(
        _ connection: SQLiteConnection, table: SQLIdentifier, usernameField: SQLIdentifier,
        emailField: SQLIdentifier, extraFields: [SQLIdentifier]
    ) throws(UserStoreError) -> SQLiteUserTable {
        let path = connection.path
        let rows = try connection.query("SELECT name, pk FROM pragma_table_info(?1)", [.text(table.name)])
        let columns = rows.map { row in
            Column(name: row[0].text ?? "", isPrimaryKey: (row[1].integer ?? 0) > 0)
        }
        let database = Self.database(path)
        guard !columns.isEmpty else {
            throw UserTableColumns.tableNotFound(table, in: database, hint: try userTables(connection))
        }
        let layout = try UserTableColumns(names: columns.map(\.name), table: table, database: database).resolve(
            usernameField: usernameField, emailField: emailField, extraFields: extraFields,
            primaryKeys: columns.filter(\.isPrimaryKey).map(\.name))
        return SQLiteUserTable(path: path, layout: layout)
    }

    /// Tables whose name mentions "user", to point at the right one in the error.
    private static func userTables(_ connection: SQLiteConnection) throws(UserStoreError) -> [String] {
        try connection.query(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name LIKE '%user%' ORDER BY name"
        ).compactMap { $0.first?.text }
    }

    private init(path: String, layout: UserTableLayout) {
        self.path = path
        self.layout = layout
        let table = layout.table.quoted, password = layout.password.quoted
        // `=` compares with the column's collation, exactly as Django's `get_by_natural_key` query does:
        // BINARY (case-sensitive) for every column Django creates.
        lookupSQL = "SELECT \(layout.selectList()) FROM \(table) WHERE \(layout.username.quoted) = ?1 LIMIT 2"
        reachabilitySQL = "SELECT \(layout.selectList()) FROM \(table) LIMIT 1"
        var conditions = ["substr(\(password), 1, 1) <> '!'", "\(password) <> ''"]
        if let isActive = layout.isActive { conditions.append("\(isActive.quoted) <> 0") }
        sampleHashSQL = "SELECT \(password) FROM \(table) WHERE \(conditions.joined(separator: " AND ")) "
            + "ORDER BY \(layout.newestFirst) LIMIT 1"
    }

    /// Maps a row of `lookupSQL` as Django would load the model instance.
    func record(from row: [SQLiteValue]) throws(UserStoreError) -> UserRecord {
        layout.record(id: try recordID(row[0]), text: { row[$0].text }, isTrue: { row[$0].isTruthy })
    }

    /// Integer storage → `.integer`; text holding a UUID (Django's `char(32)` hex in SQLite, or already
    /// hyphenated) → `.uuid`, canonical lowercase hyphenated as `str(uuid.UUID(...))`.
    private func recordID(_ value: SQLiteValue) throws(UserStoreError) -> UserRecord.ID {
        switch value {
        case .integer(let integer):
            return .integer(integer)
        case .text(let text):
            if let uuid = Self.canonicalUUID(hex: Array(text.utf8)) { return .uuid(uuid) }
        case .blob(let bytes) where bytes.count == 16:
            return .uuid(Self.hyphenated(bytes.flatMap { [$0 >> 4, $0 & 0x0F] }))
        default:
            break
        }
        throw unsupportedPrimaryKey()
    }

    /// Accepts what Python's `uuid.UUID(hex)` does for Django values: 32 hex digits, any case, hyphens
    /// anywhere, optional braces.
    static func canonicalUUID(hex text: [UInt8]) -> String? {
        var body = text[...]
        if body.first == UInt8(ascii: "{") && body.last == UInt8(ascii: "}") { body = body.dropFirst().dropLast() }
        var nibbles: [UInt8] = []
        for byte in body where byte != UInt8(ascii: "-") {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibbles.append(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibbles.append(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibbles.append(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
        }
        return nibbles.count == 32 ? hyphenated(nibbles) : nil
    }

    private static func hyphenated(_ nibbles: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for (i, nibble) in nibbles.enumerated() {
            if [8, 12, 16, 20].contains(i) { out.append(UInt8(ascii: "-")) }
            out.append(digits[Int(nibble)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension SQLiteValue {
    /// The value as text, as Django would read a text field (NULL → nil).
    var text: String? {
        switch self {
        case .null: return nil
        case .integer(let integer): return String(integer)
        case .real(let real): return String(real)
        case .text(let text): return text
        case .blob(let bytes): return String(decoding: bytes, as: UTF8.self)
        }
    }

    var integer: Int64? {
        if case .integer(let integer) = self { return integer }
        return nil
    }

    /// Python truthiness of what Django's SQLite backend returns for a `BooleanField` (0/1; NULL is false).
    var isTruthy: Bool {
        switch self {
        case .null: return false
        case .integer(let integer): return integer != 0
        case .real(let real): return real != 0
        case .text(let text): return !text.isEmpty
        case .blob(let bytes): return !bytes.isEmpty
        }
    }
}
