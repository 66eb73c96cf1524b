import Synchronization

/// Round robin over a route's targets with passive ejection: a target that refused a connection is
/// skipped for a cool-down that doubles with each consecutive failure, up to a cap.
/// Time is a parameter so tests drive it without sleeping.
public final class UpstreamPool: Sendable {
    public let targets: [UpstreamTarget]
    public let baseCooldown: Duration
    public let maxCooldown: Duration

    private struct State {
        var cursor = 0
        var ejectedUntil: [ContinuousClock.Instant?]
        var consecutiveFailures: [Int]
    }

    private let state: Mutex<State>

    /// `targets` must not be empty (config validation guarantees a route has an upstream).
    public init(_ targets: [UpstreamTarget], baseCooldown: Duration = .seconds(10), maxCooldown: Duration = .seconds(300)) {
        precondition(!targets.isEmpty, "a route needs at least one upstream")
        self.targets = targets
        self.baseCooldown = baseCooldown
        self.maxCooldown = maxCooldown
        self.state = Mutex(State(ejectedUntil: Array(repeating: nil, count: targets.count),
                                 consecutiveFailures: Array(repeating: 0, count: targets.count)))
    }

    /// The next target in turn that is not ejected; when all are, the one whose ejection ends first
    /// (a request that might succeed beats a certain 502).
    public func next(now: ContinuousClock.Instant = .now) -> UpstreamTarget {
        if targets.count == 1 { return targets[0] }
        let index = state.withLock { state -> Int in
            let count = targets.count
            var soonest = state.cursor
            for step in 0..<count {
                let i = (state.cursor + step) % count
                guard let until = state.ejectedUntil[i], until > now else {
                    state.cursor = (i + 1) % count
                    return i
                }
                if let best = state.ejectedUntil[soonest], until < best { soonest = i }
            }
            state.cursor = (soonest + 1) % count
            return soonest
        }
        return targets[index]
    }

    /// The target refused, reset or could not be resolved. Failures reported while it is already
    /// ejected (requests that were in flight) do not lengthen the cool-down again.
    public func reportFailure(_ target: UpstreamTarget, now: ContinuousClock.Instant = .now) {
        state.withLock { state in
            for i in targets.indices where targets[i] == target {
                if let until = state.ejectedUntil[i], until > now { continue }
                state.consecutiveFailures[i] += 1
                state.ejectedUntil[i] = now + cooldown(afterFailures: state.consecutiveFailures[i])
            }
        }
    }

    /// The target answered; its next failure starts again from the base cool-down.
    public func reportSuccess(_ target: UpstreamTarget) {
        state.withLock { state in
            for i in targets.indices where targets[i] == target {
                state.consecutiveFailures[i] = 0
                state.ejectedUntil[i] = nil
            }
        }
    }

    public func isEjected(_ target: UpstreamTarget, now: ContinuousClock.Instant = .now) -> Bool {
        state.withLock { state in
            targets.indices.contains { targets[$0] == target && (state.ejectedUntil[$0].map { $0 > now } ?? false) }
        }
    }

    private func cooldown(afterFailures failures: Int) -> Duration {
        var cooldown = baseCooldown
        for _ in 1..<max(1, failures) {
            cooldown = cooldown * 2
            if cooldown >= maxCooldown { return maxCooldown }
        }
        return min(cooldown, maxCooldown)
    }
}
