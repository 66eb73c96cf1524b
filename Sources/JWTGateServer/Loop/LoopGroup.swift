import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// N event loops, each on its own named thread ("jwtgate-loop-0", ...), by default one per core.
/// Work reaches a loop through its `IOLoopHandle`; `shutdown()` stops every loop and joins its thread.
final class LoopGroup: Sendable {
    let loops: [IOLoopHandle]
    private let threads: Mutex<[pthread_t]>
    private let nextIndex = Atomic<Int>(0)

    /// Online CPUs (sysconf), at least 1.
    static var coreCount: Int { max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    /// Starts `count` loops. Returns once every loop runs (its `IOLoop` exists and its thread is known).
    init(count: Int = LoopGroup.coreCount, namePrefix: String = "jwtgate-loop") throws(IOLoopError) {
        precondition(count >= 1)
        var handles: [IOLoopHandle] = []
        for index in 0..<count { handles.append(try IOLoopHandle(name: "\(namePrefix)-\(index)", index: index)) }
        self.loops = handles
        self.threads = Mutex([])
        let started = StartBarrier(count: count)
        var threads: [pthread_t] = []
        for handle in handles {
            do throws(IOLoopError) {
                let thread = try LoopThread.spawn(name: handle.name) {
                    let loop: IOLoop
                    do throws(IOLoopError) {
                        loop = try IOLoop(handle: handle)
                    } catch {
                        handle.markStopped()
                        started.arrive(error)
                        return
                    }
                    started.arrive(nil)
                    loop.run()
                }
                threads.append(thread)
            } catch {
                for handle in handles { handle.stop() }
                for thread in threads { LoopThread.join(thread) }
                throw error
            }
        }
        self.threads.withLock { $0 = threads }
        if let error = started.wait() {
            self.shutdown()
            throw error
        }
    }

    /// The loops in turn (round robin).
    func next() -> IOLoopHandle {
        let index = self.nextIndex.wrappingAdd(1, ordering: .relaxed).oldValue
        return self.loops[index % self.loops.count]
    }

    /// Stops every loop (queued tasks run first), waits for the threads. Safe to call more than once.
    /// Must not be called from one of the group's loops.
    func shutdown() {
        precondition(!self.loops.contains { $0.inLoopThread }, "LoopGroup.shutdown() called on one of its loops")
        for handle in self.loops { handle.stop() }
        let threads = self.threads.withLock { threads in
            let taken = threads
            threads.removeAll()
            return taken
        }
        for thread in threads { LoopThread.join(thread) }
    }
}

/// Waits until every loop thread has created its loop (or failed to).
private final class StartBarrier: Sendable {
    private struct State {
        var remaining: Int
        var error: IOLoopError?
    }

    private let state: Mutex<State>
    private let condition = ConditionBox()

    init(count: Int) { self.state = Mutex(State(remaining: count)) }

    func arrive(_ error: IOLoopError?) {
        self.state.withLock { state in
            state.remaining -= 1
            if let error, state.error == nil { state.error = error }
        }
        self.condition.broadcast()
    }

    func wait() -> IOLoopError? {
        while true {
            let (done, error) = self.state.withLock { ($0.remaining == 0, $0.error) }
            if done { return error }
            self.condition.wait(timeoutMilliseconds: 10)
        }
    }
}

/// A pthread condition with its own mutex, used only to wait for start-up without spinning.
private final class ConditionBox: @unchecked Sendable {
    // Sound: the pthread objects are only touched through pthread calls, which are thread-safe.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        pthread_mutex_init(self.mutex, nil)
        pthread_cond_init(self.condition, nil)
    }

    deinit {
        pthread_cond_destroy(self.condition)
        pthread_mutex_destroy(self.mutex)
        self.condition.deallocate()
        self.mutex.deallocate()
    }

    func broadcast() {
        pthread_mutex_lock(self.mutex)
        pthread_cond_broadcast(self.condition)
        pthread_mutex_unlock(self.mutex)
    }

    /// Waits for a broadcast or the timeout (the caller re-checks its state under its own lock).
    func wait(timeoutMilliseconds: Int) {
        var deadline = timespec()
        clock_gettime(CLOCK_REALTIME, &deadline)
        deadline.tv_nsec += timeoutMilliseconds * 1_000_000
        if deadline.tv_nsec >= 1_000_000_000 {
            deadline.tv_sec += 1
            deadline.tv_nsec -= 1_000_000_000
        }
        pthread_mutex_lock(self.mutex)
        pthread_cond_timedwait(self.condition, self.mutex, &deadline)
        pthread_mutex_unlock(self.mutex)
    }
}
