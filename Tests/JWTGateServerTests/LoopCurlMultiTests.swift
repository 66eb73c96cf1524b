import NIOCore
import NIOPosix
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

@testable import JWTGateServer

@Suite("LoopCurlMulti: libcurl driven on the loop", .timeLimit(.minutes(2)))
struct LoopCurlMultiTests {
    static let nio = MultiThreadedEventLoopGroup.singleton

    static func makeMulti(_ handle: IOLoopHandle, _ configuration: LoopCurlMulti.Configuration = .init()) async throws -> LoopBound<LoopCurlMulti> {
        try await handle.submit { loop in
            LoopBound(try! LoopCurlMulti(loop: loop, configuration: configuration), loop: loop.handle)
        }
    }

    /// Runs one transfer on `handle`'s loop and waits (bounded) for its end or failure.
    static func fetch(
        _ handle: IOLoopHandle, _ multi: LoopBound<LoopCurlMulti>, _ request: LoopUpstreamRequest,
        timeout: Duration = .seconds(60),
        configure: @escaping @Sendable (RecordingDelegate) -> Void = { _ in },
        started: @escaping @Sendable (RecordingDelegate) -> Void = { _ in }
    ) async throws -> UpstreamRecord {
        let done = TestSignal<UpstreamRecord>()
        try await handle.submit { loop in
            let delegate = RecordingDelegate(loop: loop, done: done)
            configure(delegate)
            delegate.transfer = multi.value.start(request, delegate: delegate)
            started(delegate)
        }
        return try #require(await done.wait(timeout: timeout), "the transfer neither ended nor failed in \(timeout)")
    }

    static func stats(_ handle: IOLoopHandle, _ multi: LoopBound<LoopCurlMulti>) async throws -> (active: Int, idle: Int, registered: Int, epollChanges: Int) {
        try await handle.submit { _ in
            let multi = multi.value
            return (multi.activeTransfers, multi.idleHandles, multi.socketsRegistered, multi.epollChanges)
        }
    }

    @Test("sequential GETs reuse one keep-alive connection, with no epoll_ctl after the first (lazy registration)")
    func keepAliveReuse() async throws {
        let upstream = try await TestUpstreamServer.start(group: Self.nio) { _ in
            .respond(status: 200, headers: [("Content-Length", "5"), ("X-Reply", "a"), ("X-Reply", "b")], body: ByteBuffer(string: "hello"))
        }
        defer { Task { try? await upstream.stop() } }
        try await withLoopGroup { group in
            let handle = group.loops[0]
            let multi = try await Self.makeMulti(handle)
            let request = LoopUpstreamRequest(
                method: "GET", url: "http://127.0.0.1:\(upstream.port)/api/items?x=1", headers: [("Host", "backend"), ("X-Auth-User-Id", "7")])
            var changesAfterFirst = 0
            for index in 0..<8 {
                let record = try await Self.fetch(handle, multi, request) { $0.keepBody = true }
                #expect(record.ended && record.error == nil)
                #expect(record.status == 200)
                #expect(String(decoding: record.body, as: UTF8.self) == "hello")
                #expect(record.headers.filter { $0.name == "X-Reply" }.map(\.value) == ["a", "b"])
                #expect(record.offLoopCalls == 0 && record.callsAfterFinish == 0)
                if index == 0 { changesAfterFirst = try await Self.stats(handle, multi).epollChanges }
            }
            let stats = try await Self.stats(handle, multi)
            #expect(upstream.acceptedConnections == 1)
            #expect(upstream.requests.count == 8)
            #expect(upstream.requests.allSatisfy { $0.uri == "/api/items?x=1" && $0.values("X-Auth-User-Id") == ["7"] && $0.values("Accept").isEmpty })
            #expect(stats.active == 0 && stats.idle == 1)
            #expect(stats.registered == 1)
            #expect(stats.epollChanges == changesAfterFirst, "epoll_ctl calls: \(changesAfterFirst) after the first request, \(stats.epollChanges) after 8")
        }
    }

