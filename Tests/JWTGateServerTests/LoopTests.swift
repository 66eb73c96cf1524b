import CJWTGateCurlShims
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

@testable import JWTGateServer

/// A value shared between threads.
final class Shared<Value: Sendable>: Sendable {
    private let state: Mutex<Value>
    init(_ value: Value) { self.state = Mutex(value) }
    func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R { self.state.withLock { body(&$0) } }
}

/// A value boxed for closures that all run on one loop.
final class LoopBox<Value> {
    var value: Value
    init(_ value: Value) { self.value = value }
}

@Suite("IOLoop: timers, tasks, wake-ups", .timeLimit(.minutes(1)))
struct LoopTests {
    @Test("timers fire in deadline order, ties in the order added, and cancelled ones never fire")
    func timerOrder() async throws {
        try await withLoopGroup { group in
            let fired = TestSignal<[Int]>()
            try await group.loops[0].submit { loop in
                let order = LoopBox<[Int]>([])
                let base = loop.now
                func at(_ ms: Int, _ tag: Int) -> LoopTimerID {
                    loop.schedule(at: base.advanced(by: .milliseconds(ms))) { order.value.append(tag) }
                }
                _ = at(30, 30)
                let cancelledEarly = at(5, -1)
                _ = at(10, 10)
                _ = at(20, 20)
                _ = at(10, 11)
                let cancelledLate = at(25, -2)
                _ = at(1, 1)
                #expect(loop.cancel(cancelledEarly))
                #expect(loop.cancel(cancelledLate))
                #expect(!loop.cancel(cancelledLate))
                loop.schedule(at: base.advanced(by: .milliseconds(40))) { fired.fulfil(order.value) }
            }
            let order = await fired.wait()
            #expect(order == [1, 10, 11, 20, 30])
        }
    }

    @Test("a timer heap under churn pops in deadline order and never returns a cancelled timer")
    func heapChurn() {
        var heap = LoopTimerHeap()
        var generator = SystemRandomNumberGenerator()
        let popped = LoopBox<[UInt64]>([])
        var live: [(LoopTimerID, UInt64)] = []
        var cancelled = 0
        for round in 0..<5000 {
            let deadline = UInt64.random(in: 0..<1_000_000, using: &generator)
            let id = heap.add(at: LoopInstant(nanoseconds: deadline)) { popped.value.append(deadline) }
            live.append((id, deadline))
            if round % 3 == 0, let victim = live.indices.randomElement(using: &generator) {
                let removed = heap.cancel(live[victim].0)
                #expect(removed)
                live.remove(at: victim)
                cancelled += 1
            }
        }
        #expect(heap.count == live.count)
        let limit = heap.sequenceMark
        while let action = heap.popDue(now: LoopInstant(nanoseconds: .max), sequenceLimit: limit) { action() }
        #expect(popped.value.count == 5000 - cancelled)
        #expect(popped.value == popped.value.sorted())
        #expect(popped.value.sorted() == live.map(\.1).sorted())
    }

    @Test("execute from other threads runs on the loop's thread, in per-thread order")
    func executeFromThreads() async throws {
        try await withLoopGroup { group in
            let handle = group.loops[0]
            let seen = Shared<(count: Int, offThread: Int, outOfOrder: Int, last: [Int])>((0, 0, 0, [Int](repeating: -1, count: 4)))
            let allDone = TestSignal<Void>()
            let perThread = 2000
            await withTaskGroup(of: Void.self) { tasks in
                for thread in 0..<4 {
                    tasks.addTask {
                        for index in 0..<perThread {
                            handle.execute { _ in
                                let onLoop = handle.inLoopThread
                                let finished = seen.withLock { seen in
                                    seen.count += 1
                                    if !onLoop { seen.offThread += 1 }
                                    if seen.last[thread] != index - 1 { seen.outOfOrder += 1 }
                                    seen.last[thread] = index
                                    return seen.count == 4 * perThread
                                }
                                if finished { allDone.fulfil(()) }
                            }
                        }
                    }
                }
            }
            #expect(await allDone.wait() != nil)
            let result = seen.withLock { $0 }
            #expect(result.count == 4 * perThread)
            #expect(result.offThread == 0)
            #expect(result.outOfOrder == 0)
            #expect(!handle.inLoopThread)
        }
    }

