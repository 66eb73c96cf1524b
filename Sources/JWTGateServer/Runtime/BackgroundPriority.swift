#if canImport(Glibc)
import Glibc
#endif

/// Password hashing holds a core for tens of milliseconds per login; at equal priority a burst of
/// logins starves the event loops (and /healthz with them). A thread that is about to hash lowers
/// its own nice value once: on Linux the nice value is per thread, so the event loops keep theirs,
/// and hashing still gets every cycle they leave idle.
enum BackgroundPriority {
    private static let niceness: Int32 = 10
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    static func lowerCurrentThreadOnce() {
        let key = Self.key
        guard pthread_getspecific(key) == nil else { return }
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness)
        _ = pthread_setspecific(key, UnsafeRawPointer(bitPattern: 1))
    }
}
