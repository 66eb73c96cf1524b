/// Users from `users.yaml`, validated at load time and held in memory. Keyed by exact code points,
/// as Django's `username` column is: "zoë" in NFC and in NFD are two users (or one and nobody).
public final class FileUserStore: UserStore {
    private let byUsername: [CodePointString: UserRecord]

    public init(users: [UserRecord]) {
        var map: [CodePointString: UserRecord] = [:]
        for user in users { map[CodePointString(user.username)] = user }
        byUsername = map
    }

    public func user(named username: String) -> UserRecord? { byUsername[CodePointString(username)] }
    public var isInMemory: Bool { true }
    public func checkReachable() {}

    public func samplePasswordHash() -> String? {
        byUsername.values.sorted { $0.username.utf8.lexicographicallyPrecedes($1.username.utf8) }
            .first { !$0.passwordHash.hasPrefix("!") && !$0.passwordHash.isEmpty }?.passwordHash
    }
}
