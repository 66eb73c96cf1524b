/// A user as the gateway needs it: identity for claims and headers, the Django password hash,
/// the active flag, and any extra columns the configuration asked for (e.g. `user_secret_field`).
public struct UserRecord: Sendable, Equatable {
    public enum ID: Sendable, Equatable, CustomStringConvertible {
        case integer(Int64)
        /// A UUID primary key, canonical lowercase hyphenated (emitted as a JSON string).
        case uuid(String)
        public var description: String {
            switch self {
            case .integer(let i): return String(i)
            case .uuid(let s): return s
            }
        }
    }

    public var id: ID
    public var username: String
    /// nil when the user model has no email field (then tokens carry no `email` claim).
    public var email: String?
    public var passwordHash: String
    public var isActive: Bool
    /// Extra fields by name, as text.
    public var fields: [String: String]

    public init(id: ID, username: String, email: String?, passwordHash: String, isActive: Bool,
                fields: [String: String] = [:]) {
        self.id = id
        self.username = username
        self.email = email
        self.passwordHash = passwordHash
        self.isActive = isActive
        self.fields = fields
    }
}

/// Where users live. Lookups are exact and case-sensitive on the username field, as Django's
/// `get_by_natural_key` on SQLite/PostgreSQL.
public protocol UserStore: Sendable {
    /// May block (disk, network): callers run it off the event loop unless `isInMemory`.
    func user(named username: String) throws -> UserRecord?
    /// True when `user(named:)` never blocks, so it may run on an event loop.
    var isInMemory: Bool { get }
    /// Throws when the store cannot be reached (drives /readyz).
    func checkReachable() throws
    /// A few users' password hashes, used to build the timing-equaliser hash for unknown usernames.
    func samplePasswordHash() throws -> String?
}

public struct UserStoreError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
