import CJWTGateCurlShims

#if canImport(Glibc)
import Glibc
#endif

/// One thread's event loop: one epoll, an eventfd for cross-thread wake-ups, a table of registered
/// descriptors and their owners, a timer heap, and two task queues (tasks from other threads through
/// `IOLoopHandle.execute`, and `runSoon` for this thread).
///
/// One turn:
/// 1. run the tasks other threads queued, then those queued with `runSoon`;
/// 2. fire the timers due at `now` (deadline order; a timer added for "now" by a callback waits a turn);
/// 3. compute the wait: 0 if tasks are pending, else until the earliest timer (or forever), and — if it
///    may block — mark the loop sleeping (see `IOLoopHandle`);
/// 4. `epoll_wait`; read the clock once (`now`);
/// 5. for each ready descriptor, call its owner's `ioReady` (the eventfd is drained inline).
///
/// Not thread-safe: created, used and dropped on its thread only; other threads use `handle`.
final class IOLoop {
    private struct Registration {
        var handler: (any IOLoopHandler)?
        var interest: UInt32 = 0
        /// Bumped at every register, so an event collected for an earlier owner of the same fd number is dropped.
        var generation: UInt32 = 0
    }

    let handle: IOLoopHandle
    private let epoll: Int32
    /// The monotonic clock as read once per turn (after `epoll_wait`); deadlines are computed from it.
    private(set) var now: LoopInstant
    private var registrations: [Registration] = []
    private var registeredCount = 0
    private var timers = LoopTimerHeap()
    private var remoteTasks: [IOLoopHandle.Task] = []
    private var localTasks: [() -> Void] = []
    private var runningLocalTasks: [() -> Void] = []
    private var attachments: [ObjectIdentifier: any IOLoopAttachment] = [:]
    private var readyTokens: [UInt64]
    private var readyEvents: [UInt32]
    private var stopping = false
    /// Loop turns so far (for tests and measurements: a spinning loop shows here).
    private(set) var turns: UInt64 = 0

    private static let wakeToken = UInt64.max
    private static let maxEventsPerWait = 256

    /// Creates the loop on the calling thread, which must then call `run()`.
    init(handle: IOLoopHandle) throws(IOLoopError) {
        let epoll = jwtgate_loop_epoll_create()
        guard epoll >= 0 else { throw IOLoopError(operation: "epoll_create1", errno: errno) }
        let code = jwtgate_loop_epoll_ctl(epoll, 0, handle.wakeFD, UInt32(JWTGATE_LOOP_IN), Self.wakeToken)
        guard code == 0 else {
            close(epoll)
            throw IOLoopError(operation: "epoll_ctl(eventfd)", errno: code)
        }
        self.handle = handle
        self.epoll = epoll
        self.now = .now()
        self.readyTokens = [UInt64](repeating: 0, count: Self.maxEventsPerWait)
        self.readyEvents = [UInt32](repeating: 0, count: Self.maxEventsPerWait)
        handle.bindToCurrentThread()
    }

    deinit { close(self.epoll) }

    // MARK: Descriptors

    /// Starts watching `fd` for `interest`, reporting to `handler` (held strongly until `deregister` or `forget`).
    /// A stale entry for the same fd number (closed without `forget`) is replaced.
    func register(_ fd: Int32, interest: IOInterest, handler: any IOLoopHandler) throws(IOLoopError) {
        precondition(fd >= 0)
        let index = Int(fd)
        if index >= self.registrations.count {
            self.registrations.append(contentsOf: repeatElement(Registration(), count: max(64, index + 1 - self.registrations.count, self.registrations.count)))
        }
        let generation = self.registrations[index].generation &+ 1
        let token = UInt64(generation) << 32 | UInt64(UInt32(fd))
        var code = jwtgate_loop_epoll_ctl(self.epoll, 0, fd, interest.rawValue, token)
        if code == EEXIST { code = jwtgate_loop_epoll_ctl(self.epoll, 1, fd, interest.rawValue, token) }
        guard code == 0 else { throw IOLoopError(operation: "epoll_ctl(ADD)", errno: code) }
        if self.registrations[index].handler == nil { self.registeredCount += 1 }
        self.registrations[index] = Registration(handler: handler, interest: interest.rawValue, generation: generation)
    }

