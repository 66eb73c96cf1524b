import JWTGateCore
import Synchronization

/// One TLS listener's OpenSSL context, shared by its sockets on every loop and swapped whole on reload:
/// new connections take the context in force when they are accepted, open ones keep theirs.
final class TLSListenerSlot: Sendable {
    let address: String
    let budget: TLSHandshakeBudget
    private let state: Mutex<(context: TLSServerContext, rotatedAt: ContinuousClock.Instant)>

    init(address: String, context: TLSServerContext, budget: TLSHandshakeBudget) {
        self.address = address
        self.budget = budget
        self.state = Mutex((context, ContinuousClock.now))
    }

    var current: TLSServerContext { state.withLock { $0.context } }

    func replace(with context: TLSServerContext) {
        state.withLock { $0 = (context, ContinuousClock.now) }
    }

    /// Rotates the ticket key when `ticket_key_rotation` has passed since the last one.
    func rotateTicketKeysIfDue(now: ContinuousClock.Instant = .now) {
        let due: TLSServerContext? = state.withLock { state in
            guard state.context.config.sessionTickets,
                  now - state.rotatedAt >= state.context.config.ticketKeyRotation else { return nil }
            state.rotatedAt = now
            return state.context
        }
        due?.rotateTicketKeys()
    }
}

/// Handshakes in progress, process-wide: a flood of slow handshakes is refused at the cap instead of
/// holding sockets and OpenSSL state without end.
final class TLSHandshakeBudget: Sendable {
    private let inProgress = Atomic<Int>(0)

    /// Takes a slot unless `maximum` are taken.
    func tryAcquire(maximum: Int) -> Bool {
        var current = inProgress.load(ordering: .relaxed)
        while current < maximum {
            let (exchanged, original) = inProgress.compareExchange(expected: current, desired: current + 1, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
        return false
    }

    func release() { inProgress.subtract(1, ordering: .relaxed) }

    var count: Int { inProgress.load(ordering: .relaxed) }
}
