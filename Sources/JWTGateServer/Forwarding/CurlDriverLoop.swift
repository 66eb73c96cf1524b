import CJWTGateCurl
import CJWTGateCurlShims
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// The driver thread's loop. It owns the multi handle and every easy handle, and runs on that one
/// thread from start to shutdown; other threads reach it only through `CurlMultiDriver`'s queue.
///
/// It drives libcurl through `curl_multi_socket_action` on an epoll of its own: libcurl says which
/// sockets to watch (socket callback) and when to call back (timer callback), and each wake-up only
/// touches the transfers whose sockets are ready. (`curl_multi_perform` + `curl_multi_poll` walk
/// every transfer and rebuild a pollfd set on every turn: O(in-flight) per wake-up.)
///
/// One turn: apply queued commands (start, pause, resume, cancel) → run libcurl's due timer →
/// collect finished transfers → fail expired ones → hand everything new to the event loops, one
/// `execute` per loop per turn → `epoll_wait` for ready sockets, the timer, or the wake-up pipe →
/// `curl_multi_socket_action` for each ready socket (libcurl runs the header and write callbacks).
///
/// Not thread-safe: driver thread only.
final class CurlDriverLoop {
    private let multi: UnsafeMutableRawPointer
    private let driver: CurlMultiDriver
    private var active: [ObjectIdentifier: CurlTransfer] = [:]
    private var pool: [CurlEasyHandle] = []
    private var dirty: [CurlTransfer] = []
    private var outgoing: [Delivery] = []
    private var commands: [CurlMultiDriver.Command] = []
    /// No deadline of an active, unpaused transfer is earlier than this (it may be stale-early).
    private var earliestDeadline: UInt64 = .max
    /// Idle easy handles kept for reuse.
    private let poolLimit: Int
    private let epoll: Int32
    /// When libcurl wants `CURL_SOCKET_TIMEOUT` (monotonic ns); nil: no timer.
    private var curlTimerDue: UInt64?
    private var readyFDs = [Int32](repeating: 0, count: 256)
    private var readyBits = [Int32](repeating: 0, count: 256)
    private var stillRunning: Int32 = 0

    init(multi: UnsafeMutableRawPointer, driver: CurlMultiDriver) {
        self.multi = multi
        self.driver = driver
        self.poolLimit = max(16, min(driver.maxTotalConnections, 1024))
        self.epoll = jwtgate_epoll_create()
        _ = jwtgate_epoll_control(self.epoll, 0, driver.wakeReadFD, Int32(JWTGATE_EPOLL_IN))
    }

    deinit { close(self.epoll) }

    func run() {
        // The loop outlives every callback: run() returns only after the multi handle is idle.
        let me = Unmanaged.passUnretained(self).toOpaque()
        _ = jwtgate_curl_multi_setopt_socket_callback(self.multi, curlSocketCallback)
        _ = jwtgate_curl_multi_setopt_pointer(self.multi, CURLMOPT_SOCKETDATA, me)
        _ = jwtgate_curl_multi_setopt_timer_callback(self.multi, curlTimerCallback)
        _ = jwtgate_curl_multi_setopt_pointer(self.multi, CURLMOPT_TIMERDATA, me)
        while true {
            let running = self.driver.drain(into: &self.commands)
            for command in self.commands { self.apply(command, running: running) }
            guard running else { break }

            var now = Self.now()
            if let due = self.curlTimerDue, due <= now {
                self.curlTimerDue = nil
                _ = curl_multi_socket_action(self.multi, jwtgate_curl_socket_timeout(), 0, &self.stillRunning)
                now = Self.now()
            }
            self.collectFinished()
            if now >= self.earliestDeadline { self.expire(now: now) }
            self.dispatch()

            let sleep = self.driver.prepareToSleep()
            let timeout = sleep ? self.waitTimeout(now: now) : 0
            let ready = self.readyFDs.withUnsafeMutableBufferPointer { fds in
                self.readyBits.withUnsafeMutableBufferPointer { bits in
                    jwtgate_epoll_wait(self.epoll, fds.baseAddress, bits.baseAddress, Int32(fds.count), timeout)
                }
            }
            if sleep { self.driver.awake() }
            for i in 0..<Int(max(0, ready)) { self.handle(fd: self.readyFDs[i], bits: self.readyBits[i]) }
        }
        self.failAll(with: .shutdown)
        self.dispatch()
        self.pool.removeAll()
    }

