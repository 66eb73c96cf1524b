/// The columns of a Django user table, as a SQL backend found them at start-up, and the checks every
/// backend makes on them: the configured username column, `password`, a single primary key, the extra
/// fields. Every missing piece is an error naming the database, the table, its columns and the key to fix.
struct UserTableColumns {
    /// Column names as the database spells them.
    let names: [String]
    let table: SQLIdentifier
    /// How errors name the database: `SQLite database /path` or `PostgreSQL database postgres://user@host/db`.
    let database: String

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
    ) throws(UserStoreError) -> UserTableLayout {
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
        return UserTableLayout(
            table: table, username: username, password: password, primaryKey: primaryKey, email: find(emailField),
            isActive: find(try SQLIdentifier("is_active", role: "column")),
            dateJoined: find(try SQLIdentifier("date_joined", role: "column")), extraFields: extras)
    }

    /// The column as the table spells it (names match case-insensitively, as both databases fold them).
    private func find(_ name: SQLIdentifier) -> SQLIdentifier? {
        names.first { name.matches($0) }.flatMap { try? SQLIdentifier($0, role: "column") }
    }

    private func missing(_ column: SQLIdentifier, fix: String) -> UserStoreError {
        UserStoreError(
            "users: table \(table.quoted) in \(database) has no column \(column.quoted) "
                + "(its columns: \(names.joined(separator: ", "))); \(fix)")
    }
}

/// The columns of the user table the configuration named, as the table spells them: what every SQL
/// backend selects, in one order, and how a row read in that order becomes a `UserRecord`.
struct UserTableLayout: Sendable {
    let table: SQLIdentifier
    let username: SQLIdentifier
    let password: SQLIdentifier
    let primaryKey: SQLIdentifier
    /// nil: the table has no such column, users get no email (and tokens no `email` claim).
    let email: SQLIdentifier?
    /// nil: the table has no `is_active` column, every user is active (Django's `AbstractBaseUser`).
    let isActive: SQLIdentifier?
    /// Orders the timing-equaliser sample by the most recently joined user when the column exists.
    let dateJoined: SQLIdentifier?
    /// Extra columns, keyed in `UserRecord.fields` by the name the configuration used.
    let extraFields: [(key: String, column: SQLIdentifier)]

    /// pk, username, password, then email, is_active and the extra fields when present: every row's order.
    func selectList(cast: String = "") -> String {
        ([primaryKey, username, password] + [email, isActive].compactMap { $0 } + extraFields.map(\.column))
            .map { $0.quoted + cast }.joined(separator: ", ")
    }

    /// `ORDER BY` for the sample hash: the most recently joined user, then the newest primary key.
    var newestFirst: String {
        ([dateJoined].compactMap { $0 } + [primaryKey]).map { "\($0.quoted) DESC" }.joined(separator: ", ")
    }

    /// The record of a row read in `selectList` order; `text` and `isTrue` read the value at an index as
    /// the backend returns it (Django gives a NULL email as "", a NULL `is_active` as false).
    func record(id: UserRecord.ID, text: (Int) -> String?, isTrue: (Int) -> Bool) -> UserRecord {
        var index = 3
        func next() -> Int {
            defer { index += 1 }
            return index
        }
        let email = self.email.map { _ in text(next()) ?? "" }
        let isActive = self.isActive.map { _ in isTrue(next()) } ?? true
        var fields: [String: String] = [:]
        for (key, _) in extraFields {
            if let value = text(next()) { fields[key] = value }
        }
        return UserRecord(id: id, username: text(1) ?? "", email: email, passwordHash: text(2) ?? "",
                          isActive: isActive, fields: fields)
    }
}

/// A user table as a SQL backend reads it: how errors name it, and how one result row becomes a record.
protocol UserTableRows: Sendable {
    associatedtype Row
    var layout: UserTableLayout { get }
    /// `SQLite database /path` or `PostgreSQL database postgres://user@host/db`.
    var database: String { get }
    func record(from row: Row) throws(UserStoreError) -> UserRecord
}

extension UserTableRows {
    /// The user a lookup found: none, or exactly one — two rows mean the configured column is not unique.
    func user(from rows: [Row]) throws(UserStoreError) -> UserRecord? {
        guard rows.count <= 1 else {
            throw UserStoreError(
                "users: more than one row of table \(layout.table.quoted) in \(database) has this "
                    + "\(layout.username.quoted); users.username_field must name a unique column (Django's USERNAME_FIELD)")
        }
        return try rows.first.map { row throws(UserStoreError) in try record(from: row) }
    }

    /// A primary key that is neither an integer nor a UUID (`detail`: the database's type name, if known).
    func unsupportedPrimaryKey(_ detail: String = "") -> UserStoreError {
        UserStoreError(
            "users: a user in table \(layout.table.quoted) of \(database) has a primary key "
                + "\(layout.primaryKey.quoted)\(detail) that is neither an integer nor a UUID; jwtgate supports "
                + "integer and UUID primary keys only")
    }
}
