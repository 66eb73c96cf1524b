import Synchronization

/// DRF's `SimpleRateThrottle` (3.14): a sliding log of request times per key; over the rate, the
/// request is refused with the time until a slot frees up. Time is a parameter (seconds, as
/// `time.time()`), so tests never sleep. Memory is bounded: keys idle for a whole period are dropped.
public final class RateThrottle: Sendable {
    public let rate: ThrottleRate
    private let histories = Mutex<[String: [Double]]>([:])
    private static let pruneAbove = 50_000

    public init(rate: ThrottleRate) { self.rate = rate }

    /// nil when allowed (and recorded); else DRF's `wait()` in seconds.
    public func check(_ key: String, now: Double) -> Double? {
        let duration = Double(rate.periodSeconds)
        return histories.withLock { histories in
            if histories.count > Self.pruneAbove {
                histories = histories.filter { ($0.value.first ?? 0) > now - duration }
            }
            var history = histories[key] ?? []
            while let oldest = history.last, oldest <= now - duration { history.removeLast() }
            if history.count >= rate.requests {
                histories[key] = history
                let remaining = history.last.map { duration - (now - $0) } ?? duration
                let available = Double(rate.requests - history.count + 1)
                return available <= 0 ? remaining : remaining / available
            }
            history.insert(now, at: 0)
            histories[key] = history
            return nil
        }
    }

    /// DRF's `Throttled` text: `Request was throttled. Expected available in N seconds.` (ceil, singular at 1).
    public static func message(wait: Double) -> (detail: String, retryAfter: Int) {
        let seconds = Int(wait.rounded(.up))
        return ("Request was throttled. Expected available in \(seconds) second\(seconds == 1 ? "" : "s").", seconds)
    }
}
