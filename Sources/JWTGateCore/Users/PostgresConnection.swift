import CJWTGatePostgres

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One connection to a PostgreSQL server. The only file that touches libpq: every C call, handle and
/// result stays in here.
///
/// - Blocking (libpq's synchronous API): used from the thread pool only, like every non-memory user store.
/// - Not thread-safe, and says so (no `Sendable`): `PostgresUserStore` keeps each one behind a `Mutex`.
/// - Values come back in text format and parameters go as text: the statement casts what it needs.
/// - Read-only by intent and by session: `default_transaction_read_only=on`, so a configured user table
///   can only ever be read, whatever the SQL.
/// - The URL's password never appears in an error: `target` is the URL with the password removed.
final class PostgresConnection {
    /// The server as errors name it: `postgres://user@host:port/database`, never the password.
    let target: String
    private let handle: OpaquePointer

    /// - Parameters:
    ///   - url: `postgres://user:password@host:port/database?param=value` (libpq's URI syntax).
    ///   - connectTimeout: seconds libpq waits for the server at connect time (the URL's own wins).
    ///   - statementTimeout: milliseconds a lookup may run on the server before it is cancelled.
    init(url: String, connectTimeout: Int = 5, statementTimeout: Int = 5000) throws(UserStoreError) {
        let target = Self.redacted(url)
        self.target = target
        // Earlier keywords are defaults; the expanded URL (dbname) overrides them where it says otherwise.
        let keywords = ["connect_timeout", "application_name", "options", "dbname"]
        let values = [String(connectTimeout), "jwtgate",
                      "-c default_transaction_read_only=on -c statement_timeout=\(statementTimeout)", url]
        let connection = Self.withCStrings(keywords) { keys in
            Self.withCStrings(values) { vals in PQconnectdbParams(keys, vals, 1) }
        }
        guard let connection else {
            throw UserStoreError("users: cannot connect to PostgreSQL at \(target): out of memory")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.message(connection)
            PQfinish(connection)
            throw UserStoreError(
                "users: cannot connect to PostgreSQL at \(target): \(message); check users.url (host, port, "
                    + "user, password, database) and that the server accepts connections from this host")
        }
        handle = connection
    }

    deinit { PQfinish(handle) }

    /// False once the connection broke (server restarted, network cut): the store then reconnects.
    var isUsable: Bool { PQstatus(handle) == CONNECTION_OK }

    /// Runs one statement with text parameters (`$1`, `$2`, …) and returns at most `maxRows` rows of text
    /// values (NULL → nil).
    func query(_ sql: String, _ parameters: [String] = [], maxRows: Int = .max) throws(UserStoreError) -> [[String?]] {
        let result = Self.withCStrings(parameters) { params in
            PQexecParams(handle, sql, Int32(parameters.count), nil, params, nil, nil, 0)
        }
        guard let result else {
            throw UserStoreError("users: PostgreSQL at \(target): \(Self.message(handle))")
        }
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_TUPLES_OK else {
            let message = String(cString: PQresultErrorMessage(result)).trimmingTrailingNewlines
            throw UserStoreError("users: PostgreSQL at \(target): \(message.isEmpty ? Self.message(handle) : message)")
        }
        let rowCount = min(Int(PQntuples(result)), maxRows)
        let columnCount = Int(PQnfields(result))
        var rows: [[String?]] = []
        rows.reserveCapacity(rowCount)
        for row in 0..<rowCount {
            var values: [String?] = []
            values.reserveCapacity(columnCount)
            for column in 0..<columnCount {
                if PQgetisnull(result, Int32(row), Int32(column)) != 0 {
                    values.append(nil)
                } else {
                    let length = Int(PQgetlength(result, Int32(row), Int32(column)))
                    let bytes = UnsafeRawBufferPointer(start: PQgetvalue(result, Int32(row), Int32(column)), count: length)
                    values.append(String(decoding: bytes, as: UTF8.self))
                }
            }
            rows.append(values)
        }
        return rows
    }

    private static func message(_ connection: OpaquePointer) -> String {
        guard let raw = PQerrorMessage(connection) else { return "unknown error" }
        let text = String(cString: raw).trimmingTrailingNewlines
        return text.isEmpty ? "unknown error" : text
    }

    /// The URL without its password (`user:secret@` → `user@`), and without query parameters, which may
    /// carry one too (`?password=`).
    static func redacted(_ url: String) -> String {
        var bytes = Array(url.utf8)
        if let query = bytes.firstIndex(of: UInt8(ascii: "?")) { bytes.removeSubrange(query...) }
        let separator = Array("://".utf8)
        guard let scheme = (0..<max(0, bytes.count - 2)).first(where: { Array(bytes[$0..<($0 + 3)]) == separator })
        else { return String(decoding: bytes, as: UTF8.self) }
        let authorityStart = scheme + 3
        let authorityEnd = bytes[authorityStart...].firstIndex(of: UInt8(ascii: "/")) ?? bytes.count
        guard let at = bytes[authorityStart..<authorityEnd].lastIndex(of: UInt8(ascii: "@")) else {
            return String(decoding: bytes, as: UTF8.self)
        }
        let userEnd = bytes[authorityStart..<at].firstIndex(of: UInt8(ascii: ":")) ?? at
        return String(decoding: bytes[..<userEnd] + bytes[at...], as: UTF8.self)
    }

    /// Calls `body` with a NULL-terminated array of C strings that live for the call.
    private static func withCStrings<Result>(
        _ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> Result
    ) -> Result {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { for pointer in pointers { free(pointer) } }
        return pointers.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buffer.count) { body($0) }
        }
    }
}

@available(*, unavailable)
extension PostgresConnection: Sendable {}

extension String {
    fileprivate var trimmingTrailingNewlines: String {
        var text = Substring(self)
        while let last = text.last, last == "\n" || last == "\r" || last == " " { text = text.dropLast() }
        return String(text)
    }
}