    /// Gives `fd`'s registration to `handler`: the same socket passing from one owner to the next (a TLS
    /// handshake to its connection), so no ADD, and a MOD only when `interest` differs. An unregistered
    /// `fd` is registered. The generation is kept: epoll reports a descriptor once per wait, and the old
    /// owner is handling that report now, so no collected event is left for the wrong owner.
    func handOver(_ fd: Int32, to handler: any IOLoopHandler, interest: IOInterest) throws(IOLoopError) {
        let index = Int(fd)
        guard index >= 0, index < self.registrations.count, self.registrations[index].handler != nil else {
            return try self.register(fd, interest: interest, handler: handler)
        }
        self.registrations[index].handler = handler
        try self.setInterest(fd, interest)
    }

    /// Changes what `fd` is watched for (one `epoll_ctl(MOD)`, skipped when nothing changes).
    func setInterest(_ fd: Int32, _ interest: IOInterest) throws(IOLoopError) {
        let index = Int(fd)
        guard index < self.registrations.count, self.registrations[index].handler != nil else {
            throw IOLoopError(operation: "epoll_ctl(MOD) of an unregistered fd", errno: ENOENT)
        }
        guard self.registrations[index].interest != interest.rawValue else { return }
        let token = UInt64(self.registrations[index].generation) << 32 | UInt64(UInt32(fd))
        var code = jwtgate_loop_epoll_ctl(self.epoll, 1, fd, interest.rawValue, token)
        // ENOENT: the descriptor was closed (which left epoll) without `forget`, and its number reused.
        if code == ENOENT { code = jwtgate_loop_epoll_ctl(self.epoll, 0, fd, interest.rawValue, token) }
        guard code == 0 else { throw IOLoopError(operation: "epoll_ctl(MOD)", errno: code) }
        self.registrations[index].interest = interest.rawValue
    }

    /// Stops watching `fd` (one `epoll_ctl(DEL)`); the descriptor stays open.
    func deregister(_ fd: Int32) {
        guard self.clear(fd) else { return }
        _ = jwtgate_loop_epoll_ctl(self.epoll, 2, fd, 0, 0)
    }

    /// Forgets `fd` without a system call, for an owner about to close it (closing removes it from epoll).
    func forget(_ fd: Int32) {
        _ = self.clear(fd)
    }

    /// What `fd` is registered for, nil when it is not registered.
    func interest(of fd: Int32) -> IOInterest? {
        let index = Int(fd)
        guard index >= 0, index < self.registrations.count, self.registrations[index].handler != nil else { return nil }
        return IOInterest(rawValue: self.registrations[index].interest)
    }

    /// True when `fd` is registered to `handler`.
    func isRegistered(_ fd: Int32, to handler: any IOLoopHandler) -> Bool {
        let index = Int(fd)
        guard index >= 0, index < self.registrations.count, let owner = self.registrations[index].handler else { return false }
        return owner === handler
    }

    /// Descriptors registered now (for tests).
    var registeredDescriptors: Int { self.registeredCount }

    private func clear(_ fd: Int32) -> Bool {
        let index = Int(fd)
        guard index >= 0, index < self.registrations.count, self.registrations[index].handler != nil else { return false }
        self.registrations[index].handler = nil
        self.registrations[index].interest = 0
        self.registrations[index].generation &+= 1
        self.registeredCount -= 1
        return true
    }

    // MARK: Timers and tasks

    /// Calls `action` on this loop at `deadline` (at the first turn whose clock reading is ≥ it).
    @discardableResult
    func schedule(at deadline: LoopInstant, _ action: @escaping () -> Void) -> LoopTimerID {
        self.timers.add(at: deadline, action)
    }