    @Test("execute wakes a loop sleeping without timers promptly, and the task sees the loop's pthread")
    func wakeUpLatency() async throws {
        try await withLoopGroup { group in
            let handle = group.loops[0]
            let loopThread = try await handle.submit { _ in UInt(pthread_self()) }
            var latencies: [Duration] = []
            for _ in 0..<20 {
                // Let the loop go back to sleep in epoll_wait(-1) (nothing scheduled).
                try await Task.sleep(for: .milliseconds(5))
                let sent = ContinuousClock.now
                let arrived = TestSignal<(ContinuousClock.Instant, UInt)>()
                handle.execute { _ in arrived.fulfil((ContinuousClock.now, UInt(pthread_self()))) }
                let (at, thread) = try #require(await arrived.wait(timeout: .seconds(5)))
                #expect(thread == loopThread)
                latencies.append(at - sent)
            }
            let median = latencies.sorted()[latencies.count / 2]
            // A lost wake-up would wait forever (no timer is scheduled): any bound shows the eventfd works.
            #expect(median < .milliseconds(100), "median wake-up latency \(median)")
            print("execute wake-up latency, median of 20: \(median)")
            let turns = try await handle.submit { loop in loop.turns }
            // A sleeping loop turns once per wake-up, not in a busy loop.
            #expect(turns < 200, "\(turns) turns for 20 wake-ups")
        }
    }

    @Test("handOver gives a polled socket to its next owner: events reach the new one, never the old")
    func handOver() async throws {
        final class Recorder: IOLoopHandler {
            let name: String
            let events: TestEvents<String>
            init(_ name: String, _ events: TestEvents<String>) { self.name = name; self.events = events }
            func ioReady(fd: Int32, events: IOEvents) {
                var byte: UInt8 = 0
                _ = read(fd, &byte, 1)
                self.events.send("\(self.name) \(events.contains(.readable) ? "readable" : "-")")
            }
        }
        var pair: [Int32] = [-1, -1]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0, &pair) == 0)
        defer { close(pair[0]); close(pair[1]) }
        let (fd, peer) = (pair[0], pair[1])
        try await withLoopGroup { group in
            let events = TestEvents<String>()
            let state = try await group.loops[0].submit { loop in
                let first = Recorder("first", events), second = Recorder("second", events)
                let registered = (try? loop.register(fd, interest: .readable, handler: first)) != nil
                let before = loop.registeredDescriptors
                let handed = (try? loop.handOver(fd, to: second, interest: .readable)) != nil
                return [registered, handed, loop.isRegistered(fd, to: second), !loop.isRegistered(fd, to: first),
                        loop.registeredDescriptors == before, loop.interest(of: fd) == .readable]
            }
            #expect(state == [true, true, true, true, true, true])
            #expect(write(peer, "x", 1) == 1)
            #expect(await events.next(1) == ["second readable"])

            // A different interest is applied; an unregistered descriptor is registered.
            let writable = try await group.loops[0].submit { loop in
                let third = (try? loop.handOver(fd, to: Recorder("third", events), interest: .writable)) != nil
                let applied = loop.interest(of: fd) == .writable
                loop.forget(fd)
                let fourth = (try? loop.handOver(fd, to: Recorder("fourth", events), interest: .readable)) != nil
                return third && applied && fourth && loop.interest(of: fd) == .readable && loop.registeredDescriptors == 1
            }
            #expect(writable)
            #expect(write(peer, "y", 1) == 1)
            #expect(await events.next(1) == ["fourth readable"], "the forgotten owner's registration is gone")
        }
    }

    @Test("stop runs the queued tasks, tells the attachments, refuses later tasks; group threads are named")
    func stopAndNames() async throws {
        final class Attachment: IOLoopAttachment {
            let told: TestSignal<Bool>
            init(told: TestSignal<Bool>) { self.told = told }
            func loopWillStop(_ loop: IOLoop) { self.told.fulfil(loop.handle.inLoopThread) }
        }
        let told = TestSignal<Bool>()
        let group = try LoopGroup(count: 2, namePrefix: "jwtgate-loop")
        let tid = try await group.loops[1].submit { _ in jwtgate_loop_gettid() }
        let names = try String(contentsOfFile: "/proc/self/task/\(tid)/comm", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(names == "jwtgate-loop-1")
        _ = try await group.loops[0].submit { loop in loop.attach(Attachment(told: told)) }
        let ran = TestSignal<Void>()
        group.loops[0].execute { _ in ran.fulfil(()) }
        group.shutdown()
        #expect(await ran.wait(timeout: .seconds(1)) != nil)
        #expect(await told.wait(timeout: .seconds(1)) == true)
        #expect(!group.loops[0].execute { _ in })
        #expect(group.next() === group.loops[0] || group.next() === group.loops[1])
    }
}
