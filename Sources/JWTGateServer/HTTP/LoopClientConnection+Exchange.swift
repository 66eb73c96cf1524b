import JWTGateCore

extension LoopClientConnection {
    /// Starts the upstream transfer for a decided request; its body streams as it arrives. A client
    /// with `max_transfers_per_client` transfers in flight gets a 503 instead, as any gateway answer.
    func forward(_ plan: ForwardPlan) {
        guard let head else { return }
        switch pipeline.takeTransferSlot(for: plan, cap: settings.maxTransfersPerClient) {
        case .refused: return answerAtHead(DRFAnswers.tooManyTransfers, target: plan.target)
        case .held(let client): transferSlot = client
        case .uncapped: break
        }
        self.plan = plan
        phase = .exchange
        let upstreamBody: LoopUpstreamRequest.Body
        if body.isFinished {
            upstreamBody = .none
        } else if let remaining = body.remainingLength {
            upstreamBody = .length(remaining)
        } else {
            upstreamBody = .chunked
        }
        retryBody = nil
        if plan.match.route.upstreams.targets.count > 1, let remaining = body.remainingLength, remaining <= 64 * 1024,
           bodyAlreadyHere {
            // A small body already here is kept, so a refused connection can still be retried on the next upstream.
            retryBody = Array(input[inputStart..<(inputStart + remaining)])
        }
        upstreamStartedAt = GatewayClock.monotonicNanoseconds()
        transfer = context.multi.start(Self.upstreamRequest(plan, body: upstreamBody, settings: settings), delegate: self)
        if head.expectsContinue && head.version == .http1_1 && !body.isFinished && !bodyAlreadyHere { queueContinue() }
        process()
    }

    static func upstreamRequest(_ plan: ForwardPlan, body: LoopUpstreamRequest.Body, settings: ConnectionSettings) -> LoopUpstreamRequest {
        let request = plan.request
        // The NIO plane's route timeout covers connect and the answer, paused time excluded; here the
        // transfer's total counts paused time, so a reader as slow as send_timeout allows gets that much more.
        return LoopUpstreamRequest(method: request.method, url: request.url, headers: request.headers, body: body,
                                   caFile: request.caFile, clientCertificate: request.clientCertificate,
                                   minTLSVersion: request.minTLSVersion, connectTimeout: request.timeout,
                                   firstByteTimeout: request.timeout, totalTimeout: request.timeout + settings.sendTimeout)
    }

    /// `.exchange`: feed the body upstream; once the answer is complete and sent, the next request.
    func exchangeStep() {
        if let transfer, !body.isFinished, !bodyBlocked {
            pumpBody(into: transfer)
            guard phase == .exchange else { return }
        }
        guard answer.done, send.isEmpty else { return }
        if !body.isFinished {
            // The answer came before the whole body (an upstream that answered early): the rest is dropped.
            keepAlive = false
        }
        guard keepAlive, !pipeline.state.isDraining else { return startLingering() }
        nextRequest()
    }

    private func pumpBody(into transfer: LoopUpstreamTransfer) {
        let outcome = input.withUnsafeBytes { raw in
            body.read(UnsafeRawBufferPointer(rebasing: raw[inputStart...])) { bytes in transfer.writeBody(bytes) }
        }
        guard phase == .exchange, self.transfer === transfer else { return }
        switch outcome {
        case .progress(let consumed, let blocked):
            inputStart += consumed
            bodyBlocked = blocked
        case .finished(let consumed):
            inputStart += consumed
            transfer.finishBody()
        case .refused(let error):
            guard answer.headSent else { return answerAndClose(Self.refusal(error)) }
            close()
        }
    }

    /// Keep-alive: back to `.head`; bytes already here (a pipelined request) are parsed on this pass.
    private func nextRequest() {
        requestsServed += 1
        head = nil
        plan = nil
        transfer = nil
        // Given back when the transfer ended (upstreamEnd / upstreamFailed); this only makes sure a slot
        // can never outlive its request, whatever path a future change adds.
        pipeline.releaseTransferSlot(&transferSlot)
        answer = AnswerStream()
        phase = .head
        idleSince = loop.now
        headStartedAt = unconsumed > 0 ? loop.now : nil
        if inputStart == input.count {
            input.removeAll(keepingCapacity: input.capacity <= 64 * 1024)
            inputStart = 0
        }
        processAgain = true
    }
}
