import CJWTGateCurlShims
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

@testable import JWTGateServer

@Suite("LoopListener: accept, connection cap, EMFILE back-off", .timeLimit(.minutes(1)))
struct LoopListenerTests {
    /// Starts a listener on loop 0 of `group` whose accepted descriptors are kept on the loop and reported to `events`.
    static func startListener(
        _ group: LoopGroup, host: String = "127.0.0.1", limit: ConnectionLimit,
        configuration: LoopListener.Configuration = .init(), events: TestEvents<Int32>,
        exhausted: (@Sendable (Int32) -> Void)? = nil
    ) async throws -> (port: Int, listener: LoopBound<LoopListener>, accepted: LoopBound<LoopBox<[Int32]>>) {
        let (fd, port) = try ListenSocket.open(host: host, port: 0)
        let (listener, accepted) = try await group.loops[0].submit { loop in
            let accepted = LoopBox<[Int32]>([])
            let listener = LoopListener(
                fd: fd, port: port, loop: loop, limit: limit, configuration: configuration,
                onResourceExhausted: { code, _ in exhausted?(code) }
            ) { fd, _ in
                accepted.value.append(fd)
                events.send(fd)
            }
            try? listener.start()
            return (LoopBound(listener, loop: loop.handle), LoopBound(accepted, loop: loop.handle))
        }
        return (port, listener, accepted)
    }

    @Test("the client's address comes from accept4, IPv4 and IPv6", arguments: [false, true])
    func peerAddressFromAccept(ipv6: Bool) async throws {
        try await withLoopGroup { group in
            let limit = ConnectionLimit(maximum: 10)
            let events = TestEvents<String>()
            let (fd, port) = try ListenSocket.open(host: ipv6 ? "::1" : "127.0.0.1", port: 0)
            try await group.loops[0].submit { loop in
                let listener = LoopListener(fd: fd, port: port, loop: loop, limit: limit) { accepted, peer in
                    close(accepted)
                    limit.release()
                    events.send("\(peer.text) \(peer.bytes.count)")
                }
                try? listener.start()
            }
            let client = TestSockets.connect(port: port, ipv6: ipv6)
            #expect(client >= 0)
            defer { close(client) }
            #expect(await events.next(1) == [ipv6 ? "::1 16" : "127.0.0.1 4"])
        }
    }

    @Test("accepts with TCP_NODELAY, stops polling at max_connections and resumes when one closes")
    func connectionCap() async throws {
        try await withLoopGroup { group in
            let limit = ConnectionLimit(maximum: 3)
            let events = TestEvents<Int32>()
            let (port, listener, accepted) = try await Self.startListener(group, limit: limit, events: events)
            var clients: [Int32] = []
            for _ in 0..<5 { clients.append(TestSockets.connect(port: port)) }
            #expect(clients.allSatisfy { $0 >= 0 })
            #expect(await events.next(3).count == 3)
            let state = try await group.loops[0].submit { _ in
                let fds = accepted.value.value
                var nodelay: Int32 = 0
                var length = socklen_t(4)
                getsockopt(fds[0], Int32(IPPROTO_TCP), TCP_NODELAY, &nodelay, &length)
                let flags = fcntl(fds[0], F_GETFL)
                return (listener.value.accepted, listener.value.isPolling, listener.value.capacityPauses, nodelay, flags & O_NONBLOCK != 0)
            }
            #expect(state.0 == 3)
            #expect(!state.1, "the listener is no longer polled at the cap")
            #expect(state.2 == 1)
            #expect(state.3 != 0, "TCP_NODELAY on accepted sockets")
            #expect(state.4, "accepted sockets are non-blocking")
            #expect(limit.current == 3)

            // One connection closes: the listener takes the next one, and stops again.
            try await group.loops[0].submit { _ in
                let fd = accepted.value.value.removeFirst()
                close(fd)
                limit.release()
            }
            #expect(await events.next(1).count == 1)
            let after = try await group.loops[0].submit { _ in (listener.value.accepted, listener.value.capacityPauses) }
            #expect(after.0 == 4)
            #expect(after.1 == 2)
            #expect(limit.current == 3)

            try await group.loops[0].submit { _ in
                for fd in accepted.value.value {
                    close(fd)
                    limit.release()
                }
                accepted.value.value.removeAll()
            }
            #expect(await events.next(1).count == 1, "the fifth connection once there is room")
            try await group.loops[0].submit { _ in
                for fd in accepted.value.value { close(fd); limit.release() }
                listener.value.close()
            }
            for fd in clients { close(fd) }
            #expect(limit.current == 0)
        }
    }

