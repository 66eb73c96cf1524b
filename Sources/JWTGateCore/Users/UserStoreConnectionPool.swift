import Synchronization

/// Up to `size` connections to one database for a blocking user store, each behind its own `Mutex`,
/// opened on first use. A caller takes a free one or waits for one; a connection that is stale
/// (`isStale`) or whose work failed is dropped and reopened on the next use, so a store recovers by
/// itself after a replaced file, a restarted server or a cut connection.
final class UserStoreConnectionPool<Connection>: Sendable {
    private let slots: [Slot]
    private let nextSlot = Atomic<UInt>(0)
    private let open: @Sendable () throws(UserStoreError) -> sending Connection
    private let isStale: @Sendable (Connection) -> Bool

    private final class Slot: Sendable {
        let connection: Mutex<Connection?>
        init(_ connection: consuming sending Connection?) { self.connection = Mutex(connection) }
    }

    /// - Parameters:
    ///   - first: the connection opened at start-up (it goes into the first slot).
    ///   - open: opens another connection (the error says what to fix).
    init(first: consuming sending Connection, size: Int, open: @escaping @Sendable () throws(UserStoreError) -> sending Connection,
         isStale: @escaping @Sendable (Connection) -> Bool) {
        var slots = [Slot(first)]
        for _ in 1..<max(1, size) { slots.append(Slot(nil)) }
        self.slots = slots
        self.open = open
        self.isStale = isStale
    }

    /// Runs `body` on a free connection (or waits for one), opening or reopening it as needed.
    func withConnection<Result: Sendable>(
        _ body: @Sendable (Connection) throws(UserStoreError) -> Result
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
        _ slot: inout Connection?, _ body: @Sendable (Connection) throws(UserStoreError) -> Result
    ) throws(UserStoreError) -> Result {
        if let current = slot, isStale(current) { slot = nil }
        let connection: Connection
        if let current = slot {
            connection = current
        } else {
            connection = try open()
            slot = connection
        }
        do {
            return try body(connection)
        } catch {
            slot = nil  // a fresh connection next time
            throw error
        }
    }
}
