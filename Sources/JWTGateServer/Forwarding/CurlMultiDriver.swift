import CJWTGateCurl
import CJWTGateCurlShims
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The thread-safe face of the curl driver: a `Mutex`-protected command queue, the thread's
/// lifecycle, and the wake-up pipe the driver's epoll watches (no libcurl call is made from other
/// threads). The driver thread itself runs `CurlDriverLoop`, which owns the multi handle and every
/// easy handle.
final class CurlMultiDriver: Sendable {
    enum Command: Sendable {
        case start(CurlTransfer)
        case pause(CurlTransfer)
        case resume(CurlTransfer)
        case cancel(CurlTransfer)
    }

    /// The multi handle's address, handed to the driver thread at start; only that thread uses it.
    struct MultiPointer: @unchecked Sendable {
        let raw: UnsafeMutableRawPointer
    }

    private enum Phase {
        case idle
        case running(MultiPointer)
        case stopping
        case stopped
    }

    private struct Shared: Sendable {
        var phase: Phase = .idle
        var thread: pthread_t?
        var commands: [Command] = []
        /// The driver is in (or about to enter) `curl_multi_poll` with an empty queue: the next enqueue must wake it.
        var sleeping = false
    }

    let maxConnectionsPerHost: Int
    let maxTotalConnections: Int
    let logger: Logger
    private let shared = Mutex(Shared())
    /// A non-blocking pipe: a byte written to `wakeWriteFD` ends the driver's `epoll_wait`.
    let wakeReadFD: Int32
    private let wakeWriteFD: Int32
    /// The driver thread's CPU clock (Linux), for measuring the cost per request.
    private let cpuClock = Mutex<clockid_t?>(nil)

    init(maxConnectionsPerHost: Int, maxTotalConnections: Int, logger: Logger) {
        self.maxConnectionsPerHost = maxConnectionsPerHost
        self.maxTotalConnections = maxTotalConnections
        self.logger = logger
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            for fd in fds {
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            }
        }
        self.wakeReadFD = fds[0]
        self.wakeWriteFD = fds[1]
    }

    deinit {
        close(self.wakeReadFD)
        close(self.wakeWriteFD)
    }

    private func wake() {
        var byte: UInt8 = 1
        _ = write(self.wakeWriteFD, &byte, 1)  // a full pipe already means "wake up"
    }

    // MARK: Any thread

    /// Queues a command; false when the driver is not running (the caller fails the transfer).
    @discardableResult
    func enqueue(_ command: Command) -> Bool {
        let (accepted, wake): (Bool, Bool) = self.shared.withLock { shared in
            guard case .running = shared.phase else { return (false, false) }
            shared.commands.append(command)
            guard shared.sleeping else { return (true, false) }
            shared.sleeping = false
            return (true, true)
        }
        if wake { self.wake() }
        return accepted
    }

    func start() throws(UpstreamClientError) {
        try CurlGlobal.ensureInitialised()
        guard let multiRaw = curl_multi_init() else { throw UpstreamClientError(message: "curl_multi_init failed") }
        // The pool must not shrink with the number of transfers in flight (libcurl's default, 4x the
        // handles added, closes idle keep-alive connections): size it explicitly.
        _ = jwtgate_curl_multi_setopt_long(multiRaw, CURLMOPT_MAXCONNECTS, self.maxTotalConnections)
        _ = jwtgate_curl_multi_setopt_long(multiRaw, CURLMOPT_MAX_HOST_CONNECTIONS, self.maxConnectionsPerHost)
        _ = jwtgate_curl_multi_setopt_long(multiRaw, CURLMOPT_MAX_TOTAL_CONNECTIONS, self.maxTotalConnections)
        let multi = MultiPointer(raw: multiRaw)

        let claimed = self.shared.withLock { shared in
            guard case .idle = shared.phase else { return false }
            shared.phase = .running(multi)
            return true
        }
        guard claimed else {
            curl_multi_cleanup(multiRaw)
            throw UpstreamClientError(message: "upstream client started twice or after shutdown")
        }
        do {
            let thread = try DriverThread.spawn(name: "jwtgate-curl") { [self] in
                CurlDriverLoop(multi: multi.raw, driver: self).run()
                curl_multi_cleanup(multi.raw)
            }
            self.shared.withLock { $0.thread = thread }
            self.cpuClock.withLock { $0 = DriverThread.cpuClock(of: thread) }
        } catch {
            self.shared.withLock { $0.phase = .stopped }
            curl_multi_cleanup(multiRaw)
            throw error
        }
        self.logger.debug("upstream.client.started", metadata: [
            "curl.version": "\(CurlGlobal.version)",
            "upstream.max_connections": "\(self.maxTotalConnections)",
            "upstream.max_connections_per_host": "\(self.maxConnectionsPerHost)",
        ])
    }

    /// Fails every transfer in flight with `UpstreamError.shutdown`, stops the thread and waits for it.
    func shutdown() {
        let stop: (pthread_t?, MultiPointer)? = self.shared.withLock { shared in
            switch shared.phase {
            case .running(let multi):
                shared.phase = .stopping
                return (shared.thread, multi)
            case .idle:
                shared.phase = .stopped
                return nil
            case .stopping, .stopped:
                return nil
            }
        }
        guard let (thread, _) = stop else { return }
        self.wake()
        if let thread { DriverThread.join(thread) }
        self.shared.withLock { $0.phase = .stopped }
        self.logger.debug("upstream.client.stopped")
    }

    /// CPU time the driver thread has used so far (Linux only; nil elsewhere or before `start`).
    var driverThreadCPUTime: Duration? {
        guard let clock = self.cpuClock.withLock({ $0 }) else { return nil }
        var now = timespec()
        guard clock_gettime(clock, &now) == 0 else { return nil }
        return .seconds(now.tv_sec) + .nanoseconds(now.tv_nsec)
    }

    // MARK: Driver thread

    /// Moves the queued commands into `commands` (whose old contents are discarded, capacity kept).
    /// Returns false once shutdown began.
    func drain(into commands: inout [Command]) -> Bool {
        commands.removeAll(keepingCapacity: true)
        return self.shared.withLock { shared in
            swap(&shared.commands, &commands)
            if case .running = shared.phase { return true }
            return false
        }
    }

    /// Before `epoll_wait`: true (and marked sleeping) when nothing is queued, so waiting is safe.
    func prepareToSleep() -> Bool {
        self.shared.withLock { shared in
            guard shared.commands.isEmpty, case .running = shared.phase else { return false }
            shared.sleeping = true
            return true
        }
    }

    /// After `epoll_wait` returned.
    func awake() {
        self.shared.withLock { $0.sleeping = false }
    }
}
