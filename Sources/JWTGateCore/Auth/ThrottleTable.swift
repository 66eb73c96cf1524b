/// The request histories of one throttle, in a table of at most `capacity` keys ordered by last use
/// (nginx's `limit_req_zone` shape). Memory is bounded by configuration alone: `capacity` keys of
/// 16 bytes, each with at most `rate.requests` timestamps. Keys whose window has passed are dropped
/// as time moves on (oldest-used first, a few per call); when the table is full of live keys the
/// least recently used one is evicted and counted. Not thread-safe: `RateThrottle` holds it in a mutex.
struct ThrottleTable {
    private struct Slot {
        var key: ThrottleKey
        /// Times of the allowed requests, newest first (DRF's cache value).
        var history: [Double]
        var lastUsed: Double
        /// Neighbours in last-use order (-1: none).
        var newer: Int32
        var older: Int32
    }

    let capacity: Int
    private var slots: [Slot] = []
    private var freeSlots: [Int32] = []
    private var index: [ThrottleKey: Int32] = [:]
    private var newest: Int32 = -1
    private var oldest: Int32 = -1
    /// Live keys pushed out by a full table (their holders got a fresh window).
    private(set) var evictions = 0
    private(set) var timestamps = 0

    /// Expired keys dropped per call at most, so one request never pays for a whole sweep.
    private static let expiryStepsPerCall = 8

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    var count: Int { index.count }

    /// Runs `body` on the history of `key` (empty for a new key), after dropping keys last used
    /// at or before `expiredBefore`. The table keeps whatever `body` leaves.
    mutating func withHistory<R>(_ key: ThrottleKey, now: Double, expiredBefore cutoff: Double,
                                 _ body: (inout [Double]) -> R) -> R {
        dropExpired(before: cutoff, steps: Self.expiryStepsPerCall)
        let at = index[key] ?? insert(key, now: now)
        unlink(at)
        linkAsNewest(at)
        slots[Int(at)].lastUsed = now
        timestamps -= slots[Int(at)].history.count
        let result = body(&slots[Int(at)].history)
        timestamps += slots[Int(at)].history.count
        return result
    }

    private mutating func insert(_ key: ThrottleKey, now: Double) -> Int32 {
        if index.count >= capacity, oldest >= 0 {
            evictions += 1
            remove(oldest)
        }
        let slot = Slot(key: key, history: [], lastUsed: now, newer: -1, older: -1)
        let at: Int32
        if let reused = freeSlots.popLast() {
            at = reused
            slots[Int(at)] = slot
        } else {
            at = Int32(slots.count)
            slots.append(slot)
        }
        index[key] = at
        linkAsNewest(at)
        return at
    }

    /// A key last used at or before `cutoff` has no request inside the window: DRF's cache entry
    /// would have expired, so it goes. Returns how many went.
    @discardableResult
    mutating func dropExpired(before cutoff: Double, steps: Int) -> Int {
        var left = steps
        while left > 0, oldest >= 0, slots[Int(oldest)].lastUsed <= cutoff {
            remove(oldest)
            left -= 1
        }
        return steps - left
    }

    private mutating func remove(_ at: Int32) {
        unlink(at)
        index[slots[Int(at)].key] = nil
        timestamps -= slots[Int(at)].history.count
        slots[Int(at)].history = []
        freeSlots.append(at)
    }

    private mutating func unlink(_ at: Int32) {
        let slot = slots[Int(at)]
        if slot.newer >= 0 { slots[Int(slot.newer)].older = slot.older } else if newest == at { newest = slot.older }
        if slot.older >= 0 { slots[Int(slot.older)].newer = slot.newer } else if oldest == at { oldest = slot.newer }
        slots[Int(at)].newer = -1
        slots[Int(at)].older = -1
    }

    private mutating func linkAsNewest(_ at: Int32) {
        slots[Int(at)].older = newest
        slots[Int(at)].newer = -1
        if newest >= 0 { slots[Int(newest)].newer = at }
        newest = at
        if oldest < 0 { oldest = at }
    }
}
