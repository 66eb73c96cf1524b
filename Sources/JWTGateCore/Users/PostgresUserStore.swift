/// Users read from a Django project's PostgreSQL database (`users.backend: postgres`), never written.
///
/// - Lookups are `WHERE <username_field> = $1` on the configured table, the query Django's
///   `get_by_natural_key` runs: case-sensitive, as Django's varchar columns compare. Each lookup sees the
///   latest committed data (no cache here; `users.cache_ttl` is the caller's).
/// - Sessions are read-only (`default_transaction_read_only`) with a statement timeout, so a slow or
///   locked table fails a lookup instead of holding a thread.
/// - Thread-safe: up to `maxConnections` connections (`UserStoreConnectionPool`), opened on first use. A
///   connection that broke (server restart, network cut) or failed a query is dropped and reopened on
///   the next lookup, so the store recovers by itself once the server is back.
/// - Every failure is a `UserStoreError` naming the server as `postgres://user@host:port/db` — the
///   password in `users.url` never appears in a message or a log.
public final class PostgresUserStore: UserStore {
    private let schema: PostgresUserTable
    private let pool: UserStoreConnectionPool<PostgresConnection>

    /// Connects, and checks the user table's columns, failing with a message that names the server, the
    /// table, the missing column and the `users:` key to fix. Parameters as `SQLiteUserStore`'s.
    public init(
        url: String, table: String = "auth_user", usernameField: String = "username", emailField: String = "email",
        extraFields: [String] = [], maxConnections: Int = 4
    ) throws(UserStoreError) {
        let tableName = try SQLIdentifier(table, role: "users.table")
        let username = try SQLIdentifier(usernameField, role: "users.username_field")
        let email = try SQLIdentifier(emailField, role: "users.email_field")
        var extras: [SQLIdentifier] = []
        for field in extraFields { extras.append(try SQLIdentifier(field, role: "user field")) }

        let connection = try PostgresConnection(url: url)
        self.schema = try PostgresUserTable.introspect(
            connection, table: tableName, usernameField: username, emailField: email, extraFields: extras)
        self.pool = UserStoreConnectionPool(first: connection, size: maxConnections,
                                            open: { () throws(UserStoreError) in try PostgresConnection(url: url) },
                                            isStale: { !$0.isUsable })
    }

    public var isInMemory: Bool { false }

    public func user(named username: String) throws(UserStoreError) -> UserRecord? {
        // PostgreSQL text cannot hold NUL, and libpq would cut the parameter there ("alice\0x" would
        // look up "alice"): no such user can exist.
        guard username.utf8.count <= 65_536, !username.utf8.contains(0) else { return nil }
        let schema = self.schema
        return try pool.withConnection { connection throws(UserStoreError) in
            try schema.user(from: try connection.query(schema.lookupSQL, [username], maxRows: 2))
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
            try connection.query(sql, maxRows: 1).first?.first ?? nil
        }
    }
}
