import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A scriptable HTTP/1.1 upstream on 127.0.0.1, port 0. It records every request that arrived (method,
/// raw request target, headers in order, body) and counts accepted and closed connections; `reply`
/// decides, per request, what to send back.
final class TestUpstreamServer: Sendable {
    struct Request: Sendable {
        let method: String
        let uri: String
        let headers: [(name: String, value: String)]
        let body: ByteBuffer

        func values(_ name: String) -> [String] {
            self.headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
        }
    }

    indirect enum Reply: Sendable {
        /// Status, headers exactly as given (add your own Content-Length), optional body.
        case respond(status: Int, headers: [(String, String)], body: ByteBuffer?)
        /// A `Transfer-Encoding: chunked` response, one chunk per buffer, flushed one by one.
        case chunked(status: Int, headers: [(String, String)], chunks: [ByteBuffer])
        /// A `103 Early Hints` interim response with `hints`, then `.respond`.
        case earlyHintsThen(hints: [(String, String)], status: Int, headers: [(String, String)], body: ByteBuffer?)
        /// Never answers.
        case never
        /// `reply`, sent once `delay` has passed (a slow upstream).
        case delayed(Duration, Reply)
        /// Head with `Content-Length: total`, `sent` bytes of the pattern body, then a close once `closeWhen` completes.
        case partialThenClose(total: Int, sent: Int, closeWhen: EventLoopFuture<Void>)
        /// `total` bytes of the pattern body, written `chunkSize` at a time, each after the previous reached the kernel.
        case streamed(total: Int, chunkSize: Int)
    }

    fileprivate struct State {
        var requests: [Request] = []
        var accepted = 0
        var closed = 0
        var streamedBytes = 0
        var waiters: [(condition: @Sendable (State) -> Bool, promise: EventLoopPromise<Void>)] = []
    }

    let port: Int
    private let channel: any Channel
    private let group: any EventLoopGroup
    private let state = Mutex(State())

    private init(channel: any Channel, group: any EventLoopGroup) {
        self.channel = channel
        self.group = group
        self.port = channel.localAddress!.port!
    }

    static func start(
        group: any EventLoopGroup,
        sendBufferSize: Int? = nil,
        reply: @escaping @Sendable (Request) -> Reply
    ) async throws -> TestUpstreamServer {
        let box = Mutex<TestUpstreamServer?>(nil)
        var bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let server = box.withLock { $0 }!
                    server.update { $0.accepted += 1 }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(Connection(server: server, reply: reply))
                }
            }
        if let sendBufferSize {
            bootstrap = bootstrap.childChannelOption(ChannelOptions.socketOption(.so_sndbuf), value: SocketOptionValue(sendBufferSize))
        }
        let channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        let server = TestUpstreamServer(channel: channel, group: group)
        box.withLock { $0 = server }
        return server
    }

    func stop() async throws {
        try await self.channel.close()
    }

    var requests: [Request] { self.state.withLock { $0.requests } }
    var acceptedConnections: Int { self.state.withLock { $0.accepted } }
    var closedConnections: Int { self.state.withLock { $0.closed } }
    /// Body bytes of `.streamed` replies that have reached the kernel so far.
    var streamedBytes: Int { self.state.withLock { $0.streamedBytes } }

    /// Completes once `count` requests have arrived.
    func waitForRequests(_ count: Int) async throws {
        try await self.wait { $0.requests.count >= count }
    }

    /// Completes once `count` connections have closed.
    func waitForClosedConnections(_ count: Int) async throws {
        try await self.wait { $0.closed >= count }
    }

    private func wait(until condition: @escaping @Sendable (State) -> Bool) async throws {
        let promise = self.group.any().makePromise(of: Void.self)
        let done: Bool = self.state.withLock { state in
            if condition(state) { return true }
            state.waiters.append((condition, promise))
            return false
        }
        if done { promise.succeed() }
        try await promise.futureResult.get()
    }

    fileprivate func update(_ change: (inout State) -> Void) {
        let ready: [EventLoopPromise<Void>] = self.state.withLock { state in
            change(&state)
            var ready: [EventLoopPromise<Void>] = []
            let snapshot = state
            state.waiters.removeAll { waiter in
                guard waiter.condition(snapshot) else { return false }
                ready.append(waiter.promise)
                return true
            }
            return ready
        }
        for promise in ready { promise.succeed() }
    }

    /// The body every test compares against: byte `i` is `(i * 31 + seed) % 251`.
    static func pattern(_ count: Int, seed: Int = 0) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(count)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { pointer in
            for index in 0..<count { pointer[index] = UInt8((index &* 31 &+ seed) % 251) }
            return count
        }
        return buffer
    }

    private final class Connection: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        private let server: TestUpstreamServer
        private let reply: @Sendable (Request) -> Reply
        private var head: HTTPRequestHead?
        private var body = ByteBuffer()

        init(server: TestUpstreamServer, reply: @escaping @Sendable (Request) -> Reply) {
            self.server = server
            self.reply = reply
        }

        func channelInactive(context: ChannelHandlerContext) {
            self.server.update { $0.closed += 1 }
            context.fireChannelInactive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch self.unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                self.body.clear()
            case .body(var part):
                self.body.writeBuffer(&part)
            case .end:
                guard let head = self.head else { return }
                let request = Request(
                    method: head.method.rawValue, uri: head.uri,
                    headers: head.headers.map { (name: $0.name, value: $0.value) }, body: self.body)
                self.body = ByteBuffer()
                self.server.update { $0.requests.append(request) }
                self.answer(self.reply(request), context: context)
            }
        }

        private func answer(_ reply: Reply, context: ChannelHandlerContext) {
            func head(_ status: Int, _ headers: [(String, String)]) -> HTTPServerResponsePart {
                .head(HTTPResponseHead(version: .http1_1, status: .init(statusCode: status), headers: HTTPHeaders(headers)))
            }
            switch reply {
            case .respond(let status, let headers, let body):
                context.write(self.wrapOutboundOut(head(status, headers)), promise: nil)
                if let body { context.write(self.wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
                context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
            case .chunked(let status, let headers, let chunks):
                context.writeAndFlush(self.wrapOutboundOut(head(status, headers + [("Transfer-Encoding", "chunked")])), promise: nil)
                for chunk in chunks { context.writeAndFlush(self.wrapOutboundOut(.body(.byteBuffer(chunk))), promise: nil) }
                context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
            case .earlyHintsThen(let hints, let status, let headers, let body):
                context.write(self.wrapOutboundOut(head(103, hints)), promise: nil)
                self.answer(.respond(status: status, headers: headers, body: body), context: context)
            case .never:
                break
            case .delayed(let delay, let reply):
                let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                context.eventLoop.scheduleTask(in: .milliseconds(Int64(delay / .milliseconds(1)))) {
                    let (handler, context) = bound.value
                    handler.answer(reply, context: context)
                }
            case .partialThenClose(let total, let sent, let closeWhen):
                context.write(self.wrapOutboundOut(head(200, [("Content-Length", "\(total)")])), promise: nil)
                let partial = TestUpstreamServer.pattern(total).getSlice(at: 0, length: sent)!
                context.writeAndFlush(self.wrapOutboundOut(.body(.byteBuffer(partial))), promise: nil)
                let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
                closeWhen.hop(to: context.eventLoop).whenComplete { _ in bound.value.close(promise: nil) }
            case .streamed(let total, let chunkSize):
                context.writeAndFlush(self.wrapOutboundOut(head(200, [("Content-Length", "\(total)")])), promise: nil)
                self.stream(TestUpstreamServer.pattern(total), chunkSize: chunkSize, context: context)
            }
        }

        private func stream(_ all: ByteBuffer, chunkSize: Int, context: ChannelHandlerContext) {
            var remaining = all
            guard remaining.readableBytes > 0 else {
                context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
                return
            }
            let chunk = remaining.readSlice(length: min(chunkSize, remaining.readableBytes))!
            let rest = remaining
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            context.writeAndFlush(self.wrapOutboundOut(.body(.byteBuffer(chunk)))).whenSuccess {
                let (handler, context) = bound.value
                handler.server.update { $0.streamedBytes += chunk.readableBytes }
                handler.stream(rest, chunkSize: chunkSize, context: context)
            }
        }
    }
}
