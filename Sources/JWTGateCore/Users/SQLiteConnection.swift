import CJWTGateSQLite

/// One value of a result column, as SQLite stored it (its storage class, not the declared type).
enum SQLiteValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// A read-only connection to one SQLite file, with its prepared statements. The only file that
/// touches libsqlite3: every C call, handle and result code stays in here.
///
/// - Opened with `SQLITE_OPEN_READONLY` (and `PRAGMA query_only` on top), so jwtgate can never write to a
///   Django project's database. No `immutable=1`: Django may be writing at the same time, and SQLite's
///   locking must see it. A busy timeout lets a read wait out a writer's short exclusive lock.
/// - Opened with `SQLITE_OPEN_NOMUTEX`: a connection is not thread-safe and says so (no `Sendable`);
///   `SQLiteUserStore` keeps each one behind a `Mutex`.
/// - The path is taken literally (no `SQLITE_OPEN_URI`), so a configured path cannot smuggle in URI
///   parameters such as `immutable=1`.
/// - It remembers the file it opened (`DatabaseFileIdentity`), so the pool can replace it once the file at
///   the path is another (`fileHasChanged`).
final class SQLiteConnection {
    let path: String
    private let handle: OpaquePointer
    /// The file at `path` as `stat` saw it just before the open; nil when it could not be seen.
    private let openedFile: DatabaseFileIdentity?
    /// Whether `openedFile`'s timestamps were old enough to tell any later change apart from it.
    private let openedFileIsSettled: Bool
    /// Prepared once per connection (`SQLITE_PREPARE_PERSISTENT`) and reused; keyed by SQL text.
    private var statements: [String: OpaquePointer] = [:]

    /// - Parameter timestampGranularity: see `DatabaseFileIdentity.isSettled`.
    init(readOnlyPath path: String, busyTimeout: Duration, timestampGranularity: Duration) throws(UserStoreError) {
        self.path = path
        // Seen before the open, so a change between the two shows as a difference at the first check
        // (one needless reopen) instead of going unnoticed.
        let identity = DatabaseFileIdentity(path: path)
        openedFile = identity
        openedFileIsSettled = identity?.isSettled(at: .now, granularity: timestampGranularity) ?? false
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_close_v2(db)
            throw Self.error(path: path, doing: "cannot open it read-only", code: rc, message: message)
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
        let milliseconds = busyTimeout.components.seconds * 1000 + busyTimeout.components.attoseconds / 1_000_000_000_000_000
        sqlite3_busy_timeout(db, Int32(clamping: milliseconds))
        let pragma = sqlite3_exec(db, "PRAGMA query_only = 1", nil, nil, nil)
        guard pragma == SQLITE_OK else { throw failure(doing: "setting query_only", code: pragma) }
    }

    deinit {
        for statement in statements.values { sqlite3_finalize(statement) }
        sqlite3_close_v2(handle)
    }

    /// True when the file at `path` may no longer be the one this connection opened: moved or deleted
    /// (the connection would go on reading the old inode), rewritten in place (its page cache may hold
    /// pages of a database that no longer exists, see `DatabaseFileIdentity`), missing, or changed too
    /// recently before the open to tell. The caller then reopens the path. One `stat`, no SQLite call.
    var fileHasChanged: Bool {
        guard openedFileIsSettled, let openedFile, let current = DatabaseFileIdentity(path: path) else { return true }
        return current != openedFile
    }

    /// Runs one statement with bound parameters (`?1`, `?2`, …) and returns at most `maxRows` rows.
    func query(_ sql: String, _ parameters: [SQLiteValue] = [], maxRows: Int = .max) throws(UserStoreError)
        -> [[SQLiteValue]]
    {
        let statement = try prepared(sql)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        for (index, value) in parameters.enumerated() {
            let rc = bind(value, to: statement, at: Int32(index + 1))
            guard rc == SQLITE_OK else { throw failure(doing: "binding a parameter", code: rc) }
        }
        var rows: [[SQLiteValue]] = []
        while rows.count < maxRows {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw failure(doing: "reading", code: rc) }
            rows.append((0..<sqlite3_column_count(statement)).map { column(statement, $0) })
        }
        return rows
    }

    private func prepared(_ sql: String) throws(UserStoreError) -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else {
            sqlite3_finalize(statement)
            throw failure(doing: "preparing a query", code: rc)
        }
        statements[sql] = statement
        return statement
    }

    /// `SQLITE_TRANSIENT` is a macro casting -1 to a function pointer, which Swift cannot import.
    private static let transient = unsafeBitCast(-1 as Int, to: sqlite3_destructor_type.self)

    private func bind(_ value: SQLiteValue, to statement: OpaquePointer, at index: Int32) -> Int32 {
        switch value {
        case .null:
            return sqlite3_bind_null(statement, index)
        case .integer(let integer):
            return sqlite3_bind_int64(statement, index, integer)
        case .real(let real):
            return sqlite3_bind_double(statement, index, real)
        case .text(let text):
            // An explicit length keeps every byte (SQLite copies them: SQLITE_TRANSIENT).
            return sqlite3_bind_text(statement, index, text, Int32(clamping: text.utf8.count), Self.transient)
        case .blob(let bytes):
            return bytes.withUnsafeBytes {
                sqlite3_bind_blob(statement, index, $0.baseAddress, Int32(clamping: $0.count), Self.transient)
            }
        }
    }

    private func column(_ statement: OpaquePointer, _ index: Int32) -> SQLiteValue {
        switch sqlite3_column_type(statement, index) {
        case SQLITE_INTEGER:
            return .integer(sqlite3_column_int64(statement, index))
        case SQLITE_FLOAT:
            return .real(sqlite3_column_double(statement, index))
        case SQLITE_TEXT:
            guard let text = sqlite3_column_text(statement, index) else { return .text("") }
            let count = Int(sqlite3_column_bytes(statement, index))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(statement, index))
            guard count > 0, let bytes = sqlite3_column_blob(statement, index) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
        default:
            return .null
        }
    }

    private func failure(doing what: String, code: Int32) -> UserStoreError {
        Self.error(path: path, doing: what, code: code, message: String(cString: sqlite3_errmsg(handle)))
    }

    private static func error(path: String, doing what: String, code: Int32, message: String) -> UserStoreError {
        UserStoreError("users: SQLite database \(path): \(what): \(message) (\(codeName(code)))")
    }

    /// The primary result code's name, so a log line can be searched for (`SQLITE_BUSY`, `SQLITE_NOTADB`, …).
    private static func codeName(_ code: Int32) -> String {
        let names: [Int32: String] = [
            SQLITE_ERROR: "SQLITE_ERROR", SQLITE_PERM: "SQLITE_PERM", SQLITE_BUSY: "SQLITE_BUSY",
            SQLITE_LOCKED: "SQLITE_LOCKED", SQLITE_NOMEM: "SQLITE_NOMEM", SQLITE_READONLY: "SQLITE_READONLY",
            SQLITE_IOERR: "SQLITE_IOERR", SQLITE_CORRUPT: "SQLITE_CORRUPT", SQLITE_CANTOPEN: "SQLITE_CANTOPEN",
            SQLITE_SCHEMA: "SQLITE_SCHEMA", SQLITE_AUTH: "SQLITE_AUTH", SQLITE_NOTADB: "SQLITE_NOTADB",
        ]
        let primary = code & 0xFF
        return (names[primary] ?? "SQLite error") + " \(code)"
    }
}

@available(*, unavailable)
extension SQLiteConnection: Sendable {}
