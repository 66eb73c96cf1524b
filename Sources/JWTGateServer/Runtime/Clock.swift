#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Wall and monotonic time, read without Foundation: claims compare whole Unix seconds (as PyJWT's
/// `timegm(utcnow())`), caches and latency use a monotonic clock.
enum GatewayClock {
    static func unixSeconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec)
    }

    /// Wall-clock time as whole seconds and nanoseconds (one clock read for a log line's stamp).
    static func wallClock() -> (seconds: Int, nanoseconds: Int) {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return (Int(ts.tv_sec), Int(ts.tv_nsec))
    }

    /// Seconds with a fraction, on the monotonic clock (throttle windows).
    static func monotonicSeconds() -> Double {
        Double(monotonicNanoseconds()) / 1_000_000_000
    }

    static func monotonicNanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