    private func handle(fd: Int32, bits: Int32) {
        if fd == self.driver.wakeReadFD {
            var sink = [UInt8](repeating: 0, count: 64)
            while read(fd, &sink, sink.count) > 0 {}
            return
        }
        var flags: Int32 = 0
        if bits & Int32(JWTGATE_EPOLL_IN) != 0 { flags |= CURL_CSELECT_IN }
        if bits & Int32(JWTGATE_EPOLL_OUT) != 0 { flags |= CURL_CSELECT_OUT }
        if bits & Int32(JWTGATE_EPOLL_ERR) != 0 { flags |= CURL_CSELECT_ERR }
        _ = curl_multi_socket_action(self.multi, fd, flags, &self.stillRunning)
    }

    /// libcurl's socket callback: start, change or stop watching `socket`.
    fileprivate func watch(_ socket: curl_socket_t, what: Int32, registered: Bool) {
        if what == CURL_POLL_REMOVE {
            _ = jwtgate_epoll_control(self.epoll, 2, socket, 0)
            _ = curl_multi_assign(self.multi, socket, nil)
            return
        }
        var interest: Int32 = 0
        if what & CURL_POLL_IN != 0 { interest |= Int32(JWTGATE_EPOLL_IN) }
        if what & CURL_POLL_OUT != 0 { interest |= Int32(JWTGATE_EPOLL_OUT) }
        if registered {
            _ = jwtgate_epoll_control(self.epoll, 1, socket, interest)
        } else if jwtgate_epoll_control(self.epoll, 0, socket, interest) == 0 {
            // A non-nil socket pointer marks "already in the epoll set" for the next callback.
            _ = curl_multi_assign(self.multi, socket, UnsafeMutableRawPointer(bitPattern: 1))
        }
    }

    /// libcurl's timer callback: call `CURL_SOCKET_TIMEOUT` after `milliseconds` (-1: cancel).
    fileprivate func setTimer(milliseconds: Int) {
        self.curlTimerDue = milliseconds < 0 ? nil : Self.now() &+ UInt64(milliseconds) &* 1_000_000
    }

    // MARK: Commands

    private func apply(_ command: CurlMultiDriver.Command, running: Bool) {
        switch command {
        case .start(let transfer):
            guard running else {
                transfer.outcome = .failed(.shutdown)
                self.markDirty(transfer)
                return
            }
            self.begin(transfer)
        case .pause(let transfer):
            guard let easy = transfer.easy, !transfer.isPaused else { return }
            transfer.isPaused = true
            transfer.pausedAt = Self.now()
            _ = curl_easy_pause(easy.raw, jwtgate_curl_pause_recv())
        case .resume(let transfer):
            guard let easy = transfer.easy, transfer.isPaused else { return }
            transfer.isPaused = false
            transfer.deadline &+= Self.now() &- transfer.pausedAt
            self.earliestDeadline = min(self.earliestDeadline, transfer.deadline)
            // May call the write callback right away with data libcurl held back.
            _ = curl_easy_pause(easy.raw, jwtgate_curl_pause_cont())
        case .cancel(let transfer):
            guard transfer.easy != nil else { return }
            self.end(transfer)
            transfer.body = ByteBuffer()
        }
    }

    private func begin(_ transfer: CurlTransfer) {
        guard let easy = self.pool.popLast() ?? CurlEasyHandle() else {
            transfer.outcome = .failed(.resetOrProtocol)
            self.markDirty(transfer)
            return
        }
        transfer.loop = self
        transfer.easy = easy
        if let error = easy.prepare(for: transfer) {
            self.release(transfer)
            transfer.outcome = .failed(error)
            self.markDirty(transfer)
            return
        }
        let code = curl_multi_add_handle(self.multi, easy.raw)
        guard code == CURLM_OK else {
            self.release(transfer)
            transfer.outcome = .failed(.resetOrProtocol)
            self.markDirty(transfer)
            return
        }
        let timeout = transfer.request.timeout.components
        let nanos = UInt64(max(0, timeout.seconds)) &* 1_000_000_000 &+ UInt64(max(0, timeout.attoseconds / 1_000_000_000))
        transfer.deadline = Self.now() &+ nanos
        self.earliestDeadline = min(self.earliestDeadline, transfer.deadline)
        self.active[ObjectIdentifier(transfer)] = transfer
    }

    // MARK: Completion

    private func collectFinished() {
        var left: Int32 = 0
        while let message = curl_multi_info_read(self.multi, &left) {
            guard message.pointee.msg == CURLMSG_DONE, let raw = message.pointee.easy_handle,
                  let transfer = CurlEasyHandle.transfer(of: raw)
            else { continue }
            let code = message.pointee.data.result
            if code == CURLE_OK {
                transfer.outcome = transfer.parser.isComplete ? .end : .failed(.resetOrProtocol)
            } else {
                transfer.outcome = .failed(CurlEasyHandle.error(for: code))
            }
            self.end(transfer)
            self.markDirty(transfer)
        }
    }