    @Test("a host name goes through libcurl's resolver thread; its socketpair is watched eagerly, the fd reuse handled")
    func hostNameThroughResolver() async throws {
        // A name from /etc/hosts for 127.0.0.1 other than "localhost" (which libcurl answers itself).
        var name = [CChar](repeating: 0, count: 256)
        gethostname(&name, name.count)
        let host = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var hints = addrinfo()
        hints.ai_family = AF_INET
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return }
        let isLoopback = first.pointee.ai_addr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
            $0.pointee.sin_addr.s_addr == UInt32(0x7f00_0001).bigEndian
        }
        freeaddrinfo(result)
        guard isLoopback, host != "localhost" else { return }

        let upstream = try await TestUpstreamServer.start(group: Self.nio) { _ in
            .respond(status: 200, headers: [("Content-Length", "2")], body: ByteBuffer(string: "ok"))
        }
        defer { Task { try? await upstream.stop() } }
        try await withLoopGroup { group in
            let handle = group.loops[0]
            for _ in 0..<5 {
                // A fresh multi each time: an empty DNS cache, so every round resolves in the resolver thread.
                let multi = try await Self.makeMulti(handle, .init())
                let record = try await Self.fetch(
                    handle, multi, LoopUpstreamRequest(method: "GET", url: "http://\(host):\(upstream.port)/n", connectTimeout: .seconds(5)),
                    timeout: .seconds(20))
                #expect(record.ended && record.status == 200, "\(String(describing: record.error))")
                let foreign = try await handle.submit { _ in multi.value.foreignWatches }
                print("resolving \(host): libcurl asked to watch \(foreign) descriptor(s) it did not open through us")
                try await handle.submit { _ in multi.value.close() }
            }
            #expect(upstream.requests.count == 5)
        }
    }

    @Test("a 50 MB answer streams through a delegate that pauses: bytes held stay bounded, every byte arrives")
    func streamedAnswerWithPauses() async throws {
        let total = 50 * 1024 * 1024
        let upstream = try await TestUpstreamServer.start(group: Self.nio) { _ in .streamed(total: total, chunkSize: 256 * 1024) }
        defer { Task { try? await upstream.stop() } }
        try await withLoopGroup { group in
            let handle = group.loops[0]
            let multi = try await Self.makeMulti(handle)
            let record = try await Self.fetch(
                handle, multi, LoopUpstreamRequest(method: "GET", url: "http://127.0.0.1:\(upstream.port)/big"), timeout: .seconds(100)
            ) { delegate in
                delegate.checkPattern = true
                delegate.holdLimit = 256 * 1024
            }
            #expect(record.ended && record.error == nil)
            #expect(record.bodyBytes == total)
            #expect(record.patternMismatches == 0)
            #expect(record.maxHeld <= 256 * 1024)
            #expect(record.pauses > 10)
            #expect(record.offLoopCalls == 0)
            print("50 MB streamed: \(record.pauses) pauses, at most \(record.maxHeld) bytes held by the delegate")
        }
    }

    @Test("a request body from a slow producer streams with back-pressure", arguments: [false, true])
    func streamedRequestBody(knownLength: Bool) async throws {
        let total = 300 * 1024 + 17
        let upstream = try await TestUpstreamServer.start(group: Self.nio) { _ in
            .respond(status: 201, headers: [("Content-Length", "2")], body: ByteBuffer(string: "ok"))
        }
        defer { Task { try? await upstream.stop() } }
        try await withLoopGroup { group in
            let handle = group.loops[0]
            let multi = try await Self.makeMulti(handle, .init(requestBodyBufferSize: 16 * 1024))
            let body = TestUpstreamServer.pattern(total)
            let bodyBytes = Array(body.readableBytesView)
            let spaceNotices = Shared<Int>(0)
            let request = LoopUpstreamRequest(
                method: "POST", url: "http://127.0.0.1:\(upstream.port)/upload",
                headers: [("Content-Type", "application/octet-stream")], body: knownLength ? .length(total) : .chunked)
            let record = try await Self.fetch(handle, multi, request, configure: { delegate in
                delegate.keepBody = true
            }, started: { delegate in
                // The producer: first slow (10 KiB every 2 ms: libcurl drains the buffer and pauses on an
                // empty one), then as fast as it can (the 16 KiB buffer fills: it waits for upstreamRequestBodySpace).
                let offset = LoopBox(0)
                let waitingForSpace = LoopBox(false)
                func pump() {
                    guard let transfer = delegate.transfer, offset.value < total else { return }
                    let slow = offset.value < 100 * 1024
                    while offset.value < total {
                        let piece = min(slow ? 10 * 1024 : 64 * 1024, total - offset.value)
                        let taken = bodyBytes[offset.value..<(offset.value + piece)].withUnsafeBytes { transfer.writeBody($0) }
                        offset.value += taken
                        if offset.value == total {
                            transfer.finishBody()
                            delegate.onBodySpace = nil  // it captures the delegate: a cycle that kept the loop alive
                            return
                        }
                        if taken < piece {
                            waitingForSpace.value = true
                            return
                        }
                        if slow {
                            delegate.loop.schedule(after: .milliseconds(2)) { pump() }
                            return
                        }
                    }
                }
                delegate.onBodySpace = { _ in
                    spaceNotices.withLock { $0 += 1 }
                    guard waitingForSpace.value else { return }
                    waitingForSpace.value = false
                    pump()
                }
                pump()
            })
            #expect(record.ended && record.error == nil)
            #expect(record.status == 201)
            let received = try #require(upstream.requests.first)
            #expect(received.method == "POST")
            #expect(received.body == body)
            if knownLength {
                #expect(received.values("Content-Length") == ["\(total)"])
                #expect(received.values("Transfer-Encoding").isEmpty)
            } else {
                #expect(received.values("Transfer-Encoding") == ["chunked"])
                #expect(received.values("Content-Length").isEmpty)
            }
            #expect(received.values("Expect").isEmpty)
            #expect(spaceNotices.withLock { $0 } > 0, "the 16 KiB buffer filled up at least once")
        }
    }

    @Test("an upstream that refuses the connection fails the transfer with connectFailed")
    func refused() async throws {
        let port = try TestSockets.refusedPort()
        try await withLoopGroup { group in
            let handle = group.loops[0]
            let multi = try await Self.makeMulti(handle)
            let record = try await Self.fetch(handle, multi, LoopUpstreamRequest(method: "GET", url: "http://127.0.0.1:\(port)/"))
            #expect(record.error == .connectFailed)
            #expect(record.status == nil)
            let stats = try await Self.stats(handle, multi)
            #expect(stats.active == 0 && stats.idle == 1)
        }
    }

    @Test("an upstream that never answers fails with timedOut at the first-byte deadline")
    func neverAnswers() async throws {
        let upstream = try await TestUpstreamServer.start(group: Self.nio) { _ in .never }
        defer { Task { try? await upstream.stop() } }
        try await withLoopGroup { group in
            let handle = group.loops[0]
            let multi = try await Self.makeMulti(handle)
            let started = ContinuousClock.now
            let record = try await Self.fetch(
                handle, multi,
                LoopUpstreamRequest(method: "GET", url: "http://127.0.0.1:\(upstream.port)/", firstByteTimeout: .milliseconds(300)),
                timeout: .seconds(10))
            let elapsed = ContinuousClock.now - started
            #expect(record.error == .timedOut)
            #expect(elapsed >= .milliseconds(290) && elapsed < .seconds(3), "timed out after \(elapsed)")
            try await upstream.waitForClosedConnections(1)  // the half-done exchange's connection is not kept
            #expect(try await Self.stats(handle, multi).active == 0)
        }
    }

    @Test("the total deadline counts time spent paused")
    func totalDeadlineWhilePaused() async throws {
        // 4 MiB written at once: the answer is there as soon as libcurl reads; the client never drains.
        let total = 4 * 1024 * 1024
        let upstream = try await RawUpstreamServer.start(
            answer: "HTTP/1.1 200 OK\r\nContent-Length: \(total)\r\n\r\n" + String(repeating: "x", count: total))
        defer { Task { try? await upstream.stop() } }
        try await withLoopGroup { group in
            let handle = group.loops[0]
            let multi = try await Self.makeMulti(handle)
            let started = ContinuousClock.now
            let record = try await Self.fetch(
                handle, multi,
                LoopUpstreamRequest(method: "GET", url: "http://127.0.0.1:\(upstream.port)/", totalTimeout: .seconds(2)),
                timeout: .seconds(10)
            ) { delegate in
                delegate.holdLimit = 64 * 1024
                delegate.drainEvery = .seconds(30)  // a client that never reads
            }
            let elapsed = ContinuousClock.now - started
            #expect(record.error == .timedOut)
            #expect(record.status == 200)
            #expect(record.pauses >= 1)
            #expect(record.bodyBytes <= 64 * 1024)
            #expect(elapsed >= .milliseconds(1990) && elapsed < .seconds(6), "timed out after \(elapsed)")
        }
    }

    @Test("stopping the loop fails the transfers in flight with shutdown and frees libcurl")
    func shutdownFailsInFlight() async throws {
        let upstream = try await TestUpstreamServer.start(group: Self.nio) { _ in .never }
        defer { Task { try? await upstream.stop() } }
        let group = try LoopGroup(count: 1, namePrefix: "test-loop")
        let handle = group.loops[0]
        let multi = try await Self.makeMulti(handle)
        let done = TestSignal<UpstreamRecord>()
        try await handle.submit { loop in
            let delegate = RecordingDelegate(loop: loop, done: done)
            delegate.transfer = multi.value.start(LoopUpstreamRequest(method: "GET", url: "http://127.0.0.1:\(upstream.port)/"), delegate: delegate)
        }
        try await upstream.waitForRequests(1)
        group.shutdown()
        let record = try #require(await done.wait(timeout: .seconds(5)))
        #expect(record.error == .shutdown)
        #expect(record.offLoopCalls == 0)
        try await upstream.waitForClosedConnections(1)
    }

    @Test("cancelling mid-answer frees the handle at once, closes that connection, and the multi stays usable")
    func cancelMidAnswer() async throws {
        let upstream = try await TestUpstreamServer.start(group: Self.nio) { request in
            request.uri == "/big" ? .streamed(total: 20 * 1024 * 1024, chunkSize: 64 * 1024)
                : .respond(status: 200, headers: [("Content-Length", "2")], body: ByteBuffer(string: "ok"))
        }
        defer { Task { try? await upstream.stop() } }
        try await withLoopGroup { group in
            let handle = group.loops[0]
            let multi = try await Self.makeMulti(handle)
            let cancelled = TestSignal<(bytes: Int, active: Int, idle: Int)>()
            let done = TestSignal<UpstreamRecord>()
            try await handle.submit { loop in
                let delegate = RecordingDelegate(loop: loop, done: done)
                delegate.onBody = { delegate in
                    guard delegate.record.bodyBytes >= 1024 * 1024, let transfer = delegate.transfer else { return }
                    delegate.transfer = nil
                    transfer.cancel()  // inside libcurl's write callback: deferred until libcurl returns
                    loop.runSoon {
                        cancelled.fulfil((delegate.record.bodyBytes, multi.value.activeTransfers, multi.value.idleHandles))
                    }
                }
                delegate.transfer = multi.value.start(
                    LoopUpstreamRequest(method: "GET", url: "http://127.0.0.1:\(upstream.port)/big"), delegate: delegate)
            }
            let state = try #require(await cancelled.wait())
            #expect(state.bytes >= 1024 * 1024 && state.bytes < 20 * 1024 * 1024)
            #expect(state.active == 0)
            #expect(state.idle == 1)
            try await upstream.waitForClosedConnections(1)
            #expect(await done.wait(timeout: .milliseconds(200)) == nil, "no end or failure after cancel")

            let next = try await Self.fetch(handle, multi, LoopUpstreamRequest(method: "GET", url: "http://127.0.0.1:\(upstream.port)/small"))
            #expect(next.ended && next.status == 200)
            #expect(upstream.acceptedConnections == 2)
        }
    }

    @Test("ambiguous upstream framing is a framing error (502), never forwarded", arguments: [
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
        "HTTP/1.1 200 OK\r\nContent-Length: 5x\r\n\r\nhello",
    ])
    func framingError(answer: String) async throws {
        let upstream = try await RawUpstreamServer.start(answer: answer)
        defer { Task { try? await upstream.stop() } }
        try await withLoopGroup { group in
            let handle = group.loops[0]
            let multi = try await Self.makeMulti(handle)
            let record = try await Self.fetch(handle, multi, LoopUpstreamRequest(method: "GET", url: "http://127.0.0.1:\(upstream.port)/"))
            #expect(record.error == .invalidFraming)
            #expect(record.status == nil, "the head is not delivered")
            #expect(record.bodyBytes == 0)
        }
    }

    @Test("identical repeated Content-Lengths are accepted")
    func identicalContentLengths() async throws {
        let upstream = try await RawUpstreamServer.start(answer: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello")
        defer { Task { try? await upstream.stop() } }
        try await withLoopGroup { group in
            let handle = group.loops[0]
            let multi = try await Self.makeMulti(handle)
            let record = try await Self.fetch(handle, multi, LoopUpstreamRequest(method: "GET", url: "http://127.0.0.1:\(upstream.port)/")) {
                $0.keepBody = true
            }
            #expect(record.ended && record.status == 200)
            #expect(String(decoding: record.body, as: UTF8.self) == "hello")
        }
    }

    @Test("2 loops x 25 concurrent transfers: every callback runs on its own loop's thread")
    func twoLoopsConcurrent() async throws {
        let upstream = try await TestUpstreamServer.start(group: Self.nio) { _ in
            .respond(status: 200, headers: [("Content-Length", "4096")], body: TestUpstreamServer.pattern(4096))
        }
        defer { Task { try? await upstream.stop() } }
        try await withLoopGroup(2) { group in
            var multis: [LoopBound<LoopCurlMulti>] = []
            for handle in group.loops { multis.append(try await Self.makeMulti(handle)) }
            var signals: [TestSignal<UpstreamRecord>] = []
            for (index, handle) in group.loops.enumerated() {
                let multi = multis[index]
                let batch = (0..<25).map { _ in TestSignal<UpstreamRecord>() }
                signals += batch
                try await handle.submit { loop in
                    for signal in batch {
                        let delegate = RecordingDelegate(loop: loop, done: signal)
                        delegate.checkPattern = true
                        delegate.transfer = multi.value.start(
                            LoopUpstreamRequest(method: "GET", url: "http://127.0.0.1:\(upstream.port)/c"), delegate: delegate)
                    }
                }
            }
            for signal in signals {
                let record = try #require(await signal.wait())
                #expect(record.ended && record.status == 200)
                #expect(record.bodyBytes == 4096 && record.patternMismatches == 0)
                #expect(record.offLoopCalls == 0)
            }
            for (index, handle) in group.loops.enumerated() {
                let stats = try await Self.stats(handle, multis[index])
                #expect(stats.active == 0)
            }
            #expect(upstream.requests.count == 50)
        }
    }
}
