import CJWTGateCurl
import CJWTGateCurlShims

#if canImport(Glibc)
import Glibc
#endif

/// A libcurl multi handle driven by one `IOLoop`, on that loop's thread: its sockets sit in the loop's
/// epoll beside the client connections, its timer is one loop timer, and answers stream straight into
/// the transfer's delegate (the client connection) — no thread hop (docs/event-loop.md).
///
/// - **Lazy socket registration** (the measured "-lazy" pattern): a socket libcurl opened
///   (CURLOPT_OPENSOCKETFUNCTION) stays in the epoll set across `CURL_POLL_REMOVE`, so a keep-alive
///   connection reused for the next request costs no `epoll_ctl`. It leaves the set when libcurl closes
///   it (CURLOPT_CLOSESOCKETFUNCTION: forgotten, no syscall) or when it fires while libcurl does not watch
///   it (an idle connection the upstream closed, or a paused transfer's socket: one `epoll_ctl(DEL)`).
///   Sockets libcurl did not open through us (its resolver's socketpair) are added and removed eagerly.
/// - **Timer**: CURLMOPT_TIMERFUNCTION moves one loop timer; when it fires, `CURL_SOCKET_TIMEOUT`.
/// - After every libcurl call: finished transfers (`curl_multi_info_read`) get their end or failure, then
///   the work callbacks deferred (pause changes, cancellations) runs — libcurl forbids re-entering it
///   from its own callbacks.
/// - Deadlines per transfer: connect (libcurl), first byte and total (one loop timer each transfer).
///
/// Not thread-safe: its loop's thread only.
final class LoopCurlMulti: IOLoopHandler, IOLoopAttachment {
    struct Configuration: Sendable {
        /// Open connections per upstream host:port; further transfers queue inside libcurl.
        var maxConnectionsPerHost: Int
        /// Open connections overall, and the keep-alive pool's size (CURLMOPT_MAXCONNECTS).
        var maxTotalConnections: Int
        /// Capacity of each transfer's request body buffer.
        var requestBodyBufferSize: Int
        /// Idle easy handles kept for reuse.
        var handlePoolLimit: Int

        init(maxConnectionsPerHost: Int = 256, maxTotalConnections: Int = 1024, requestBodyBufferSize: Int = 64 * 1024, handlePoolLimit: Int = 256) {
            self.maxConnectionsPerHost = maxConnectionsPerHost
            self.maxTotalConnections = maxTotalConnections
            self.requestBodyBufferSize = requestBodyBufferSize
            self.handlePoolLimit = handlePoolLimit
        }
    }

    private static let openedByCurl: UInt8 = 0x80
    private static let wantIn: UInt8 = 1
    private static let wantOut: UInt8 = 2

    let loop: IOLoop
    let configuration: Configuration
    private var multi: UnsafeMutableRawPointer?
    /// `close()` began: transfers a delegate starts from its failure callback fail with `.shutdown`.
    private var closing = false
    private var pool: [LoopEasyHandle] = []
    private var active: Set<ObjectIdentifier> = []
    private var running: [ObjectIdentifier: LoopUpstreamTransfer] = [:]
    /// Per fd: `openedByCurl` | what libcurl last asked to watch (`wantIn`, `wantOut`).
    private var sockets: [UInt8] = []
    private var curlTimer: LoopTimerID?
    private var curlTimerAction: (() -> Void)?
    /// >0 while inside a libcurl call: work that would re-enter libcurl is deferred.
    private var depth = 0
    private var pendingRemovals: [LoopUpstreamTransfer] = []
    private var pendingPauses: [LoopUpstreamTransfer] = []
    private var stillRunning: Int32 = 0

    /// Counters for tests and metrics.
    private(set) var socketsRegistered = 0
    private(set) var epollChanges = 0
    /// Watch requests for descriptors libcurl did not open through us (its resolver's socketpair).
    private(set) var foreignWatches = 0

