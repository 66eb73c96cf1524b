import CJWTGateCurlShims

#if canImport(Glibc)
import Glibc
#endif

/// One listening socket on one loop. Every loop gets its own socket for the same address
/// (`SO_REUSEPORT`), so the kernel spreads new connections over the loops.
///
/// When readable it accepts (`accept4`, non-blocking, close-on-exec) until EAGAIN or `acceptBatch`
/// connections this turn (level-triggered: the rest come next turn), sets `TCP_NODELAY` and hands
/// each descriptor with the client's address (from `accept4`, no `getpeername`) to `onAccept`, which
/// then owns it and must `limit.release()` when it closes it.
///
/// - At `limit.maximum` it stops polling the socket (epoll DEL) until a connection closes anywhere
///   in the process (`ConnectionLimit.notifyWhenAvailable`); pending connections wait in the backlog.
/// - On EMFILE, ENFILE, ENOBUFS or ENOMEM it stops polling for `backoff` (a loop timer), so the loop
///   never spins on a connection it cannot take, and calls `onResourceExhausted` at most once per
///   `logInterval` with the errno and the number of such failures since the last call.
///
/// Not thread-safe: its loop's thread only.
final class LoopListener: IOLoopHandler, IOLoopAttachment {
    struct Configuration: Sendable {
        var acceptBatch = 64
        var backoff: Duration = .milliseconds(100)
        var logInterval: Duration = .seconds(1)

        init(acceptBatch: Int = 64, backoff: Duration = .milliseconds(100), logInterval: Duration = .seconds(1)) {
            self.acceptBatch = acceptBatch
            self.backoff = backoff
            self.logInterval = logInterval
        }
    }

    private enum State {
        case polling
        case atCapacity
        case backingOff(LoopTimerID)
        case closed
    }

    let fd: Int32
    let port: Int
    private let loop: IOLoop
    private let limit: ConnectionLimit
    private let configuration: Configuration
    private let onAccept: (Int32, PeerAddress.Value) -> Void
    private let onResourceExhausted: (_ errno: Int32, _ failures: Int) -> Void
    private var state = State.closed
    private var nextLogAt = LoopInstant(nanoseconds: 0)
    private var failuresSinceLog = 0
    /// Where `accept4` writes each client's address (16 bytes: room for IPv6).
    private var peerAddress = [UInt8](repeating: 0, count: 16)

    /// Connections accepted so far, and times the listener stopped for the cap or for back-off (for tests and metrics).
    private(set) var accepted = 0
    private(set) var capacityPauses = 0
    private(set) var backoffs = 0

    /// Takes ownership of `fd`, a listening socket from `ListenSocket.open`.
    init(
        fd: Int32, port: Int, loop: IOLoop, limit: ConnectionLimit, configuration: Configuration = Configuration(),
        onResourceExhausted: @escaping (_ errno: Int32, _ failures: Int) -> Void = { _, _ in },
        onAccept: @escaping (Int32, PeerAddress.Value) -> Void
    ) {
        self.fd = fd
        self.port = port
        self.loop = loop
        self.limit = limit
        self.configuration = configuration
        self.onAccept = onAccept
        self.onResourceExhausted = onResourceExhausted
    }

    /// Starts polling; the loop keeps the listener alive until `close()` or the loop stops.
    func start() throws(IOLoopError) {
        guard case .closed = self.state else { return }
        try self.loop.register(self.fd, interest: .readable, handler: self)
        self.loop.attach(self)
        self.state = .polling
    }

    /// Stops accepting and closes the socket.
    func close() {
        switch self.state {
        case .closed: return
        case .polling: self.loop.forget(self.fd)
        case .backingOff(let timer): self.loop.cancel(timer)
        case .atCapacity: break
        }
        self.state = .closed
        self.loop.detach(self)
        _ = Glibc.close(self.fd)
    }