    @Test("IPv6 and port 0: the bound port is reported and connections arrive")
    func ipv6() async throws {
        guard let probe = try? ListenSocket.open(host: "::1", port: 0) else { return }  // no IPv6 loopback here
        close(probe.fd)
        try await withLoopGroup { group in
            let limit = ConnectionLimit(maximum: 10)
            let events = TestEvents<Int32>()
            let (port, listener, accepted) = try await Self.startListener(group, host: "::1", limit: limit, events: events)
            #expect(port > 0)
            let client = TestSockets.connect(port: port, ipv6: true)
            #expect(client >= 0)
            #expect(await events.next(1).count == 1)
            try await group.loops[0].submit { _ in
                for fd in accepted.value.value { close(fd); limit.release() }
                listener.value.close()
            }
            close(client)
        }
    }

    @Test("one SO_REUSEPORT socket per loop on the same port; every connection is accepted by some loop")
    func reusePortGroup() async throws {
        try await withLoopGroup(2) { group in
            let limit = ConnectionLimit(maximum: 1000)
            let (fds, port) = try ListenSocket.openGroup(host: "127.0.0.1", port: 0, count: 2)
            let events = TestEvents<Int>()
            for (index, handle) in group.loops.enumerated() {
                let fd = fds[index]
                try await handle.submit { loop in
                    let listener = LoopListener(fd: fd, port: port, loop: loop, limit: limit) { accepted, _ in
                        close(accepted)
                        limit.release()
                        events.send(index)
                    }
                    try? listener.start()
                }
            }
            var clients: [Int32] = []
            for _ in 0..<40 { clients.append(TestSockets.connect(port: port)) }
            let seen = await events.next(40)
            #expect(seen.count == 40)
            for fd in clients { close(fd) }
        }
    }

    @Test("on EMFILE the loop backs off without spinning, keeps firing timers, logs once per interval, then accepts")
    func emfileBackoff() throws {
        // The descriptor table is per process: the real exhaustion runs in a child process (this test binary,
        // filtered to `emfileChild`), so it cannot starve tests running in parallel here.
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        // Under AddressSanitizer the child's exit status must be the test's, not LeakSanitizer's verdict on
        // the toolchain's Foundation at exit (the parent's own run still checks for leaks).
        let asanOptions = (ProcessInfo.processInfo.environment["ASAN_OPTIONS"].map { $0 + ":" } ?? "") + "detect_leaks=0"
        let (status, output) = TestCommand.run([
            "env", "JWTGATE_LOOP_EMFILE_CHILD=1", "ASAN_OPTIONS=\(asanOptions)", executable, "--testing-library", "swift-testing", "--filter", "emfileChild",
        ])
        let summary = output.split(separator: "\n").first { $0.contains("LOOP-EMFILE-CHILD") } ?? "no summary"
        print("EMFILE child: \(summary)")
        #expect(status == 0, "child output:\n\(output)")
        #expect(output.contains("LOOP-EMFILE-CHILD-OK"), "child output:\n\(output)")
    }

