import JWTGateCore

/// How the answer in progress is framed toward the client — rebuilt by us from what libcurl delivered,
/// never copied from the upstream.
struct AnswerStream {
    var status: Int?
    var headSent = false
    /// Chunked toward the client (the upstream gave no length).
    var chunked = false
    /// HEAD, 1xx, 204, 304: whatever the upstream sends is dropped.
    var noBody = false
    /// Content-Length bytes still to come.
    var remaining: Int?
    /// The upstream transfer is paused because the send buffer is full.
    var paused = false
    /// Complete: every byte is in the send buffer.
    var done = false
}

extension LoopClientConnection: LoopUpstreamDelegate {
    func upstreamHead(status: Int, headers: [(name: String, value: String)]) {
        guard phase == .exchange, let head, let plan else { return }
        plan.target.recordUpstreamResponse(nanoseconds: GatewayClock.monotonicNanoseconds() &- upstreamStartedAt)
        let pool = plan.match.route.upstreams
        if pool.targets.count > 1 { pool.reportSuccess(plan.upstream) }
        answer.status = status
        answer.headSent = true
        let fields = DownstreamResponseHeaders.filter(headers)
        var length: Int?
        for field in fields where RequestHead.nameEquals(field.name, "content-length") { length = Int(field.value) }
        answer.noBody = head.method == "HEAD" || status == 204 || status == 304 || status < 200
        if !answer.noBody {
            if let length {
                answer.remaining = length
            } else if head.version == .http1_1 {
                answer.chunked = true
            } else {
                keepAlive = false  // HTTP/1.0 without a length: the end of the answer is the close
            }
        }
        if pipeline.state.isDraining { keepAlive = false }
        writeStatusLine(status)
        for (name, value) in fields { writeField(name, value) }
        if answer.chunked { writeField("Transfer-Encoding", "chunked") }
        writeConnectionField()
        send.append("\r\n")
    }

    func upstreamBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard phase == .exchange, transfer != nil else { return true }
        if answer.noBody || bytes.isEmpty { return true }
        var piece = bytes
        if let remaining = answer.remaining {
            // libcurl stops at the length it was given; never send more than the head announced.
            piece = UnsafeRawBufferPointer(rebasing: bytes[0..<min(bytes.count, remaining)])
            answer.remaining = remaining - piece.count
        }
        let framing = answer.chunked ? 12 : 0
        if send.count + piece.count + framing > send.limit && !send.isEmpty {
            guard flushSend() else { return true }
            if send.count + piece.count + framing > send.limit {
                if let remaining = answer.remaining { answer.remaining = remaining + piece.count }
                answer.paused = true
                updateInterest()
                ensureTimer()
                return false
            }
        }
        if answer.chunked { send.appendChunkSize(piece.count) }
        // Straight from libcurl's buffer to the socket (one writev with what is queued); the rest is copied.
        guard let result = send.flush(to: transport, extra: piece) else {
            close()
            return true
        }
        if result.wroteAny { lastWriteAt = loop.now }
        if result.extraWritten < piece.count { send.append(UnsafeRawBufferPointer(rebasing: piece[result.extraWritten...])) }
        if answer.chunked { send.append("\r\n") }
        if !send.isEmpty {
            updateInterest()
            ensureTimer()
        }
        return true
    }

    func upstreamEnd() {
        guard phase == .exchange, let plan else { return }
        transfer = nil
        // The upstream connection is back in the pool: the slot goes now, not when the client has read the answer.
        pipeline.releaseTransferSlot(&transferSlot)
        if answer.chunked { send.append("0\r\n\r\n") }
        answer.done = true
        finish(target: plan.target, status: answer.status ?? 502, userID: plan.userID, traceID: plan.traceID)
        if answer.remaining.map({ $0 > 0 }) == true || (!answer.chunked && !answer.noBody && answer.remaining == nil) {
            keepAlive = false
        }
        process()
    }

    func upstreamFailed(_ error: UpstreamError) {
        guard phase == .exchange, let plan else { return }
        transfer = nil
        let metrics = pipeline.metrics
        if error.isTimeout {
            metrics.upstreamTimeouts.increment()
        } else if error.refusedConnection {
            metrics.upstreamConnectErrors.increment()
            plan.match.route.upstreams.reportFailure(plan.upstream)
            // Nothing reached the upstream: another one may take the request, unless body bytes were consumed.
            let resend = retryBody ?? []
            if !answer.headSent, body.isFinished, body.delivered == resend.count, let retry = pipeline.retarget(plan) {
                self.plan = retry
                upstreamStartedAt = GatewayClock.monotonicNanoseconds()
                let framing: LoopUpstreamRequest.Body = resend.isEmpty ? .none : .length(resend.count)
                let next = context.multi.start(Self.upstreamRequest(retry, body: framing, settings: settings), delegate: self)
                transfer = next
                if !resend.isEmpty {
                    resend.withUnsafeBytes { _ = next.writeBody($0) }
                    next.finishBody()
                }
                return
            }
        } else {
            metrics.upstreamResets.increment()
        }
        pipeline.releaseTransferSlot(&transferSlot)  // not retried: this request's transfers are over
        pipeline.logger.warning("upstream.failed", metadata: [
            "request.id": "\(plan.requestID)", "trace.id": "\(plan.traceID)", "upstream": "\(plan.upstream)", "error": "\(error)",
        ])
        guard !answer.headSent else {
            // The head is out: the only honest signal left is to cut the connection.
            finish(target: plan.target, status: 502, userID: plan.userID, traceID: plan.traceID)
            return close()
        }
        let gatewayAnswer = error.isTimeout ? DRFAnswers.gatewayTimeout : DRFAnswers.badGateway
        if !body.isFinished {
            keepAlive = false
            queueAnswer(gatewayAnswer, target: plan.target, traceID: plan.traceID)
            return startLingering()
        }
        queueAnswer(gatewayAnswer, target: plan.target, traceID: plan.traceID)
        answer.done = true
        process()
    }

    func upstreamRequestBodySpace() {
        guard phase == .exchange, bodyBlocked else { return }
        bodyBlocked = false
        process()
    }
}
