import CJWTGateCurl
import CJWTGateCurlShims
import NIOCore

/// The driver thread's loop. It owns the multi handle and every easy handle, and runs on that one
/// thread from start to shutdown; other threads reach it only through `CurlMultiDriver`'s queue.
///
/// One turn: apply queued commands (start, pause, resume, cancel) → `curl_multi_perform` (libcurl
/// runs the header and write callbacks, which fill the transfers) → collect finished transfers →
/// fail expired ones → hand everything new to the event loops, one `execute` per loop per turn →
/// `curl_multi_poll` until a socket is ready, a timer is due, or `curl_multi_wakeup`.
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

    init(multi: UnsafeMutableRawPointer, driver: CurlMultiDriver) {
        self.multi = multi
        self.driver = driver
        self.poolLimit = max(16, min(driver.maxTotalConnections, 1024))
    }

    func run() {
        while true {
            let running = self.driver.drain(into: &self.commands)
            for command in self.commands { self.apply(command, running: running) }
            guard running else { break }

            var stillRunning: Int32 = 0
            _ = curl_multi_perform(self.multi, &stillRunning)
            self.collectFinished()
            let now = Self.now()
            if now >= self.earliestDeadline { self.expire(now: now) }
            self.dispatch()

            if self.driver.prepareToSleep() {
                _ = curl_multi_poll(self.multi, nil, 0, self.pollTimeout(now: now), nil)
                self.driver.awake()
            }
        }
        self.failAll(with: .shutdown)
        self.dispatch()
        self.pool.removeAll()
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

    private func pollTimeout(now: UInt64) -> Int32 {
        guard self.earliestDeadline != .max else { return 1000 }
        if self.earliestDeadline <= now { return 0 }
        let millis = (self.earliestDeadline - now + 999_999) / 1_000_000
        return Int32(min(millis, 1000))
    }

    static func now() -> UInt64 { NIODeadline.now().uptimeNanoseconds }
}

@available(*, unavailable)
extension CurlDriverLoop: Sendable {}
