import Foundation
import CJWTGateCurlShims
import NIOCore
import NIOPosix
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

@testable import JWTGateServer

/// Runs `body` with a started `LoopGroup` and always shuts it down.
func withLoopGroup<T>(_ count: Int = 1, _ body: (LoopGroup) async throws -> T) async throws -> T {
    let group = try LoopGroup(count: count, namePrefix: "test-loop")
    do {
        let result = try await body(group)
        group.shutdown()
        return result
    } catch {
        group.shutdown()
        throw error
    }
}

/// A one-shot result that a loop (or any thread) fills and a test awaits, with a bound on the wait.
final class TestSignal<Value: Sendable>: Sendable {
    private struct State {
        var value: Value?
        var waiter: CheckedContinuation<Value?, Never>?
    }

    private let state = Mutex(State())

    func fulfil(_ value: Value) {
        let waiter: CheckedContinuation<Value?, Never>? = self.state.withLock { state in
            guard state.value == nil else { return nil }
            state.value = value
            let waiter = state.waiter
            state.waiter = nil
            return waiter
        }
        waiter?.resume(returning: value)
    }

    /// The value, or nil after `timeout` (a bounded wait: a stuck test fails instead of hanging).
    func wait(timeout: Duration = .seconds(20)) async -> Value? {
        let timer = Task {
            try? await Task.sleep(for: timeout)
            let waiter: CheckedContinuation<Value?, Never>? = self.state.withLock { state in
                let waiter = state.waiter
                state.waiter = nil
                return waiter
            }
            waiter?.resume(returning: nil)
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { continuation in
            let ready: Value? = self.state.withLock { state in
                if let value = state.value { return value }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}

/// A stream of events from loop callbacks to a test, awaited one at a time with a bound.
final class TestEvents<Event: Sendable>: Sendable {
    let stream: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation

    init() { (self.stream, self.continuation) = AsyncStream.makeStream(of: Event.self) }

    func send(_ event: Event) { self.continuation.yield(event) }

    /// The next `count` events, or fewer if `timeout` passes first.
    func next(_ count: Int, timeout: Duration = .seconds(10)) async -> [Event] {
        let signal = TestSignal<[Event]>()
        let collector = Task {
            var collected: [Event] = []
            for await event in self.stream {
                collected.append(event)
                if collected.count == count { break }
            }
            signal.fulfil(collected)
        }
        let result = await signal.wait(timeout: timeout) ?? []
        collector.cancel()
        return result
    }
}

/// Test-side blocking sockets.
enum TestSockets {
    /// A blocking TCP connection to 127.0.0.1:`port` (or ::1 with `ipv6`); -1 on failure.
    static func connect(port: Int, ipv6: Bool = false) -> Int32 {
        if ipv6 {
            let fd = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = in_port_t(UInt16(port).bigEndian)
            address.sin6_addr = in6addr_loopback
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
            if result != 0 { close(fd); return -1 }
            return fd
        }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if result != 0 { close(fd); return -1 }
        return fd
    }

    /// A port nothing listens on: free when probed, and below the ephemeral range, so no other test's
    /// listener (port 0) or outgoing connection can take it meanwhile — a connection from an ephemeral
    /// port equal to the destination port would connect to itself (TCP self-connect) instead of being refused.
    static func refusedPort() throws -> Int {
        for _ in 0..<100 {
            let candidate = Int.random(in: 20_000..<30_000)
            guard let (fd, port) = try? ListenSocket.open(host: "127.0.0.1", port: candidate) else { continue }
            close(fd)
            return port
        }
        throw TestSupportError("no free port below the ephemeral range")
    }
}

/// An upstream that answers every request head with exactly the bytes it is given (for framing tests).
/// It runs on an event loop of its own, so tests streaming through the shared NIO loops cannot delay it.
final class RawUpstreamServer: Sendable {
    let port: Int
    private let channel: any Channel
    private let group: MultiThreadedEventLoopGroup

    private init(channel: any Channel, group: MultiThreadedEventLoopGroup) {
        self.channel = channel
        self.group = group
        self.port = channel.localAddress!.port!
    }

    static func start(answer: String, closeAfter: Bool = false) async throws -> RawUpstreamServer {
        let bytes = Array(answer.utf8)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Answerer(answer: bytes, closeAfter: closeAfter))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return RawUpstreamServer(channel: channel, group: group)
    }

    func stop() async throws {
        try await self.channel.close()
        try await self.group.shutdownGracefully()
    }

    private final class Answerer: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        private let answer: [UInt8]
        private let closeAfter: Bool
        private var received = ByteBuffer()

        init(answer: [UInt8], closeAfter: Bool) {
            self.answer = answer
            self.closeAfter = closeAfter
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var part = self.unwrapInboundIn(data)
            self.received.writeBuffer(&part)
            let view = self.received.readableBytesView
            guard view.count >= 4, view.firstRange(of: Array("\r\n\r\n".utf8)) != nil else { return }
            self.received.clear()
            let done = context.writeAndFlush(self.wrapOutboundOut(ByteBuffer(bytes: self.answer)))
            if self.closeAfter {
                let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
                done.whenComplete { _ in bound.value.close(promise: nil) }
            }
        }
    }
}

/// What a `RecordingDelegate` saw.
struct UpstreamRecord: Sendable {
    var status: Int?
    var headers: [(name: String, value: String)] = []
    var bodyBytes = 0
    var patternMismatches = 0
    var maxHeld = 0
    var pauses = 0
    var ended = false
    var error: UpstreamError?
    var offLoopCalls = 0
    var callsAfterFinish = 0
    var body: [UInt8] = []
}

/// A client connection's stand-in: records the answer, checks each byte against
/// `TestUpstreamServer.pattern` when asked, and can act like a bounded send buffer: it holds at most
/// `holdLimit` bytes, refuses (pauses) beyond that, and drains on a loop timer every `drainEvery`.
final class RecordingDelegate: LoopUpstreamDelegate {
    var record = UpstreamRecord()
    let done: TestSignal<UpstreamRecord>
    let loop: IOLoop
    var transfer: LoopUpstreamTransfer?
    var checkPattern = false
    var keepBody = false
    var holdLimit: Int?
    var drainEvery: Duration = .milliseconds(1)
    var held = 0
    var drainScheduled = false
    var onBody: ((RecordingDelegate) -> Void)?
    var onBodySpace: ((RecordingDelegate) -> Void)?
    private var finished = false

    init(loop: IOLoop, done: TestSignal<UpstreamRecord>) {
        self.loop = loop
        self.done = done
    }

    private func check() {
        if !self.loop.handle.inLoopThread { self.record.offLoopCalls += 1 }
        if self.finished { self.record.callsAfterFinish += 1 }
    }

    func upstreamHead(status: Int, headers: [(name: String, value: String)]) {
        self.check()
        self.record.status = status
        self.record.headers = headers
    }

    func upstreamBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        self.check()
        if let limit = self.holdLimit {
            if self.held + bytes.count > limit {
                self.record.pauses += 1
                self.scheduleDrain()
                return false
            }
            self.held += bytes.count
            self.record.maxHeld = max(self.record.maxHeld, self.held)
            self.scheduleDrain()
        }
        if self.checkPattern {
            var index = self.record.bodyBytes
            for byte in bytes {
                if byte != UInt8((index &* 31) % 251) { self.record.patternMismatches += 1 }
                index += 1
            }
        }
        if self.keepBody { self.record.body.append(contentsOf: bytes) }
        self.record.bodyBytes += bytes.count
        self.onBody?(self)
        return true
    }

    private func scheduleDrain() {
        guard !self.drainScheduled else { return }
        self.drainScheduled = true
        self.loop.schedule(after: self.drainEvery) { [self] in
            self.drainScheduled = false
            self.held = 0
            self.transfer?.resumeAnswer()
        }
    }

    func upstreamEnd() {
        self.check()
        self.finished = true
        self.record.ended = true
        self.done.fulfil(self.record)
    }

    func upstreamFailed(_ error: UpstreamError) {
        self.check()
        self.finished = true
        self.record.error = error
        self.done.fulfil(self.record)
    }

    func upstreamRequestBodySpace() {
        self.check()
        self.onBodySpace?(self)
    }
}

/// The calling thread's CPU time (loop thread, when run in a loop task).
func currentThreadCPU() -> Duration { .nanoseconds(Int64(jwtgate_loop_thread_cpu_ns())) }

/// Runs `body` on a thread of its own and awaits its result. For timing tests whose client sleeps and
/// blocks on sockets: on Swift's cooperative pool (two threads here) a `Task.sleep` can wake seconds late
/// while other suites' blocking clients hold both threads, which made a 200 ms pause look like an idle
/// connection.
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
        }
    }
}
