import JWTGateCore

/// One client connection on the loop plane: nginx's phases as a state machine, on the `IOLoop` that
/// accepted it, forwarding through that loop's `LoopCurlMulti` — a request never leaves the thread
/// except for blocking work (password checks, SQL lookups) on the shared pool.
///
/// ```
/// head ──(parse refusal / 408 / 431)──────────────────────────────▶ lingering ─▶ closed
///   │ head complete
///   ├─ token view with a body ─▶ tokenBody (into memory, bounded) ─┐
///   ▼                                                              ▼
/// decide (pipeline: route, method, credentials) ── blocking work ─▶ deciding ─┐
///   │ answer: written at once; an unread body → Connection: close ─▶ lingering │
///   │ forward                                                                  │
///   ▼                                                                          ▼
/// exchange: body → LoopUpstreamTransfer (back-pressure), answer → send buffer (pauses the transfer)
///   │ answer complete and sent
///   └─ keep-alive ─▶ head (next pipelined request, one at a time)   or   lingering ─▶ closed
/// ```
///
/// Timeouts, one loop timer re-checked lazily: `header_timeout` from a head's first byte (408),
/// `idle_timeout` between requests, `body_timeout` between body reads, `send_timeout` between writes
/// while answer bytes wait (the transfer is cancelled, the connection closed). See docs/client-connection.md.
///
/// Not thread-safe: its loop's thread only.
final class LoopClientConnection: IOLoopHandler {
    enum Phase: Equatable {
        /// Waiting for or reading a request head (keep-alive idle when no byte of it has arrived).
        case head
        /// A token view's small body, read into memory before the pipeline decides.
        case tokenBody
        /// The pipeline's blocking work runs on the pool; the result comes back through `execute`.
        case deciding
        /// The request was decided: its body streams upstream, the answer streams back.
        case exchange
        /// The last answer is queued; after it is sent the write side closes and what the client still
        /// sends is read and dropped (bounded), so the answer is not lost to a reset.
        case lingering
        case closed
    }

    let context: LoopServerContext
    var loop: IOLoop { context.loop }
    var pipeline: RequestPipeline { context.pipeline }
    let transport: any ClientTransport
    let limit: ConnectionLimit
    let peer: (bytes: [UInt8], text: String)
    /// TLS or not, and the verified client certificate's subject.
    let security: ConnectionSecurity
    /// A read is scheduled for input the transport holds (TLS) that epoll will not report.
    var bufferedReadScheduled = false

    var phase = Phase.head
    var parser: HTTPRequestParser
    var settings: ConnectionSettings

    // Input: bytes read and not yet consumed are input[inputStart...].
    var input: [UInt8] = []
    var inputStart = 0
    var send: ClientSendBuffer

    // The request in progress.
    var head: RequestHead?
    var startedAt: UInt64 = 0
    var body = RequestBodyReader(framing: .none, limits: HTTPParseLimits(), maxBodyBytes: 0)
    var bodyBlocked = false
    var tokenBody: [UInt8] = []
    /// A copy of a small body that arrived whole with its head, for a retry on another upstream.
    var retryBody: [UInt8]?
    var keepAlive = true
    /// The request itself asked for the close (HTTP/1.0 without keep-alive, or `Connection: close`).
    var clientAskedToClose = false
    var transfer: LoopUpstreamTransfer?
    /// The `max_transfers_per_client` slot `transfer` holds (kept across a retry on the next upstream);
    /// given back through `pipeline.releaseTransferSlot` wherever the transfer ends.
    var transferSlot: ClientAddressKey?
    var plan: ForwardPlan?
    /// Monotonic time the current upstream transfer was handed to libcurl (`jwtgate_upstream_response_seconds`).
    var upstreamStartedAt: UInt64 = 0
    var answer = AnswerStream()
    var requestsServed = 0

    // Timing.
    var headStartedAt: LoopInstant?
    var idleSince: LoopInstant
    var lastReadAt: LoopInstant
    var lastWriteAt: LoopInstant
    var lingerStartedAt: LoopInstant?
    var lingerBudget = 0
    var writeShut = false
    var timer: LoopTimerID?
    var timerAt: LoopInstant?

