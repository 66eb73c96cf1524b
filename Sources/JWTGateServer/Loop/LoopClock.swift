#if canImport(Glibc)
import Glibc
#endif

/// A point on the monotonic clock, in nanoseconds. The loop reads the clock once per turn
/// (`IOLoop.now`); timers and deadlines are computed from that reading.
struct LoopInstant: Comparable, Hashable, Sendable {
    var nanoseconds: UInt64

    static func < (lhs: LoopInstant, rhs: LoopInstant) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    /// Reads CLOCK_MONOTONIC.
    static func now() -> LoopInstant {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return LoopInstant(nanoseconds: UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec))
    }

    /// `self` moved on by `duration` (negative durations count as zero; saturates instead of wrapping).
    func advanced(by duration: Duration) -> LoopInstant {
        let nanos = duration.loopNanoseconds
        let (sum, overflow) = self.nanoseconds.addingReportingOverflow(nanos)
        return LoopInstant(nanoseconds: overflow ? .max : sum)
    }

    /// Milliseconds from `self` until `later`, rounded up (so a timer never fires early), at most `Int32.max`.
    func millisecondsUntil(_ later: LoopInstant) -> Int32 {
        guard later.nanoseconds > self.nanoseconds else { return 0 }
        let millis = (later.nanoseconds - self.nanoseconds + 999_999) / 1_000_000
        return Int32(clamping: millis)
    }
}

extension Duration {
    /// Whole nanoseconds, zero for negative durations, saturating at `UInt64.max`.
    var loopNanoseconds: UInt64 {
        let (seconds, attoseconds) = self.components
        guard seconds >= 0, attoseconds >= 0 else { return 0 }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return .max }
        let (sum, overflow2) = whole.addingReportingOverflow(UInt64(attoseconds / 1_000_000_000))
        return overflow2 ? .max : sum
    }
}
