/// Users from `users.yaml`, validated at load time and held in memory.
public final class FileUserStore: UserStore {
    private let byUsername: [String: UserRecord]

    public init(users: [UserRecord]) {
        var map: [String: UserRecord] = [:]
        for user in users { map[user.username] = user }
        byUsername = map
    }

    public func user(named username: String) -> UserRecord? { byUsername[username] }
    public var isInMemory: Bool { true }
    public func checkReachable() {}

    public func samplePasswordHash() -> String? {
        byUsername.values.sorted { $0.username < $1.username }
            .first { !$0.passwordHash.hasPrefix("!") && !$0.passwordHash.isEmpty }?.passwordHash
    }
}