    // Re-entrancy: transfer calls can call back into the delegate methods, which call `process()`.
    var processing = false
    var processAgain = false

    init(transport: any ClientTransport, peer: PeerAddress.Value, context: LoopServerContext, limit: ConnectionLimit,
         security: ConnectionSecurity = .plain) {
        self.transport = transport
        self.security = security
        self.limit = limit
        self.context = context
        self.peer = peer
        self.settings = context.pipeline.runtime.connectionSettings
        self.parser = HTTPRequestParser(limits: settings.parseLimits)
        self.send = ClientSendBuffer(limit: ConnectionSettings.sendBufferLimit)
        let now = context.loop.now
        self.idleSince = now
        self.lastReadAt = now
        self.lastWriteAt = now
    }

    /// Registers the socket (or takes it over from the TLS handshake that polled it: `handedOver`); on
    /// failure the connection closes at once.
    func start(handedOver: Bool = false) {
        pipeline.state.openConnections.add(1, ordering: .relaxed)
        pipeline.metrics.openConnections.increment()
        do {
            if handedOver {
                try loop.handOver(transport.fd, to: self, interest: .readable)
            } else {
                try loop.register(transport.fd, interest: .readable, handler: self)
            }
        } catch {
            close()
            return
        }
        // A TLS client's first request may have come with its last handshake flight, already read by OpenSSL.
        if transport.hasBufferedInput { updateInterest() }
        ensureTimer()
    }

    var unconsumed: Int { input.count - inputStart }

    // MARK: Events

    func ioReady(fd: Int32, events: IOEvents) {
        guard phase != .closed else { return }
        if events.contains(.error) && !events.contains(.readable) {
            close()
            return
        }
        // A TLS transport may need the other direction: a read that must write, a write that must read.
        if events.contains(.writable) || (events.contains(.readable) && transport.writeNeedsReadable) { writable() }
        guard phase != .closed else { return }
        if events.contains(.readable) || events.contains(.hangup)
            || (events.contains(.writable) && transport.readNeedsWritable) { readable() }
    }

