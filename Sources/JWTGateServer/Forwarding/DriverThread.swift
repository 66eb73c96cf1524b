#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The curl driver's named POSIX thread: `LoopThread`'s, with the driver's error type.
enum DriverThread {
    static func spawn(name: String, _ run: @escaping @Sendable () -> Void) throws(UpstreamClientError) -> pthread_t {
        do {
            return try LoopThread.spawn(name: name, run)
        } catch {
            throw UpstreamClientError(message: "could not start the curl driver thread (\(error))")
        }
    }

    static func join(_ thread: pthread_t) { LoopThread.join(thread) }

    /// A thread's CPU-time clock, readable from any thread (nil where unsupported).
    static func cpuClock(of thread: pthread_t) -> clockid_t? {
        #if os(Linux)
        var clock = clockid_t()
        guard pthread_getcpuclockid(thread, &clock) == 0 else { return nil }
        return clock
        #else
        return nil
        #endif
    }
}
