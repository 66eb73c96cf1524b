import Synchronization

/// DRF's `SimpleRateThrottle` (3.14): a sliding log of request times per key; over the rate, the
/// request is refused with the time until a slot frees up. Time is a parameter (seconds, as
/// `time.time()`), so tests never sleep.
///
/// Keys are fixed-size digests of what the client sent (`ThrottleKeyDigest`) in a table of at most
/// `maxKeys` entries (`ThrottleTable`): a storm of distinct multi-megabyte usernames costs 16 bytes
/// and one history per key, and no more than `maxKeys` of them. A key's history goes when its window
/// has passed, as DRF's cache entry expires.
public final class RateThrottle: Sendable {
    public let rate: ThrottleRate
    public let maxKeys: Int
    private let digest: ThrottleKeyDigest
    private let table: Mutex<ThrottleTable>

    public static let defaultMaxKeys = 100_000

    public init(rate: ThrottleRate, maxKeys: Int = RateThrottle.defaultMaxKeys, digest: ThrottleKeyDigest = .random()) {
        self.rate = rate
        self.maxKeys = max(1, maxKeys)
        self.digest = digest
        table = Mutex(ThrottleTable(capacity: max(1, maxKeys)))
    }

    /// nil when allowed (and recorded); else DRF's `wait()` in seconds.
    public func check(_ key: String, now: Double) -> Double? {
        check(digest.key(for: key), now: now)
    }

    public func check(_ key: ThrottleKey, now: Double) -> Double? {
        let duration = Double(rate.periodSeconds)
        let requests = rate.requests
        return table.withLock { table in
            table.withHistory(key, now: now, expiredBefore: now - duration) { history -> Double? in
                while let oldest = history.last, oldest <= now - duration { history.removeLast() }
                if history.count >= requests {
                    let remaining = history.last.map { duration - (now - $0) } ?? duration
                    let available = Double(requests - history.count + 1)
                    return available <= 0 ? remaining : remaining / available
                }
                history.insert(now, at: 0)
                return nil
            }
        }
    }

    /// Drops the keys whose window has passed, at most `limit` of them (a periodic sweep, so that
    /// a storm's keys go after one window even when no request comes to push them out).
    @discardableResult
    public func sweep(now: Double, limit: Int = 10_000) -> Int {
        let cutoff = now - Double(rate.periodSeconds)
        return table.withLock { $0.dropExpired(before: cutoff, steps: limit) }
    }

    /// What the table holds now: keys, stored timestamps, and live keys evicted by a full table.
    public var usage: (keys: Int, timestamps: Int, evictions: Int) {
        table.withLock { ($0.count, $0.timestamps, $0.evictions) }
    }

    /// An upper bound of the table's memory in bytes, from configuration alone (for docs and
    /// `check-config`): per key the slot, the index entry and a full history.
    public static func memoryBound(maxKeys: Int, rate: ThrottleRate) -> Int {
        maxKeys * (64 + 48 + 32 + 8 * rate.requests)
    }

    /// DRF's `Throttled` text: `Request was throttled. Expected available in N seconds.` (ceil, singular at 1).
    public static func message(wait: Double) -> (detail: String, retryAfter: Int) {
        let seconds = Int(wait.rounded(.up))
        return ("Request was throttled. Expected available in \(seconds) second\(seconds == 1 ? "" : "s").", seconds)
    }
}