    private func readable() {
        if phase == .lingering {
            discardInput()
            return
        }
        guard wantsRead else { return }
        let scratch = context.scratch
        let room = min(scratch.count, ConnectionSettings.inputLimit(settings) - unconsumed)
        guard room > 0 else { return updateInterest() }
        switch transport.read(into: UnsafeMutableRawBufferPointer(rebasing: scratch[0..<room])) {
        case .bytes(let n):
            lastReadAt = loop.now
            if inputStart > 0 && inputStart == input.count {
                input.removeAll(keepingCapacity: true)
                inputStart = 0
            } else if inputStart > 0 && inputStart >= input.count / 2 {
                input.removeSubrange(0..<inputStart)
                inputStart = 0
            }
            if phase == .head && unconsumed == 0 { headStartedAt = loop.now }
            input.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[0..<n]))
            process()
        case .wouldBlock:
            return
        case .endOfStream, .failed:
            // A client that leaves mid-request (nginx's 499) or between requests: nothing more to say.
            close()
        }
    }

    private func writable() {
        guard flushSend() else { return }
        if answer.paused && send.count <= send.limit / 2, let transfer {
            answer.paused = false
            transfer.resumeAnswer()  // may deliver the refused bytes at once (upstreamBody)
            guard phase != .closed else { return }
        }
        process()
    }

    /// Reads and drops what a client sends after its last answer, up to a bound, then closes.
    private func discardInput() {
        let scratch = context.scratch
        while true {
            switch transport.read(into: scratch) {
            case .bytes(let n):
                lingerBudget -= n
                if lingerBudget <= 0 { return close() }
            case .wouldBlock: return
            case .endOfStream, .failed: return close()
            }
        }
    }

    /// Writes what is queued. False when the connection broke (and is now closed).
    @discardableResult
    func flushSend() -> Bool {
        guard !send.isEmpty else { return true }
        guard let result = send.flush(to: transport) else {
            close()
            return false
        }
        if result.wroteAny { lastWriteAt = loop.now }
        return true
    }

    // MARK: Driving

    /// Runs the state machine until it waits for something. Re-entrant calls (from a delegate callback
    /// inside a transfer call) only ask the running one for another pass.
    func process() {
        if processing {
            processAgain = true
            return
        }
        processing = true
        repeat {
            processAgain = false
            step()
        } while processAgain && phase != .closed
        processing = false
        guard phase != .closed else { return }
        updateInterest()
        ensureTimer()
    }

    private func step() {
        guard flushSend() else { return }
        switch phase {
        case .head: readHead()
        case .tokenBody: readTokenBody()
        case .deciding: break
        case .exchange: exchangeStep()
        case .lingering:
            if send.isEmpty && !writeShut {
                if mayCloseWithoutLingering { return close() }
                writeShut = true
                transport.shutdownWrite()
                discardInput()
            }
        case .closed: break
        }
    }

    /// Whether the socket should be read now.
    var wantsRead: Bool {
        switch phase {
        case .head, .tokenBody, .lingering: return unconsumed < ConnectionSettings.inputLimit(settings)
        case .deciding: return unconsumed < ConnectionSettings.inputLimit(settings)
        case .exchange:
            if !body.isFinished && transfer != nil { return !bodyBlocked && unconsumed == 0 }
            return unconsumed < ConnectionSettings.inputLimit(settings)
        case .closed: return false
        }
    }

    func updateInterest() {
        guard phase != .closed else { return }
        var interest: IOInterest = []
        let reading = wantsRead || phase == .lingering
        if reading { interest.insert(.readable) }
        if !send.isEmpty { interest.insert(.writable) }
        if reading && transport.readNeedsWritable { interest.insert(.writable) }
        if !send.isEmpty && transport.writeNeedsReadable { interest.insert(.readable) }
        try? loop.setInterest(transport.fd, interest)
        if reading && !bufferedReadScheduled && transport.hasBufferedInput {
            // The socket will not become readable for bytes OpenSSL already holds: read them next turn.
            bufferedReadScheduled = true
            _ = loop.schedule(after: .zero) { [weak self] in
                guard let self else { return }
                self.bufferedReadScheduled = false
                guard self.phase != .closed else { return }
                self.readable()
            }
        }
    }

    // MARK: Closing

    /// Queues `answer` (with `Connection: close`) and closes once it is sent.
    func answerAndClose(_ gatewayAnswer: GatewayAnswer, target: GatewayMetrics.Series? = nil) {
        keepAlive = false
        queueAnswer(gatewayAnswer, target: target ?? pipeline.metrics.unmatched)
        startLingering()
    }

    func startLingering() {
        if let transfer {
            self.transfer = nil
            transfer.cancel()
        }
        pipeline.releaseTransferSlot(&transferSlot)
        phase = .lingering
        lingerStartedAt = loop.now
        lingerBudget = ConnectionSettings.lingerBudget
        process()
    }

    /// Closes at once: the transfer (if any) is cancelled, the socket closed, the slot given back.
    func close() {
        guard phase != .closed else { return }
        phase = .closed
        if let timer { loop.cancel(timer) }
        timer = nil
        if let transfer {
            self.transfer = nil
            transfer.cancel()
        }
        pipeline.releaseTransferSlot(&transferSlot)
        loop.forget(transport.fd)
        transport.close()
        context.connectionClosed(self)
        limit.release()
        pipeline.state.openConnections.subtract(1, ordering: .relaxed)
        pipeline.metrics.openConnections.decrement()
    }

    /// As nginx's `lingering_close on`: lingering guards an answer against the reset a close with unread
    /// input causes. A client that asked for the close, whose request was read whole and that has sent
    /// nothing more, has nothing to reset it with; waiting for its FIN would only cost a loop turn, a read
    /// and a `shutdown(2)` per connection (what every `Connection: close` and TLS handshake bench client pays).
    var mayCloseWithoutLingering: Bool {
        clientAskedToClose && head != nil && body.isFinished && unconsumed == 0 && !transport.hasBufferedInput
    }

    /// Between requests with nothing buffered (what a drain closes at once).
    var isIdle: Bool { phase == .head && unconsumed == 0 && send.isEmpty }
}

@available(*, unavailable)
extension LoopClientConnection: Sendable {}