    func loopWillStop(_ loop: IOLoop) { self.close() }

    var isPolling: Bool {
        if case .polling = self.state { return true }
        return false
    }

    func ioReady(fd: Int32, events: IOEvents) {
        guard case .polling = self.state else { return }
        for _ in 0..<self.configuration.acceptBatch {
            guard self.limit.tryAcquire() else {
                self.pauseAtCapacity()
                return
            }
            var family: Int32 = 0
            let result = jwtgate_loop_accept(self.fd, &self.peerAddress, &family)
            if result >= 0 {
                _ = jwtgate_loop_set_nodelay(result)
                self.accepted += 1
                self.onAccept(result, PeerAddress.from(family: family, address: self.peerAddress))
                guard case .polling = self.state else { return }  // onAccept may have closed the listener
                continue
            }
            self.limit.release()
            switch -result {
            case EAGAIN, EWOULDBLOCK:
                return
            case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                self.backOff(errno: -result)
                return
            default:
                continue  // ECONNABORTED, EPROTO, EPERM (firewall), ...: that connection is gone, try the next
            }
        }
    }

    private func pauseAtCapacity() {
        self.loop.deregister(self.fd)
        self.state = .atCapacity
        self.capacityPauses += 1
        let bound = LoopBound(self, loop: self.loop.handle)
        let handle = self.loop.handle
        self.limit.notifyWhenAvailable {
            handle.execute { _ in bound.value.resumeAfterCapacity() }
        }
    }

    private func resumeAfterCapacity() {
        guard case .atCapacity = self.state else { return }
        self.resumePolling()
    }

    private func backOff(errno code: Int32) {
        self.loop.deregister(self.fd)
        self.backoffs += 1
        self.failuresSinceLog += 1
        if self.loop.now >= self.nextLogAt {
            self.onResourceExhausted(code, self.failuresSinceLog)
            self.failuresSinceLog = 0
            self.nextLogAt = self.loop.now.advanced(by: self.configuration.logInterval)
        }
        let timer = self.loop.schedule(after: self.configuration.backoff) { [self] in
            guard case .backingOff = self.state else { return }
            self.resumePolling()
        }
        self.state = .backingOff(timer)
    }

    private func resumePolling() {
        do {
            try self.loop.register(self.fd, interest: .readable, handler: self)
            self.state = .polling
        } catch {
            // Cannot poll (ENOMEM in epoll_ctl): try again after the back-off interval.
            self.state = .polling
            self.backOff(errno: error.errno)
        }
    }
}

@available(*, unavailable)
extension LoopListener: Sendable {}

/// Listening sockets for the loops.
enum ListenSocket {
    /// One non-blocking `SO_REUSEPORT` listening socket on `host` (a numeric IPv4 or IPv6 address) and
    /// `port`; returns the descriptor and the bound port (the kernel's choice when `port` is 0).
    static func open(host: String, port: Int, backlog: Int = 511) throws(IOLoopError) -> (fd: Int32, port: Int) {
        var bound: Int32 = 0
        let result = host.withCString { jwtgate_loop_listen($0, Int32(port), Int32(backlog), &bound) }
        guard result >= 0 else { throw IOLoopError(operation: "listen on \(host):\(port)", errno: -result) }
        return (result, Int(bound))
    }

    /// `count` sockets on the same address and port (one per loop). With port 0 the first socket's
    /// port is used for the others. Returns the descriptors and the port.
    static func openGroup(host: String, port: Int, count: Int, backlog: Int = 511) throws(IOLoopError) -> (fds: [Int32], port: Int) {
        var fds: [Int32] = []
        var chosen = port
        do {
            for _ in 0..<count {
                let (fd, bound) = try Self.open(host: host, port: chosen, backlog: backlog)
                fds.append(fd)
                chosen = bound
            }
        } catch {
            for fd in fds { close(fd) }
            throw error
        }
        return (fds, chosen)
    }
}
