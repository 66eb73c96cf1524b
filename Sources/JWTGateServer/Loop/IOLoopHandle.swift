import CJWTGateCurlShims
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The thread-safe face of one `IOLoop`: `execute` from any thread, `stop`, and "am I on this loop?".
///
/// Wake-up protocol (as `CurlMultiDriver`'s `prepareToSleep`/`awake`): the loop, before an `epoll_wait`
/// that may block, takes the lock and, if no task is queued, marks itself sleeping. `execute` appends
/// under the same lock and writes the eventfd only if it found the loop sleeping (clearing the mark),
/// so a busy loop is never woken by a syscall and a sleeping one is woken once however many tasks arrive.
final class IOLoopHandle: Sendable {
    typealias Task = @Sendable (IOLoop) -> Void

    private struct Shared {
        var tasks: [Task] = []
        var sleeping = false
        var stopping = false
        var stopped = false
    }

    /// "jwtgate-loop-N".
    let name: String
    /// N: the loop's position in its group.
    let index: Int
    let wakeFD: Int32
    private let shared = Mutex(Shared())
    /// `pthread_self()` of the loop's thread once it runs (0 before).
    private let threadID = Atomic<UInt>(0)
    /// The kernel's id of the loop's thread (for /proc/self/task/TID), 0 before it runs.
    private let kernelThreadID = Atomic<Int32>(0)

    init(name: String, index: Int) throws(IOLoopError) {
        let fd = jwtgate_loop_eventfd_create()
        guard fd >= 0 else { throw IOLoopError(operation: "eventfd", errno: errno) }
        self.name = name
        self.index = index
        self.wakeFD = fd
    }

    deinit { close(self.wakeFD) }

    /// Runs `task` on the loop's thread, in submission order, on a later turn (never inline, even when
    /// called on the loop). Returns false, and drops the task, once the loop is stopping.
    @discardableResult
    func execute(_ task: @escaping Task) -> Bool {
        let (accepted, wake): (Bool, Bool) = self.shared.withLock { shared in
            guard !shared.stopping else { return (false, false) }
            shared.tasks.append(task)
            guard shared.sleeping else { return (true, false) }
            shared.sleeping = false
            return (true, true)
        }
        if wake { jwtgate_loop_eventfd_signal(self.wakeFD) }
        return accepted
    }

    /// Runs `body` on the loop and returns its result (for set-up code and tests).
    func submit<T: Sendable>(_ body: @escaping @Sendable (IOLoop) -> T) async throws(IOLoopError) -> T {
        let result: T? = await withCheckedContinuation { continuation in
            let accepted = self.execute { loop in continuation.resume(returning: body(loop)) }
            if !accepted { continuation.resume(returning: nil) }
        }
        guard let result else { throw IOLoopError(operation: "execute on a stopped loop", errno: 0) }
        return result
    }

    /// Asks the loop to finish: tasks already queued still run, later `execute` calls are refused,
    /// attachments are told (`loopWillStop`), then `run()` returns. Any thread; does not wait.
    func stop() {
        let wake: Bool = self.shared.withLock { shared in
            guard !shared.stopping else { return false }
            shared.stopping = true
            let wake = shared.sleeping
            shared.sleeping = false
            return wake
        }
        if wake { jwtgate_loop_eventfd_signal(self.wakeFD) }
    }

    /// True on the loop's own thread.
    var inLoopThread: Bool {
        let id = self.threadID.load(ordering: .relaxed)
        return id != 0 && pthread_equal(pthread_t(id), pthread_self()) != 0
    }

    /// The loop thread's kernel id (gettid), 0 before it runs.
    var threadKernelID: Int32 { self.kernelThreadID.load(ordering: .acquiring) }

    // MARK: Loop thread only

    func bindToCurrentThread() {
        self.threadID.store(UInt(pthread_self()), ordering: .relaxed)
        self.kernelThreadID.store(jwtgate_loop_gettid(), ordering: .releasing)
    }

    /// Swaps the queued tasks into `tasks` (emptied first, capacity kept). Returns true once `stop()` was called.
    func drain(into tasks: inout [Task]) -> Bool {
        tasks.removeAll(keepingCapacity: true)
        return self.shared.withLock { shared in
            swap(&shared.tasks, &tasks)
            return shared.stopping
        }
    }

    /// Before an `epoll_wait` that may block: true (and marked sleeping) when nothing is queued and no
    /// stop is pending, so blocking is safe.
    func prepareToSleep() -> Bool {
        self.shared.withLock { shared in
            guard shared.tasks.isEmpty, !shared.stopping else { return false }
            shared.sleeping = true
            return true
        }
    }

    /// After `epoll_wait` returned.
    func awake() {
        self.shared.withLock { $0.sleeping = false }
    }

    /// After `run()` ended: later tasks are refused (dropped).
    func markStopped() {
        self.shared.withLock { shared in
            shared.stopping = true
            shared.stopped = true
            shared.tasks.removeAll()
        }
    }
}

/// A value that belongs to one loop, carried through `@Sendable` closures (a waiter list, a task queued
/// from another loop) and unwrapped only on that loop's thread — checked on every access, as NIO's
/// `NIOLoopBound` does.
struct LoopBound<Value>: @unchecked Sendable {
    private let stored: Value
    let loop: IOLoopHandle

    init(_ value: Value, loop: IOLoopHandle) {
        precondition(loop.inLoopThread, "LoopBound created off its loop")
        self.stored = value
        self.loop = loop
    }

    var value: Value {
        precondition(self.loop.inLoopThread, "LoopBound used off its loop")
        return self.stored
    }
}