    @Test("(child process of emfileBackoff; does nothing otherwise)")
    func emfileChild() async throws {
        guard ProcessInfo.processInfo.environment["JWTGATE_LOOP_EMFILE_CHILD"] == "1" else { return }
        try await withLoopGroup { group in
            let handle = group.loops[0]
            let limit = ConnectionLimit(maximum: 100)
            let events = TestEvents<Int32>()
            let logs = TestEvents<Int32>()
            let logCalls = Shared<Int>(0)
            let configuration = LoopListener.Configuration(backoff: .milliseconds(100), logInterval: .seconds(1))
            let (port, listener, accepted) = try await Self.startListener(
                group, limit: limit, configuration: configuration, events: events,
                exhausted: { code in
                    logCalls.withLock { $0 += 1 }
                    logs.send(code)
                })
            // A timer every 20 ms, to show the loop keeps serving timers during the back-off.
            let ticks = try await handle.submit { loop -> LoopBound<LoopBox<Int>> in
                let ticks = LoopBox(0)
                func tick() {
                    ticks.value += 1
                    loop.schedule(after: .milliseconds(20)) { tick() }
                }
                tick()
                return LoopBound(ticks, loop: loop.handle)
            }

            // Fill the descriptor table, leaving one slot for the client's socket.
            var limits = rlimit()
            getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limits)
            let saved = limits
            limits.rlim_cur = 256
            #expect(setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limits) == 0)
            var filler: [Int32] = []
            while true {
                let fd = dup(0)
                if fd < 0 { break }
                filler.append(fd)
            }
            #expect(errno == EMFILE)
            close(filler.removeLast())
            let client = TestSockets.connect(port: port)  // completes in the backlog; the table is full again
            // While the table is full nothing here may need a descriptor: no Task.sleep (libdispatch's
            // timers), no expectation (recording an issue): plain blocking waits, bounded.
            for _ in 0..<1000 where logCalls.withLock({ $0 }) == 0 { usleep(5000) }
            let code = await logs.next(1, timeout: .seconds(1)).first
            let before = try await handle.submit { loop in (currentThreadCPU(), listener.value.backoffs, ticks.value.value, loop.turns) }
            let logsBefore = logCalls.withLock { $0 }
            let window = ContinuousClock.now
            usleep(1_500_000)  // the measurement window itself
            let after = try await handle.submit { loop in (currentThreadCPU(), listener.value.backoffs, ticks.value.value, loop.turns) }
            let elapsed = ContinuousClock.now - window
            let logCount = logCalls.withLock { $0 } - logsBefore
            // Room again (before any expectation: recording an issue may need a descriptor).
            for fd in filler { close(fd) }
            var restored = saved
            setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &restored)

            #expect(client >= 0)
            #expect(code == EMFILE)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let cpu = after.0 - before.0
            let backoffs = after.1 - before.1
            let tickCount = after.2 - before.2
            let turns = after.3 - before.3
            let cpuPerSecond = cpu / seconds
            #expect(cpuPerSecond < .milliseconds(20), "loop CPU \(cpu) over \(elapsed)")
            let expectedBackoffs = seconds * 10
            #expect(Double(backoffs) >= expectedBackoffs * 0.5 && Double(backoffs) <= expectedBackoffs * 1.5 + 1,
                    "\(backoffs) back-offs of 100 ms in \(elapsed)")
            #expect(Double(tickCount) >= seconds * 25, "\(tickCount) timer ticks of 20 ms in \(elapsed)")
            #expect(Double(turns) < seconds * 500, "\(turns) loop turns in \(elapsed)")
            #expect(logCount >= 1 && Double(logCount) <= seconds + 1, "log hook calls in the window: \(logCount)")
            // The pending connection is accepted within a back-off interval.
            #expect(await events.next(1, timeout: .seconds(2)).count == 1)
            try await handle.submit { _ in
                for fd in accepted.value.value { close(fd); limit.release() }
                listener.value.close()
            }
            close(client)
            print("LOOP-EMFILE-CHILD-OK loop_cpu=\(cpu) window=\(elapsed) backoffs=\(backoffs) timer_ticks=\(tickCount) turns=\(turns) log_calls_in_window=\(logCount)")
        }
    }
}
