import CJWTGateCurlShims

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A named POSIX thread for the curl driver (Foundation's `Thread` is not used: no Foundation, and
/// its name does not reach `/proc/*/comm`, so perf and top would not show it).
enum DriverThread {
    private final class Body {
        let name: String
        let run: @Sendable () -> Void
        init(name: String, run: @escaping @Sendable () -> Void) {
            self.name = name
            self.run = run
        }
    }

    static func spawn(name: String, _ run: @escaping @Sendable () -> Void) throws(UpstreamClientError) -> pthread_t {
        let body = Unmanaged.passRetained(Body(name: name, run: run)).toOpaque()
        #if canImport(Darwin)
        var thread: pthread_t?
        let result = pthread_create(&thread, nil, { argument in
            let body = Unmanaged<Body>.fromOpaque(argument).takeRetainedValue()
            _ = jwtgate_curl_name_current_thread(body.name)
            body.run()
            return nil
        }, body)
        guard result == 0, let thread else {
            Unmanaged<Body>.fromOpaque(body).release()
            throw UpstreamClientError(message: "could not start the curl driver thread (error \(result))")
        }
        return thread
        #else
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { argument in
            let body = Unmanaged<Body>.fromOpaque(argument!).takeRetainedValue()
            _ = jwtgate_curl_name_current_thread(body.name)  // at most 15 bytes on Linux
            body.run()
            return nil
        }, body)
        guard result == 0 else {
            Unmanaged<Body>.fromOpaque(body).release()
            throw UpstreamClientError(message: "could not start the curl driver thread (error \(result))")
        }
        return thread
        #endif
    }

    static func join(_ thread: pthread_t) {
        _ = pthread_join(thread, nil)
    }

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