    init(loop: IOLoop, configuration: Configuration = Configuration()) throws(UpstreamClientError) {
        try CurlGlobal.ensureInitialised()
        guard let multi = curl_multi_init() else { throw UpstreamClientError(message: "curl_multi_init failed") }
        self.loop = loop
        self.configuration = configuration
        self.multi = multi
        // Sized explicitly: libcurl's default pool (4x the handles added) shrinks with the load and closes keep-alives.
        _ = jwtgate_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, configuration.maxTotalConnections)
        _ = jwtgate_curl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, configuration.maxConnectionsPerHost)
        _ = jwtgate_curl_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, configuration.maxTotalConnections)
        let me = Unmanaged.passUnretained(self).toOpaque()
        _ = jwtgate_curl_multi_setopt_socket_callback(multi, loopSocketCallback)
        _ = jwtgate_curl_multi_setopt_pointer(multi, CURLMOPT_SOCKETDATA, me)
        _ = jwtgate_curl_multi_setopt_timer_callback(multi, loopTimerCallback)
        _ = jwtgate_curl_multi_setopt_pointer(multi, CURLMOPT_TIMERDATA, me)
        self.curlTimerAction = { [unowned self] in self.curlTimerFired() }
        loop.attach(self)
    }

    /// Transfers in flight, and idle easy handles in the pool (for tests).
    var activeTransfers: Int { self.running.count }
    var idleHandles: Int { self.pool.count }

    // MARK: Starting

    /// Starts forwarding `request`. The delegate hears from it on this loop, never from inside this
    /// call: a request that cannot start fails on the next turn.
    func start(_ request: LoopUpstreamRequest, delegate: any LoopUpstreamDelegate) -> LoopUpstreamTransfer {
        let transfer = LoopUpstreamTransfer(
            multi: self, request: request, delegate: delegate,
            bodyBufferSize: self.configuration.requestBodyBufferSize, now: self.loop.now)
        if self.depth > 0 {
            // Inside a libcurl callback (a delegate starting its next request): add it after libcurl returns.
            self.loop.runSoon { [self] in self.begin(transfer) }
        } else {
            self.begin(transfer)
        }
        return transfer
    }

    private func begin(_ transfer: LoopUpstreamTransfer) {
        guard transfer.phase == .running else { return }
        guard let multi = self.multi, !self.closing else { return self.failSoon(transfer, .shutdown) }
        guard let easy = self.pool.popLast() ?? LoopEasyHandle(multi: self) else { return self.failSoon(transfer, .resetOrProtocol) }
        transfer.easy = easy
        if let error = easy.prepare(for: transfer) {
            self.release(transfer)
            return self.failSoon(transfer, error)
        }
        self.running[ObjectIdentifier(transfer)] = transfer
        self.depth += 1
        let code = curl_multi_add_handle(multi, easy.raw)
        self.depth -= 1
        guard code == CURLM_OK else {
            self.running[ObjectIdentifier(transfer)] = nil
            self.release(transfer)
            return self.failSoon(transfer, .resetOrProtocol)
        }
        if transfer.bodyFinished { transfer.firstByteDeadline = transfer.startedAt.advanced(by: transfer.request.firstByteTimeout) }
        self.rescheduleDeadline(transfer)
        self.afterCurl()
    }

    private func failSoon(_ transfer: LoopUpstreamTransfer, _ error: UpstreamError) {
        self.loop.runSoon { transfer.finish(error) }
    }

    // MARK: Deadlines

    /// The request body is complete: the first-byte clock starts now.
    func armFirstByteDeadline(_ transfer: LoopUpstreamTransfer) {
        guard transfer.easy != nil, !transfer.headDelivered, transfer.firstByteDeadline == nil else { return }
        transfer.firstByteDeadline = self.loop.now.advanced(by: transfer.request.firstByteTimeout)
        self.rescheduleDeadline(transfer)
    }

    /// The head arrived: only the total deadline is left.
    func headArrived(_ transfer: LoopUpstreamTransfer) {
        transfer.firstByteDeadline = nil
        self.rescheduleDeadline(transfer)
    }

    private func rescheduleDeadline(_ transfer: LoopUpstreamTransfer) {
        if let timer = transfer.timer { self.loop.cancel(timer) }
        var deadline = transfer.startedAt.advanced(by: transfer.request.totalTimeout)
        if let firstByte = transfer.firstByteDeadline, firstByte < deadline { deadline = firstByte }
        transfer.timer = self.loop.schedule(at: deadline) { [unowned self, unowned transfer] in
            transfer.timer = nil
            guard transfer.phase == .running, transfer.easy != nil else { return }
            self.complete(transfer, with: .timedOut)
        }
    }

    // MARK: Flow control (from LoopUpstreamTransfer)

    func unpauseSend(_ transfer: LoopUpstreamTransfer) {
        transfer.sendPaused = false
        self.updatePause(transfer)
    }

    /// Applies the transfer's pause bits with curl_easy_pause (deferred while inside libcurl).
    func updatePause(_ transfer: LoopUpstreamTransfer) {
        guard transfer.easy != nil else { return }
        if self.depth > 0 {
            if !transfer.pauseUpdatePending {
                transfer.pauseUpdatePending = true
                self.pendingPauses.append(transfer)
            }
            return
        }
        self.applyPause(transfer)
        self.afterCurl()
    }

    private func applyPause(_ transfer: LoopUpstreamTransfer) {
        transfer.pauseUpdatePending = false
        guard let easy = transfer.easy, transfer.phase == .running else { return }
        self.depth += 1
        // Unpausing may call the write callback at once with the bytes the delegate refused.
        _ = curl_easy_pause(easy.raw, jwtgate_curl_pause_bits(transfer.receivePaused ? 1 : 0, transfer.sendPaused ? 1 : 0))
        self.depth -= 1
    }

    func noticeBodySpace(_ transfer: LoopUpstreamTransfer) {
        guard !transfer.spaceNoticePending else { return }
        transfer.spaceNoticePending = true
        self.loop.runSoon { transfer.deliverBodySpace() }
    }

    func cancel(_ transfer: LoopUpstreamTransfer) {
        guard transfer.easy != nil else { return }
        if self.depth > 0 {
            self.pendingRemovals.append(transfer)
            return
        }
        self.remove(transfer)
        self.afterCurl()
    }

    // MARK: Driving libcurl

    func ioReady(fd: Int32, events: IOEvents) {
        let index = Int(fd)
        let want = index < self.sockets.count ? self.sockets[index] & (Self.wantIn | Self.wantOut) : 0
        if want == 0 {
            // libcurl does not watch it (idle keep-alive the upstream closed, or a paused transfer):
            // stop the level-triggered reports until libcurl asks again.
            self.loop.deregister(fd)
            self.epollChanges += 1
            return
        }
        var flags: Int32 = 0
        if !events.isDisjoint(with: [.readable, .hangup]) { flags |= CURL_CSELECT_IN }
        if events.contains(.writable) { flags |= CURL_CSELECT_OUT }
        if events.contains(.error) { flags |= CURL_CSELECT_ERR }
        self.socketAction(fd, flags)
    }

    private func curlTimerFired() {
        self.curlTimer = nil
        self.socketAction(jwtgate_curl_socket_timeout(), 0)
    }

    private func socketAction(_ fd: curl_socket_t, _ flags: Int32) {
        guard let multi = self.multi else { return }
        self.depth += 1
        _ = curl_multi_socket_action(multi, fd, flags, &self.stillRunning)
        self.depth -= 1
        self.afterCurl()
    }

    /// Collects finished transfers, then runs what callbacks deferred, until nothing is left.
    private func afterCurl() {
        guard self.depth == 0, let multi = self.multi else { return }
        while true {
            var left: Int32 = 0
            while let message = curl_multi_info_read(multi, &left) {
                guard message.pointee.msg == CURLMSG_DONE, let raw = message.pointee.easy_handle,
                      let transfer = LoopEasyHandle.transfer(of: raw) else { continue }
                let code = message.pointee.data.result
                var outcome: UpstreamError?
                if let failure = transfer.failure {
                    outcome = failure
                } else if code == CURLE_OK {
                    outcome = transfer.parser.isComplete ? nil : .resetOrProtocol
                } else {
                    outcome = CurlEasyHandle.error(for: code)
                }
                self.complete(transfer, with: outcome)
            }
            if self.pendingRemovals.isEmpty && self.pendingPauses.isEmpty { return }
            let removals = self.pendingRemovals
            self.pendingRemovals.removeAll(keepingCapacity: true)
            for transfer in removals { self.remove(transfer) }
            let pauses = self.pendingPauses
            self.pendingPauses.removeAll(keepingCapacity: true)
            for transfer in pauses { self.applyPause(transfer) }
        }
    }

    /// Ends a transfer libcurl finished (or a deadline expired): out of the multi, then the delegate hears.
    private func complete(_ transfer: LoopUpstreamTransfer, with outcome: UpstreamError?) {
        self.remove(transfer)
        transfer.finish(outcome)
    }

    /// Takes the transfer out of libcurl and gives its easy handle back (libcurl keeps the connection
    /// only if the exchange was complete).
    private func remove(_ transfer: LoopUpstreamTransfer) {
        guard let easy = transfer.easy else { return }
        if let timer = transfer.timer {
            self.loop.cancel(timer)
            transfer.timer = nil
        }
        if let multi = self.multi {
            self.depth += 1
            _ = curl_multi_remove_handle(multi, easy.raw)
            self.depth -= 1
        }
        self.running[ObjectIdentifier(transfer)] = nil
        self.release(transfer)
    }

    private func release(_ transfer: LoopUpstreamTransfer) {
        guard let easy = transfer.easy else { return }
        transfer.easy = nil
        easy.recycle()
        if self.pool.count < self.configuration.handlePoolLimit { self.pool.append(easy) }
    }

    // MARK: libcurl's socket and timer callbacks

    fileprivate func watch(_ fd: curl_socket_t, what: Int32) {
        let index = Int(fd)
        guard index >= 0 else { return }
        if index >= self.sockets.count { self.sockets.append(contentsOf: repeatElement(0, count: max(64, index + 1 - self.sockets.count))) }
        let opened = self.sockets[index] & Self.openedByCurl
        if what == CURL_POLL_REMOVE {
            self.sockets[index] = opened
            if opened == 0 && self.loop.isRegistered(fd, to: self) {
                self.loop.deregister(fd)
                self.epollChanges += 1
            }
            return
        }
        var want: UInt8 = 0
        var interest: IOInterest = []
        if what & CURL_POLL_IN != 0 {
            want |= Self.wantIn
            interest.insert(.readable)
        }
        if what & CURL_POLL_OUT != 0 {
            want |= Self.wantOut
            interest.insert(.writable)
        }
        self.sockets[index] = opened | want
        if opened == 0 { self.foreignWatches += 1 }
        do {
            if self.loop.isRegistered(fd, to: self) {
                if self.loop.interest(of: fd) != interest {
                    try self.loop.setInterest(fd, interest)
                    self.epollChanges += 1
                }
            } else {
                try self.loop.register(fd, interest: interest, handler: self)
                self.socketsRegistered += 1
                self.epollChanges += 1
            }
        } catch {
            // Cannot watch it: libcurl's own timeouts end the transfer.
        }
    }

    fileprivate func setTimer(milliseconds: Int) {
        if let timer = self.curlTimer {
            self.loop.cancel(timer)
            self.curlTimer = nil
        }
        guard milliseconds >= 0, let action = self.curlTimerAction else { return }
        self.curlTimer = self.loop.schedule(after: .milliseconds(milliseconds), action)
    }

    /// CURLOPT_OPENSOCKETFUNCTION opened `fd` for libcurl: it may stay registered lazily.
    func socketOpened(_ fd: curl_socket_t) {
        let index = Int(fd)
        if index >= self.sockets.count { self.sockets.append(contentsOf: repeatElement(0, count: max(64, index + 1 - self.sockets.count))) }
        self.sockets[index] = Self.openedByCurl
        // A new socket is in no epoll set. An entry for this number is stale: the resolver's socketpair,
        // which libcurl closes without the close callback, often had it a moment ago.
        if self.loop.isRegistered(fd, to: self) { self.loop.forget(fd) }
    }

    /// CURLOPT_CLOSESOCKETFUNCTION: forget `fd` (closing removes it from epoll), then close it.
    func closeSocket(_ fd: curl_socket_t) -> Int32 {
        let index = Int(fd)
        if index >= 0 && index < self.sockets.count { self.sockets[index] = 0 }
        if self.loop.isRegistered(fd, to: self) { self.loop.forget(fd) }
        return Glibc.close(fd)
    }

    // MARK: Shutdown

    /// Fails every transfer with `UpstreamError.shutdown`, closes every connection and frees libcurl's handles.
    func close() {
        guard let multi = self.multi, !self.closing else { return }
        self.closing = true
        for transfer in Array(self.running.values) { self.complete(transfer, with: .shutdown) }
        if let timer = self.curlTimer { self.loop.cancel(timer) }
        self.curlTimer = nil
        self.depth += 1
        curl_multi_cleanup(multi)  // closes the cached connections through closeSocket
        self.depth -= 1
        self.multi = nil
        self.pool.removeAll()
        self.curlTimerAction = nil
        self.loop.detach(self)
    }

    func loopWillStop(_ loop: IOLoop) { self.close() }
}

@available(*, unavailable)
extension LoopCurlMulti: Sendable {}

private let loopSocketCallback: jwtgate_curl_socket_callback = { _, socket, what, userData, _ in
    guard let userData else { return -1 }
    Unmanaged<LoopCurlMulti>.fromOpaque(userData).takeUnretainedValue().watch(socket, what: what)
    return 0
}

private let loopTimerCallback: jwtgate_curl_timer_callback = { _, milliseconds, userData in
    guard let userData else { return -1 }
    Unmanaged<LoopCurlMulti>.fromOpaque(userData).takeUnretainedValue().setTimer(milliseconds: milliseconds)
    return 0
}
