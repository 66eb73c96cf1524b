import CJWTGateCurl

/// One forwarded request on a loop, and the caller's grip on it: stream the request body in
/// (`writeBody`, `finishBody`), release back-pressure on the answer (`resumeAnswer`), or `cancel`.
/// Its state is touched by the libcurl callbacks (`LoopEasyHandle`) and by `LoopCurlMulti`, all on the
/// same loop thread.
///
/// Not thread-safe: its loop's thread only.
final class LoopUpstreamTransfer {
    enum Phase {
        case running
        case finished
        case cancelled
    }

    unowned let multi: LoopCurlMulti
    let request: LoopUpstreamRequest
    private(set) var delegate: (any LoopUpstreamDelegate)?
    var phase = Phase.running
    var easy: LoopEasyHandle?
    var parser = ResponseHeaderParser()
    var headDelivered = false
    /// The deadline timer (first byte, then total).
    var timer: LoopTimerID?
    let startedAt: LoopInstant
    var firstByteDeadline: LoopInstant?
    /// Set when a callback decided the outcome (framing, cancelled) before libcurl reports the end.
    var failure: UpstreamError?

    // Request body.
    var body: RequestBodyRing
    var bodyFinished: Bool
    var bodyBytesSent = 0
    /// The read callback returned CURL_READFUNC_PAUSE: unpause when bytes arrive or the body ends.
    var sendPaused = false
    /// `writeBody` took less than offered: tell the delegate when space frees up.
    var producerBlocked = false
    var spaceNoticePending = false
    /// The delegate refused body bytes (CURL_WRITEFUNC_PAUSE): unpause on `resumeAnswer`.
    var receivePaused = false
    /// A curl_easy_pause is owed (it could not be called inside a libcurl callback).
    var pauseUpdatePending = false
    /// Bytes of answer body handed to the delegate (for tests and logs).
    private(set) var answerBytes = 0

    init(multi: LoopCurlMulti, request: LoopUpstreamRequest, delegate: any LoopUpstreamDelegate, bodyBufferSize: Int, now: LoopInstant) {
        self.multi = multi
        self.request = request
        self.delegate = delegate
        self.startedAt = now
        self.body = RequestBodyRing(capacity: request.body == .none ? 1 : bodyBufferSize)
        self.bodyFinished = request.body == .none || request.body == .length(0)
    }

    // MARK: Caller

    /// Queues request body bytes; returns how many fit (the rest: wait for `upstreamRequestBodySpace`).
    @discardableResult
    func writeBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard self.phase == .running, !self.bodyFinished else { return 0 }
        let taken = self.body.write(bytes)
        if taken < bytes.count { self.producerBlocked = true }
        if taken > 0 && self.sendPaused { self.multi.unpauseSend(self) }
        return taken
    }

    /// No more body bytes will come (with `.length(n)`, after exactly n bytes).
    func finishBody() {
        guard self.phase == .running, !self.bodyFinished else { return }
        self.bodyFinished = true
        self.multi.armFirstByteDeadline(self)
        if self.sendPaused { self.multi.unpauseSend(self) }
    }

    /// After `upstreamBody` returned false: the client's buffer has room again; the refused bytes come first.
    func resumeAnswer() {
        guard self.phase == .running, self.receivePaused else { return }
        self.receivePaused = false
        self.multi.updatePause(self)
    }

    /// The client went away: the transfer leaves libcurl now (its connection is closed unless libcurl
    /// can still reuse it) and the delegate hears nothing more.
    func cancel() {
        guard self.phase == .running else { return }
        self.phase = .cancelled
        self.delegate = nil
        self.multi.cancel(self)
    }

    var isPaused: Bool { self.receivePaused }

    // MARK: libcurl callbacks (inside libcurl, on the loop thread)

    /// CURLOPT_HEADERFUNCTION. Returns false to abort the transfer.
    func headerLine(_ line: UnsafeRawBufferPointer) -> Bool {
        guard self.phase == .running else { return false }
        guard case .headComplete = self.parser.consume(line) else { return true }
        if self.parser.hasFramingConflict {
            self.failure = .invalidFraming
            return false
        }
        self.headDelivered = true
        self.multi.headArrived(self)
        self.delegate?.upstreamHead(status: self.parser.status, headers: self.parser.headers)
        return self.phase == .running
    }

    /// CURLOPT_WRITEFUNCTION: the number of bytes taken, 0 to abort, CURL_WRITEFUNC_PAUSE to pause.
    func bodyBytes(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard self.phase == .running, let delegate = self.delegate else { return 0 }
        if delegate.upstreamBody(bytes) {
            self.answerBytes += bytes.count
            return self.phase == .running ? bytes.count : 0
        }
        guard self.phase == .running else { return 0 }
        self.receivePaused = true
        return Int(CURL_WRITEFUNC_PAUSE)
    }

    /// CURLOPT_READFUNCTION: bytes copied, 0 at the end, CURL_READFUNC_PAUSE when empty, ABORT when cancelled.
    func readBody(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard self.phase == .running else { return Int(CURL_READFUNC_ABORT) }
        let count = self.body.read(into: buffer)
        if count > 0 {
            self.bodyBytesSent += count
            if self.producerBlocked { self.multi.noticeBodySpace(self) }
            return count
        }
        if self.bodyFinished { return 0 }
        self.sendPaused = true
        return Int(CURL_READFUNC_PAUSE)
    }

    // MARK: Outcome (LoopCurlMulti)

    /// Delivers the end or the failure, once; drops the delegate.
    func finish(_ outcome: UpstreamError?) {
        guard self.phase == .running else { return }
        self.phase = .finished
        let delegate = self.delegate
        self.delegate = nil
        if let outcome {
            delegate?.upstreamFailed(outcome)
        } else {
            delegate?.upstreamEnd()
        }
    }

    /// Tells the delegate the body buffer has room (a later turn than the read that freed it).
    func deliverBodySpace() {
        self.spaceNoticePending = false
        guard self.phase == .running, self.producerBlocked, self.body.freeSpace > 0 else { return }
        self.producerBlocked = false
        self.delegate?.upstreamRequestBodySpace()
    }
}

@available(*, unavailable)
extension LoopUpstreamTransfer: Sendable {}
