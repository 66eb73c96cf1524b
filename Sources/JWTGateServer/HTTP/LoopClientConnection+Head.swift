import JWTGateCore
import NIOCore
import NIOHTTP1

extension LoopClientConnection {
    /// `.head`: parse what arrived; a complete head is decided at once, before any of its body is read.
    func readHead() {
        guard unconsumed > 0 else { return }
        let result = input.withUnsafeBytes { parser.parse(UnsafeRawBufferPointer(rebasing: $0[inputStart...])) }
        switch result {
        case .needMore:
            return
        case .refuse(let error):
            startedAt = GatewayClock.monotonicNanoseconds()
            head = nil
            answerAndClose(Self.refusal(error))
        case .head(let parsed, let framing, let consumed):
            inputStart += consumed
            headStartedAt = nil
            begin(parsed, framing: framing)
        }
    }

    static func refusal(_ error: HTTPParseError) -> GatewayAnswer {
        switch error.status {
        case 413: return DRFAnswers.payloadTooLarge
        case 431: return DRFAnswers.headersTooLarge
        case 400: return GatewayAnswer(status: 400, closeConnection: true)
        default: return GatewayAnswer(status: error.status, closeConnection: true)
        }
    }

    private func begin(_ parsed: RequestHead, framing: BodyFraming) {
        settings = pipeline.runtime.connectionSettings
        startedAt = GatewayClock.monotonicNanoseconds()
        head = parsed
        keepAlive = parsed.keepAlive
        clientAskedToClose = !parsed.keepAlive
        answer = AnswerStream()
        plan = nil
        bodyBlocked = false
        let runtime = pipeline.runtime
        // Only a request that announces a body pays for working out which cap applies.
        let tokenView = framing != .none && runtime.isTokenView(target: parsed.target)
        let cap = tokenView ? settings.tokenBodyCap : settings.routeBodyCap
        if case .contentLength(let length) = framing, length > cap {
            return answerAndClose(DRFAnswers.payloadTooLarge)
        }
        body = RequestBodyReader(framing: framing, limits: settings.parseLimits, maxBodyBytes: cap)
        if tokenView {
            // A token view (the only smaller cap): its few hundred bytes are read before deciding.
            phase = .tokenBody
            tokenBody.removeAll(keepingCapacity: true)
            if parsed.expectsContinue && parsed.version == .http1_1 && !bodyAlreadyHere { queueContinue() }
            readTokenBody()
            return
        }
        decide(bodyBytes: nil)
    }

    /// The whole Content-Length body is already in the input (no `100 Continue` needed, and an early
    /// answer can skip it and keep the connection).
    var bodyAlreadyHere: Bool {
        if let remaining = body.remainingLength { return remaining <= unconsumed }
        return false
    }

    func queueContinue() {
        send.append("HTTP/1.1 100 Continue\r\n\r\n")
    }

    /// `.tokenBody`: collect the body in memory (bounded by the token views' cap), then decide.
    func readTokenBody() {
        let outcome = input.withUnsafeBytes { raw in
            body.read(UnsafeRawBufferPointer(rebasing: raw[inputStart...])) { bytes in
                tokenBody.append(contentsOf: bytes)
                return bytes.count
            }
        }
        switch outcome {
        case .progress(let consumed, _):
            inputStart += consumed
        case .finished(let consumed):
            inputStart += consumed
            var buffer = context.allocator.buffer(capacity: tokenBody.count)
            buffer.writeBytes(tokenBody)
            decide(bodyBytes: buffer)
        case .refused(let error):
            answerAndClose(Self.refusal(error))
        }
    }

    /// Runs the pipeline; its blocking work goes to the pool and comes back on this loop.
    private func decide(bodyBytes: ByteBuffer?) {
        guard let head else { return }
        let request = GatewayRequest(head: head, body: bodyBytes, peerBytes: peer.bytes, peerText: peer.text, startedAt: startedAt,
                                     isTLS: security.isTLS, clientSubject: security.clientSubject)
        switch pipeline.handle(request) {
        case .done(let result):
            act(on: result)
        case .blocking(let work):
            phase = .deciding
            let bound = LoopBound(self, loop: loop.handle)
            let handle = loop.handle
            context.threadPool.submit { state in
                let result: PipelineResult? = state == .active ? work() : nil
                handle.execute { _ in bound.value.decided(result) }
            }
        }
    }

