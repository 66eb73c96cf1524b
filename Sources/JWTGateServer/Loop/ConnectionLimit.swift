import Synchronization

/// The process-wide cap on client connections (`server.max_connections`), shared by every loop's
/// listeners: an atomic count, plus the listeners that stopped accepting at the cap and wait to be
/// told a connection closed. The owner of an accepted descriptor calls `release()` exactly once, when
/// it closes it.
final class ConnectionLimit: Sendable {
    let maximum: Int
    private let count = Atomic<Int>(0)
    private let hasWaiters = Atomic<Bool>(false)
    private let waiters = Mutex<[@Sendable () -> Void]>([])

    init(maximum: Int) {
        precondition(maximum >= 1)
        self.maximum = maximum
    }

    /// Connections open now.
    var current: Int { self.count.load(ordering: .relaxed) }

    /// Takes a slot; false at the cap.
    func tryAcquire() -> Bool {
        var value = self.count.load(ordering: .relaxed)
        while value < self.maximum {
            let (exchanged, original) = self.count.compareExchange(
                expected: value, desired: value + 1, ordering: .acquiringAndReleasing)
            if exchanged { return true }
            value = original
        }
        return false
    }

    /// Gives a slot back and, when listeners wait at the cap, wakes them (each on its own loop).
    func release() {
        let previous = self.count.wrappingSubtract(1, ordering: .acquiringAndReleasing).oldValue
        precondition(previous > 0, "ConnectionLimit released more often than acquired")
        if self.hasWaiters.load(ordering: .acquiring) { self.wakeWaiters() }
    }

    /// Calls `wake` (once, from whichever thread releases) when a slot may be free. If one is free
    /// already, calls it at once: the caller then simply tries again.
    func notifyWhenAvailable(_ wake: @escaping @Sendable () -> Void) {
        self.waiters.withLock { waiters in
            waiters.append(wake)
            self.hasWaiters.store(true, ordering: .releasing)
        }
        // A release between the caller's failed tryAcquire and the registration above saw no waiter.
        if self.count.load(ordering: .acquiring) < self.maximum { self.wakeWaiters() }
    }

    private func wakeWaiters() {
        let woken: [@Sendable () -> Void] = self.waiters.withLock { waiters in
            self.hasWaiters.store(false, ordering: .releasing)
            let taken = waiters
            waiters.removeAll()
            return taken
        }
        for wake in woken { wake() }
    }
}
