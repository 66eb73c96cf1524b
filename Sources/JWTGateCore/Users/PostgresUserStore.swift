import Synchronization

/// Users read from a Django project's PostgreSQL database (`users.backend: postgres`), never written.
///
/// - Lookups are `WHERE <username_field> = $1` on the configured table, the query Django's
///   `get_by_natural_key` runs: case-sensitive, as Django's varchar columns compare. Each lookup sees the
///   latest committed data (no cache here; `users.cache_ttl` is the caller's).
/// - Sessions are read-only (`default_transaction_read_only`) with a statement timeout, so a slow or
///   locked table fails a lookup instead of holding a thread.
/// - Thread-safe: up to `maxConnections` connections, each behind its own `Mutex`, opened on first use.
///   A connection that broke (server restart, network cut) or failed a query is dropped and reopened on
///   the next lookup, so the store recovers by itself once the server is back.
/// - Every failure is a `UserStoreError` naming the server as `postgres://user@host:port/db` — the
///   password in `users.url` never appears in a message or a log.
public final class PostgresUserStore: UserStore {
    private let url: String
    private let schema: PostgresUserTable
    private let slots: [PostgresSlot]
    private let nextSlot = Atomic<UInt>(0)

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
        self.url = url
        self.schema = try PostgresUserTable.introspect(
            connection, table: tableName, usernameField: username, emailField: email, extraFields: extras)
        var slots = [PostgresSlot(connection)]
        for _ in 1..<max(1, maxConnections) { slots.append(PostgresSlot(nil)) }
        self.slots = slots
    }

    public var isInMemory: Bool { false }

    /// The server as messages name it (no password).
    public var target: String { schema.target }

    public func user(named username: String) throws(UserStoreError) -> UserRecord? {
        // PostgreSQL text cannot hold NUL, and libpq would cut the parameter there ("alice\0x" would
        // look up "alice"): no such user can exist.
        guard username.utf8.count <= 65_536, !username.utf8.contains(0) else { return nil }
        let schema = self.schema
        return try withConnection { connection throws(UserStoreError) in
            let rows = try connection.query(schema.lookupSQL, [username], maxRows: 2)
            guard rows.count <= 1 else {
                throw UserStoreError(
                    "users: more than one row of table \(schema.table.quoted) in PostgreSQL database \(schema.target) "
                        + "has this \(schema.username.quoted); users.username_field must name a unique column "
                        + "(Django's USERNAME_FIELD)")
            }
            return try rows.first.map { row throws(UserStoreError) in try schema.record(from: row) }
        }
    }

    public func checkReachable() throws(UserStoreError) {
        let sql = schema.reachabilitySQL
        try withConnection { connection throws(UserStoreError) in
            _ = try connection.query(sql, maxRows: 1)
        }
    }

    /// The password hash of the most recently joined active user whose password is usable, or nil.
    public func samplePasswordHash() throws(UserStoreError) -> String? {
        let sql = schema.sampleHashSQL
        return try withConnection { connection throws(UserStoreError) in
            try connection.query(sql, maxRows: 1).first?.first ?? nil
        }
    }

    /// Runs `body` on a free connection (or waits for one), opening or reopening it as needed.
    private func withConnection<Result: Sendable>(
        _ body: @Sendable (PostgresConnection) throws(UserStoreError) -> Result
    ) throws(UserStoreError) -> Result {
        let count = UInt(slots.count)
        let start = nextSlot.wrappingAdd(1, ordering: .relaxed).oldValue
        for offset in 0..<count {
            let slot = slots[Int((start &+ offset) % count)]
            if let result = try slot.connection.withLockIfAvailable({ connection throws(UserStoreError) in
                try use(&connection, body)
            }) {
                return result
            }
        }
        return try slots[Int(start % count)].connection.withLock { connection throws(UserStoreError) in
            try use(&connection, body)
        }
    }

    private func use<Result: Sendable>(
        _ slot: inout PostgresConnection?, _ body: @Sendable (PostgresConnection) throws(UserStoreError) -> Result
    ) throws(UserStoreError) -> Result {
        if let open = slot, !open.isUsable { slot = nil }
        let connection: PostgresConnection
        if let open = slot {
            connection = open
        } else {
            connection = try PostgresConnection(url: url)
            slot = connection
        }
        do {
            return try body(connection)
        } catch {
            slot = nil  // a fresh connection next time: after a restart, a cut, or a cancelled statement
            throw error
        }
    }
}

/// One connection (nil until first needed, or after a failure) and the lock that serialises its use.
private final class PostgresSlot: Sendable {
    let connection: Mutex<PostgresConnection?>

    init(_ connection: consuming sending PostgresConnection?) {
        self.connection = Mutex(connection)
    }
}