    /// The pool's answer, back on the loop (nil: the pool is shutting down).
    func decided(_ result: PipelineResult?) {
        guard phase == .deciding else { return }
        guard let result else { return answerAndClose(DRFAnswers.shuttingDown) }
        act(on: result)
        process()
    }

    private func act(on result: PipelineResult) {
        switch result {
        case .answer(let gatewayAnswer, let target):
            answerAtHead(gatewayAnswer, target: target)
        case .forward(let plan):
            forward(plan)
        }
    }

    /// The gateway's own answer. A body not read yet is not read at all: unless it is already here
    /// (then it is skipped), the answer says `Connection: close` and the rest is dropped, bounded.
    func answerAtHead(_ gatewayAnswer: GatewayAnswer, target: GatewayMetrics.Series) {
        if !body.isFinished && bodyAlreadyHere, let remaining = body.remainingLength {
            inputStart += remaining
            body = RequestBodyReader(framing: .none, limits: settings.parseLimits, maxBodyBytes: 0)
        }
        if !body.isFinished || gatewayAnswer.closeConnection {
            keepAlive = false
            queueAnswer(gatewayAnswer, target: target)
            return startLingering()
        }
        queueAnswer(gatewayAnswer, target: target)
        answer.done = true
        phase = .exchange
        process()
    }

    /// Serialises one complete gateway answer into the send buffer and records it.
    func queueAnswer(_ gatewayAnswer: GatewayAnswer, target: GatewayMetrics.Series, traceID: String? = nil) {
        if pipeline.state.isDraining || gatewayAnswer.closeConnection { keepAlive = false }
        writeStatusLine(gatewayAnswer.status)
        for (name, value) in gatewayAnswer.headers { writeField(name, value) }
        writeField("Content-Length", String(gatewayAnswer.body.count))
        writeConnectionField()
        send.append("\r\n")
        if !gatewayAnswer.body.isEmpty && head?.method != "HEAD" { send.append(gatewayAnswer.body) }
        pipeline.metrics.recordGatewayAnswer(status: gatewayAnswer.status, target: target)
        finish(target: target, status: gatewayAnswer.status, userID: nil, traceID: traceID)
    }

    func writeStatusLine(_ status: Int) {
        send.append(head?.version == .http1_0 ? "HTTP/1.0 " : "HTTP/1.1 ")
        send.append(String(status))
        send.append(" ")
        send.append(HTTPResponseStatus(statusCode: status).reasonPhrase)
        send.append("\r\n")
    }

    func writeField(_ name: String, _ value: String) {
        send.append(name)
        send.append(": ")
        send.append(value)
        send.append("\r\n")
    }

    func writeConnectionField() {
        if !keepAlive {
            writeField("Connection", "close")
        } else if head?.version == .http1_0 {
            writeField("Connection", "keep-alive")
        }
    }

    /// Metrics and the access log for a finished request. `traceID` is the forwarded trace's; a request
    /// the gateway answered itself is logged under the client's valid trace id or a new one.
    func finish(target: GatewayMetrics.Series, status: Int, userID: String?, traceID: String? = nil) {
        let elapsed = GatewayClock.monotonicNanoseconds() &- startedAt
        target.record(status: status, nanoseconds: elapsed)
        AccessLog.record(logger: pipeline.logger, enabled: pipeline.runtime.config.logging.accessLog,
                         method: head?.method ?? "-", target: head?.target ?? "-", status: status,
                         nanoseconds: elapsed, userID: userID,
                         traceID: traceID ?? TraceContext.traceID(traceparents: head?.values(named: "traceparent") ?? []))
    }
}