    /// Fails transfers whose time is up. Paused ones wait: their clock is stopped.
    private func expire(now: UInt64) {
        var earliest = UInt64.max
        var expired: [CurlTransfer] = []
        for transfer in self.active.values where !transfer.isPaused {
            if transfer.deadline <= now {
                expired.append(transfer)
            } else {
                earliest = min(earliest, transfer.deadline)
            }
        }
        self.earliestDeadline = earliest
        for transfer in expired {
            transfer.outcome = .failed(.timedOut)
            self.end(transfer)
            self.markDirty(transfer)
        }
    }

    private func failAll(with error: UpstreamError) {
        for transfer in Array(self.active.values) {
            transfer.outcome = .failed(error)
            self.end(transfer)
            self.markDirty(transfer)
        }
    }

    /// Takes the transfer out of the multi handle and gives its easy handle back to the pool.
    private func end(_ transfer: CurlTransfer) {
        guard let easy = transfer.easy else { return }
        _ = curl_multi_remove_handle(self.multi, easy.raw)
        self.active[ObjectIdentifier(transfer)] = nil
        self.release(transfer)
    }

    private func release(_ transfer: CurlTransfer) {
        guard let easy = transfer.easy else { return }
        easy.recycle()
        if self.pool.count < self.poolLimit { self.pool.append(easy) }
        transfer.easy = nil
        transfer.bodyStorage?.release()
        transfer.bodyStorage = nil
    }

    // MARK: Delivery

    /// Called from the libcurl callbacks and the loop when a transfer has something new.
    func markDirty(_ transfer: CurlTransfer) {
        guard !transfer.isDirty else { return }
        transfer.isDirty = true
        self.dirty.append(transfer)
    }

    /// Moves what the transfer has ready into this turn's outgoing batch (keeps per-transfer order).
    func flush(_ transfer: CurlTransfer) {
        if let delivery = transfer.takeDelivery() { self.outgoing.append(delivery) }
    }

    private func dispatch() {
        for transfer in self.dirty {
            transfer.isDirty = false
            self.flush(transfer)
            if transfer.outcome != nil { transfer.loop = nil }
        }
        self.dirty.removeAll(keepingCapacity: true)
        guard !self.outgoing.isEmpty else { return }

        // One task per event loop per turn, in order.
        let all = self.outgoing
        self.outgoing.removeAll(keepingCapacity: false)
        let firstLoop = all[0].transfer.eventLoop
        if all.allSatisfy({ $0.transfer.eventLoop === firstLoop }) {
            Self.send(all, to: firstLoop)
            return
        }
        var remaining = all
        while let first = remaining.first {
            let loop = first.transfer.eventLoop
            Self.send(remaining.filter { $0.transfer.eventLoop === loop }, to: loop)
            remaining.removeAll { $0.transfer.eventLoop === loop }
        }
    }

    private static func send(_ batch: [Delivery], to loop: any EventLoop) {
        if batch.count == 1 {
            let single = batch[0]
            loop.execute { single.run() }
        } else {
            loop.execute { for delivery in batch { delivery.run() } }
        }
    }

    // MARK: Time

    private func waitTimeout(now: UInt64) -> Int32 {
        let wakeAt = min(self.earliestDeadline, self.curlTimerDue ?? .max)
        guard wakeAt != .max else { return 1000 }
        if wakeAt <= now { return 0 }
        let millis = (wakeAt - now + 999_999) / 1_000_000
        return Int32(min(millis, 1000))
    }

    static func now() -> UInt64 { NIODeadline.now().uptimeNanoseconds }
}

@available(*, unavailable)
extension CurlDriverLoop: Sendable {}

private let curlSocketCallback: jwtgate_curl_socket_callback = { _, socket, what, userData, socketData in
    guard let userData else { return -1 }
    Unmanaged<CurlDriverLoop>.fromOpaque(userData).takeUnretainedValue()
        .watch(socket, what: what, registered: socketData != nil)
    return 0
}

private let curlTimerCallback: jwtgate_curl_timer_callback = { _, milliseconds, userData in
    guard let userData else { return -1 }
    Unmanaged<CurlDriverLoop>.fromOpaque(userData).takeUnretainedValue().setTimer(milliseconds: milliseconds)
    return 0
}
