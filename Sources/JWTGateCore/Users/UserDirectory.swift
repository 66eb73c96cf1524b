import Synchronization

/// The outcome of looking a username up on a path that must not block.
public enum UserLookup: Sendable {
    case found(UserRecord)
    case notFound
    /// Only a blocking read of the store can answer: retry off the event loop.
    case wouldBlock
    case failed(UserStoreError)
}

/// The user store behind a short-lived cache (`users.cache_ttl`): the library reads the user row on
/// every request, so deactivation takes effect immediately; the cache bounds that delay to the TTL
/// while keeping blocking reads off the hot path. In-memory stores are never cached. Keys are exact
/// code points: a cached NFC spelling must not answer for the NFD one, which the database would not find.
public final class UserDirectory: Sendable {
    private struct Entry {
        let user: UserRecord?
        let expires: UInt64
    }

    public let store: any UserStore
    private let ttlNanoseconds: UInt64
    private let cache = Mutex<[CodePointString: Entry]>([:])
    private static let maxEntries = 100_000

    public init(store: any UserStore, ttl: Duration) {
        self.store = store
        let (seconds, attoseconds) = ttl.components
        ttlNanoseconds = UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
    }

    /// `now` is a monotonic time in nanoseconds. With `mayBlock` false, a cache miss on a blocking
    /// store answers `.wouldBlock`.
    public func lookup(_ username: String, now: UInt64, mayBlock: Bool) -> UserLookup {
        if store.isInMemory || ttlNanoseconds == 0 {
            if !store.isInMemory && !mayBlock { return .wouldBlock }
            return read(username)
        }
        let key = CodePointString(username)
        if let entry = cache.withLock({ $0[key] }), entry.expires > now {
            return entry.user.map(UserLookup.found) ?? .notFound
        }
        guard mayBlock else { return .wouldBlock }
        let result = read(username)
        let user: UserRecord?
        switch result {
        case .found(let u): user = u
        case .notFound: user = nil
        default: return result
        }
        cache.withLock { entries in
            if entries.count >= Self.maxEntries { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(user: user, expires: now &+ ttlNanoseconds)
        }
        return result
    }

    /// Always reads the store (obtain and the token views want the current row).
    public func read(_ username: String) -> UserLookup {
        do {
            return try store.user(named: username).map(UserLookup.found) ?? .notFound
        } catch let error as UserStoreError {
            return .failed(error)
        } catch {
            return .failed(UserStoreError(String(describing: error)))
        }
    }
}
