import CJWTGateCurlShims

#if canImport(Glibc)
import Glibc
#endif

/// A named POSIX thread for one loop ("jwtgate-loop-N" in top, perf and /proc/*/comm; at most 15 bytes).
enum LoopThread {
    private final class Body {
        let name: String
        let run: @Sendable () -> Void
        init(name: String, run: @escaping @Sendable () -> Void) {
            self.name = name
            self.run = run
        }
    }

    static func spawn(name: String, _ run: @escaping @Sendable () -> Void) throws(IOLoopError) -> pthread_t {
        let body = Unmanaged.passRetained(Body(name: name, run: run)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { argument in
            let body = Unmanaged<Body>.fromOpaque(argument!).takeRetainedValue()
            _ = jwtgate_curl_name_current_thread(body.name)
            body.run()
            return nil
        }, body)
        guard result == 0 else {
            Unmanaged<Body>.fromOpaque(body).release()
            throw IOLoopError(operation: "pthread_create", errno: result)
        }
        return thread
    }

    static func join(_ thread: pthread_t) {
        _ = pthread_join(thread, nil)
    }
}
