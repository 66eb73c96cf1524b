/// Users read from a Django project's SQLite database (`users.backend: sqlite`), never written.
///
/// - The file is opened read-only while Django keeps using it; each lookup sees Django's latest committed
///   data (there is no cache here; `users.cache_ttl` is the caller's).
/// - Lookups are `WHERE <username_field> = ?`, the query Django's `get_by_natural_key` runs, so they match
///   exactly what Django matches: case-sensitive for every column Django creates (SQLite's BINARY
///   collation). A column declared `COLLATE NOCASE` (hand-written SQL, not Django) makes both Django and
///   jwtgate match ASCII case-insensitively; the record then carries the stored spelling of the username.
/// - Thread-safe: up to `maxConnections` connections (`UserStoreConnectionPool`), opened on first use and
///   kept with their prepared statements.
/// - A file replaced or rewritten after start-up however it happened (`mv`, `cp` over it in place, a restore)
///   is noticed before each use by one `stat` of the path (`SQLiteConnection.fileHasChanged`) and the
///   connection reopened: the new file is read from then on, a missing one gives an error until it is back.
///   Writes through SQLite (Django) are seen by SQLite itself. Every SQLite failure (locked past the busy
///   timeout, corrupt, unreadable) is a `UserStoreError` carrying SQLite's message; the connection is then
///   dropped and reopened next time.
/// - A database in WAL mode can be read as long as SQLite may create its `-shm`/`-wal` files next to it,
///   or they already exist (as they do while Django has it open); the database file itself is never written.
public final class SQLiteUserStore: UserStore {
    public let path: String
    private let schema: SQLiteUserTable
    private let pool: UserStoreConnectionPool<SQLiteConnection>

    /// Opens `path` read-only and checks the user table's columns, failing with a message that names the file,
    /// the table, the missing column and the `users:` key to fix.
    /// - Parameters:
    ///   - table: `users.table`; `<app_label>_<model>` for a custom `AUTH_USER_MODEL`.
    ///   - usernameField: `users.username_field`, the column of the model's `USERNAME_FIELD`.
    ///   - emailField: `users.email_field`; when the table has no such column users have no email.
    ///   - extraFields: more columns to read as text into `UserRecord.fields` (e.g. `jwt.user_secret_field`);
    ///     each must exist.
    ///   - maxConnections: at most this many concurrent lookups (more wait).
    ///   - busyTimeout: how long a read waits for a writer's lock before failing with `SQLITE_BUSY`.
    ///   - timestampGranularity: how coarse the file system's timestamps may be; a connection opened on a file
    ///     changed more recently than this is reopened before each use until the file has been quiet that long
    ///     (see `DatabaseFileIdentity.isSettled`). Two seconds covers FAT; tests pass zero to check that the
    ///     `stat` comparison alone notices each kind of replacement.
    public init(
        path: String, table: String = "auth_user", usernameField: String = "username", emailField: String = "email",
        extraFields: [String] = [], maxConnections: Int = 4, busyTimeout: Duration = .seconds(2),
        timestampGranularity: Duration = .seconds(2)
    ) throws(UserStoreError) {
        let tableName = try SQLIdentifier(table, role: "users.table")
        let username = try SQLIdentifier(usernameField, role: "users.username_field")
        let email = try SQLIdentifier(emailField, role: "users.email_field")
        var extras: [SQLIdentifier] = []
        for field in extraFields { extras.append(try SQLIdentifier(field, role: "user field")) }

        let connection = try SQLiteConnection(
            readOnlyPath: path, busyTimeout: busyTimeout, timestampGranularity: timestampGranularity)
        self.path = path
        self.schema = try SQLiteUserTable.introspect(
            connection, table: tableName, usernameField: username, emailField: email, extraFields: extras)
        self.pool = UserStoreConnectionPool(first: connection, size: maxConnections, open: { () throws(UserStoreError) in
            do {
                return try SQLiteConnection(
                    readOnlyPath: path, busyTimeout: busyTimeout, timestampGranularity: timestampGranularity)
            } catch {
                throw UserStoreError(
                    "\(error) (it was readable at start-up: was it moved, deleted or made unreadable since?)")
            }
        }, isStale: { $0.fileHasChanged })
    }

    public var isInMemory: Bool { false }

    public func user(named username: String) throws(UserStoreError) -> UserRecord? {
        // Far above any Django username column; keeps the length within SQLite's int.
        guard username.utf8.count <= 65_536 else { return nil }
        let schema = self.schema
        return try pool.withConnection { connection throws(UserStoreError) in
            try schema.user(from: try connection.query(schema.lookupSQL, [.text(username)], maxRows: 2))
        }
    }

    public func checkReachable() throws(UserStoreError) {
        let sql = schema.reachabilitySQL
        try pool.withConnection { connection throws(UserStoreError) in
            _ = try connection.query(sql, maxRows: 1)
        }
    }

    /// The password hash of the most recently joined active user whose password is usable, or nil.
    public func samplePasswordHash() throws(UserStoreError) -> String? {
        let sql = schema.sampleHashSQL
        return try pool.withConnection { connection throws(UserStoreError) in
            try connection.query(sql, maxRows: 1).first?.first?.text
        }
    }
}
