/// The columns of a Django user table, as a SQL backend found them at start-up, and the checks every
/// backend makes on them: the configured username column, `password`, a single primary key, the extra
/// fields. Every missing piece is an error naming the database, the table, its columns and the key to fix.
struct UserTableColumns {
    /// Column names as the database spells them.
    let names: [String]
    let table: SQLIdentifier
    /// How errors name the database: `SQLite database /path` or `PostgreSQL database postgres://user@host/db`.
    let database: String

    /// The columns the configuration named, resolved against the table.
    struct Resolved {
        let username: SQLIdentifier
        let password: SQLIdentifier
        let primaryKey: SQLIdentifier
        let email: SQLIdentifier?
        let isActive: SQLIdentifier?
        let dateJoined: SQLIdentifier?
        let extraFields: [(key: String, column: SQLIdentifier)]
    }

    static func tableNotFound(_ table: SQLIdentifier, in database: String, hint: [String]) -> UserStoreError {
        UserStoreError(
            "users: table \(table.quoted) not found in \(database)"
                + (hint.isEmpty ? " (it has no table with \"user\" in its name)" : " (tables there: \(hint.joined(separator: ", ")))")
                + "; set users.table to the user model's table (auth_user, or <app_label>_<model> for a "
                + "custom AUTH_USER_MODEL)")
    }

    /// - Parameter primaryKeys: the declared primary key column(s); none: Django's `id` when present.
    func resolve(
        usernameField: SQLIdentifier, emailField: SQLIdentifier, extraFields: [SQLIdentifier], primaryKeys: [String]
    ) throws(UserStoreError) -> Resolved {
        guard let username = find(usernameField) else {
            throw missing(usernameField, fix: "set users.username_field to the column of the user model's USERNAME_FIELD")
        }
        let passwordField = try SQLIdentifier("password", role: "column")
        guard let password = find(passwordField) else {
            throw missing(passwordField, fix: "this is not a Django user table; set users.table to the user model's table")
        }
        let primaryKey: SQLIdentifier
        if primaryKeys.count == 1 {
            primaryKey = try SQLIdentifier(primaryKeys[0], role: "primary key column")
        } else if primaryKeys.isEmpty, let id = find(try SQLIdentifier("id", role: "column")) {
            primaryKey = id  // a view has no declared key, but may have Django's `id`
        } else {
            throw UserStoreError(
                "users: table \(table.quoted) in \(database) "
                    + (primaryKeys.isEmpty ? "has no primary key" : "has a composite primary key")
                    + " (its columns: \(names.joined(separator: ", "))); a Django user table has a single integer "
                    + "or UUID primary key; set users.table to the user model's table")
        }
        var extras: [(key: String, column: SQLIdentifier)] = []
        for field in extraFields {
            guard let column = find(field) else {
                throw missing(field, fix: "set jwt.user_secret_field (or the extra field) to a column of this table")
            }
            extras.append((field.name, column))
        }
        return Resolved(
            username: username, password: password, primaryKey: primaryKey, email: find(emailField),
            isActive: find(try SQLIdentifier("is_active", role: "column")),
            dateJoined: find(try SQLIdentifier("date_joined", role: "column")), extraFields: extras)
    }

    /// The column as the table spells it (names match case-insensitively, as both databases fold them).
    func find(_ name: SQLIdentifier) -> SQLIdentifier? {
        names.first { name.matches($0) }.flatMap { try? SQLIdentifier($0, role: "column") }
    }

    private func missing(_ column: SQLIdentifier, fix: String) -> UserStoreError {
        UserStoreError(
            "users: table \(table.quoted) in \(database) has no column \(column.quoted) "
                + "(its columns: \(names.joined(separator: ", "))); \(fix)")
    }
}

/// A user table as a SQL backend reads it: how errors name it, and how one result row becomes a record.
protocol UserTableRows: Sendable {
    associatedtype Row
    var table: SQLIdentifier { get }
    var username: SQLIdentifier { get }
    /// `SQLite database /path` or `PostgreSQL database postgres://user@host/db`.
    var database: String { get }
    func record(from row: Row) throws(UserStoreError) -> UserRecord
}

extension UserTableRows {
    /// The user a lookup found: none, or exactly one — two rows mean the configured column is not unique.
    func user(from rows: [Row]) throws(UserStoreError) -> UserRecord? {
        guard rows.count <= 1 else {
            throw UserStoreError(
                "users: more than one row of table \(table.quoted) in \(database) has this \(username.quoted); "
                    + "users.username_field must name a unique column (Django's USERNAME_FIELD)")
        }
        return try rows.first.map { row throws(UserStoreError) in try record(from: row) }
    }
}
