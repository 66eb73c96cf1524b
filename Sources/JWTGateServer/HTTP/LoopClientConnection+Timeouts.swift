import JWTGateCore

extension LoopClientConnection {
    /// The deadline of the phase the connection is in, from the last progress (nil: none applies —
    /// waiting on the pool, or on an upstream, whose transfer has its own deadlines).
    var currentDeadline: LoopInstant? {
        var deadline: LoopInstant?
        if !send.isEmpty { deadline = lastWriteAt.advanced(by: settings.sendTimeout) }
        let phaseDeadline: LoopInstant?
        switch phase {
        case .head:
            if let headStartedAt {
                phaseDeadline = headStartedAt.advanced(by: settings.headerTimeout)
            } else {
                phaseDeadline = idleSince.advanced(by: requestsServed == 0 ? settings.headerTimeout : settings.idleTimeout)
            }
        case .tokenBody:
            phaseDeadline = lastReadAt.advanced(by: settings.bodyTimeout)
        case .exchange:
            phaseDeadline = transfer != nil && !body.isFinished && !bodyBlocked ? lastReadAt.advanced(by: settings.bodyTimeout) : nil
        case .lingering:
            phaseDeadline = (lingerStartedAt ?? loop.now).advanced(by: ConnectionSettings.lingerTimeout)
        case .deciding, .closed:
            phaseDeadline = nil
        }
        if let phaseDeadline, deadline.map({ phaseDeadline < $0 }) ?? true { deadline = phaseDeadline }
        return deadline
    }

    /// Makes sure a timer fires no later than the current deadline. Progress only moves deadlines later,
    /// so a timer already set is left alone and re-checks when it fires (no heap work per read or write).
    func ensureTimer() {
        guard phase != .closed, let deadline = currentDeadline else { return }
        if let timerAt, timerAt <= deadline { return }
        if let timer { loop.cancel(timer) }
        timerAt = deadline
        timer = loop.schedule(at: deadline) { [weak self] in self?.timerFired() }
    }

    private func timerFired() {
        timer = nil
        timerAt = nil
        guard phase != .closed, let deadline = currentDeadline else { return }
        guard deadline <= loop.now else { return ensureTimer() }
        timedOut()
    }

    private func timedOut() {
        if !send.isEmpty && lastWriteAt.advanced(by: settings.sendTimeout) <= loop.now {
            // send_timeout: the client stopped reading; its transfer is cancelled (the upstream connection freed).
            pipeline.logger.debug("client.send_timeout")
            return close()
        }
        switch phase {
        case .head:
            // A head that started and did not finish (slowloris) gets a 408; a silent idle connection just closes.
            if headStartedAt != nil && unconsumed > 0 {
                startedAt = GatewayClock.monotonicNanoseconds()
                head = nil
                return answerAndClose(DRFAnswers.requestTimeout)
            }
            close()
        case .tokenBody:
            answerAndClose(DRFAnswers.requestTimeout)
        case .exchange:
            if answer.headSent { return close() }
            answerAndClose(DRFAnswers.requestTimeout, target: plan?.target)
        case .lingering, .deciding, .closed:
            close()
        }
    }
}