    /// Calls `action` `delay` after this turn's clock reading.
    @discardableResult
    func schedule(after delay: Duration, _ action: @escaping () -> Void) -> LoopTimerID {
        self.timers.add(at: self.now.advanced(by: delay), action)
    }

    /// Cancels a timer; false when it already fired or was cancelled (then nothing happens).
    @discardableResult
    func cancel(_ timer: LoopTimerID) -> Bool {
        self.timers.cancel(timer)
    }

    /// Timers scheduled now (for tests).
    var scheduledTimers: Int { self.timers.count }

    /// Runs `task` on this loop at the start of the next turn (before timers; the next wait does not block).
    func runSoon(_ task: @escaping () -> Void) {
        self.localTasks.append(task)
    }

    /// Keeps `attachment` alive until the loop stops, then calls its `loopWillStop`.
    func attach(_ attachment: any IOLoopAttachment) {
        self.attachments[ObjectIdentifier(attachment)] = attachment
    }

    /// Drops `attachment` without calling it.
    func detach(_ attachment: any IOLoopAttachment) {
        self.attachments[ObjectIdentifier(attachment)] = nil
    }

    // MARK: Running

    /// Runs turns until `handle.stop()`; then tells the attachments and returns.
    func run() {
        while true {
            if self.handle.drain(into: &self.remoteTasks) { self.stopping = true }
            for task in self.remoteTasks { task(self) }
            self.remoteTasks.removeAll(keepingCapacity: true)
            self.runLocalTasks()
            self.fireDueTimers()
            if self.stopping { break }

            var timeout: Int32 = -1
            if !self.localTasks.isEmpty {
                timeout = 0
            } else if let earliest = self.timers.earliest {
                timeout = self.now.millisecondsUntil(earliest)
            }
            let sleeping = timeout != 0 && self.handle.prepareToSleep()
            if timeout != 0 && !sleeping { timeout = 0 }
            let count = self.readyTokens.withUnsafeMutableBufferPointer { tokens in
                self.readyEvents.withUnsafeMutableBufferPointer { events in
                    jwtgate_loop_epoll_wait(self.epoll, tokens.baseAddress, events.baseAddress, Int32(tokens.count), timeout)
                }
            }
            if sleeping { self.handle.awake() }
            self.now = .now()
            self.turns &+= 1
            for i in 0..<Int(max(0, count)) { self.dispatch(token: self.readyTokens[i], events: self.readyEvents[i]) }
        }
        // Stopping: attachments close what they own (their callbacks may still queue local work).
        let attachments = self.attachments.values
        self.attachments.removeAll()
        for attachment in attachments { attachment.loopWillStop(self) }
        self.runLocalTasks()
        self.handle.markStopped()
        for index in self.registrations.indices { self.registrations[index].handler = nil }
        self.registeredCount = 0
        // Timer callbacks and handlers hold their owners, which hold this loop: dropped here, or the
        // loop and everything on it would outlive the thread in a cycle.
        self.timers = LoopTimerHeap()
        self.localTasks.removeAll()
    }

    private func dispatch(token: UInt64, events: UInt32) {
        if token == Self.wakeToken {
            jwtgate_loop_eventfd_drain(self.handle.wakeFD)
            return
        }
        let index = Int(UInt32(truncatingIfNeeded: token))
        let generation = UInt32(truncatingIfNeeded: token >> 32)
        guard index < self.registrations.count else { return }
        let registration = self.registrations[index]
        guard registration.generation == generation, let handler = registration.handler else { return }
        handler.ioReady(fd: Int32(index), events: IOEvents(rawValue: events))
    }

    private func runLocalTasks() {
        guard !self.localTasks.isEmpty else { return }
        swap(&self.localTasks, &self.runningLocalTasks)
        for task in self.runningLocalTasks { task() }
        self.runningLocalTasks.removeAll(keepingCapacity: true)
    }

    private func fireDueTimers() {
        let limit = self.timers.sequenceMark
        while let action = self.timers.popDue(now: self.now, sequenceLimit: limit) { action() }
    }
}

@available(*, unavailable)
extension IOLoop: Sendable {}
