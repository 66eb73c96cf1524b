import JWTGateCore
import Logging
import NIOCore
import NIOHTTP1

/// One client connection: collects each request (enforcing the head and body limits), runs it
/// through the pipeline, and writes the answer — the gateway's own, or an upstream's streamed back
/// with backpressure. Lives on its channel's event loop only.
final class HTTPConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    enum State {
        case idle
        case receiving(head: HTTPRequestHead, body: ByteBuffer?, startedAt: UInt64)
        /// An error answer is out; the rest of this request is read and dropped, then the connection closes.
        case discarding
        case waitingForPipeline(head: HTTPRequestHead, startedAt: UInt64)
        case proxying(ProxyExchange)
    }

    let pipeline: RequestPipeline
    let client: UpstreamClient
    var state: State = .idle
    var context: ChannelHandlerContext?
    private var requestTimer: Scheduled<Void>?
    /// The body cap of the request being received: `max_body_bytes`, or the token views' smaller one.
    private var bodyLimit = 0
    /// Monotonic time of the last request head or finished answer (idle_timeout).
    private var lastActive: UInt64 = GatewayClock.monotonicNanoseconds()
    /// The client's address as bytes and text, worked out at the connection's first request (it
    /// cannot change; formatting it cost an allocation and inet_ntop on every request).
    private var peer: (bytes: [UInt8], text: String)?

    init(pipeline: RequestPipeline, client: UpstreamClient) {
        self.pipeline = pipeline
        self.client = client
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        pipeline.state.openConnections.add(1, ordering: .relaxed)
        pipeline.state.register(context.channel)
        pipeline.metrics.openConnections.increment()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        pipeline.state.openConnections.subtract(1, ordering: .relaxed)
        pipeline.state.unregister(context.channel)
        pipeline.metrics.openConnections.decrement()
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            receiveHead(head, context: context)
        case .body(var chunk):
            guard case .receiving(let head, var body, let startedAt) = state else { return }
            let total = (body?.readableBytes ?? 0) + chunk.readableBytes
            guard total <= bodyLimit else {
                reject(DRFAnswers.payloadTooLarge, head: head, startedAt: startedAt, context: context)
                return
            }
            if body == nil { body = chunk } else { body!.writeBuffer(&chunk) }
            state = .receiving(head: head, body: body, startedAt: startedAt)
        case .end:
            requestTimer?.cancel()
            requestTimer = nil
            switch state {
            case .receiving(let head, let body, let startedAt):
                dispatch(head: head, body: body, startedAt: startedAt, context: context)
            case .discarding:
                context.close(promise: nil)
            default:
                break
            }
        }
    }

    private func receiveHead(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let startedAt = GatewayClock.monotonicNanoseconds()
        lastActive = startedAt
        let limits = pipeline.runtime.config.server
        var headBytes = head.uri.utf8.count + 16
        for (name, value) in head.headers { headBytes += name.utf8.count + value.utf8.count + 4 }
        if headBytes > limits.maxHeaderBytes {
            reject(DRFAnswers.headersTooLarge, head: head, startedAt: startedAt, context: context)
            return
        }
        // Only a request that announces a body pays for working out which cap applies.
        let announcesBody = head.headers.contains(name: "content-length") || head.headers.contains(name: "transfer-encoding")
        bodyLimit = announcesBody ? pipeline.runtime.bodyLimit(forTarget: head.uri) : limits.maxBodyBytes
        if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > bodyLimit {
            reject(DRFAnswers.payloadTooLarge, head: head, startedAt: startedAt, context: context)
            return
        }
        state = .receiving(head: head, body: nil, startedAt: startedAt)
        if let expect = head.headers.first(name: "expect"), expect.lowercased() == "100-continue" {
            // The client waits for this before sending its body; the upstream never sees the Expect.
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .continue))), promise: nil)
        }
    }

    /// A request still incomplete after a read burst gets a deadline (request_timeout); most requests
    /// arrive whole in one burst and never pay for a timer.
    func channelReadComplete(context: ChannelHandlerContext) {
        if case .receiving = state, requestTimer == nil {
            let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
            let timeout = pipeline.runtime.config.server.requestTimeout
            requestTimer = context.eventLoop.scheduleTask(in: .nanoseconds(Int64(timeout.nanoseconds))) {
                let handler = loopBound.value
                guard case .receiving(let head, _, let startedAt) = handler.state, let context = handler.context else { return }
                handler.reject(DRFAnswers.requestTimeout, head: head, startedAt: startedAt, context: context)
                context.close(promise: nil)
            }
        }
        context.fireChannelReadComplete()
    }

    private func reject(_ answer: GatewayAnswer, head: HTTPRequestHead, startedAt: UInt64, context: ChannelHandlerContext) {
        requestTimer?.cancel()
        requestTimer = nil
        state = .discarding
        write(answer, head: head, target: pipeline.metrics.unmatched, startedAt: startedAt, context: context)
    }

    private func dispatch(head: HTTPRequestHead, body: ByteBuffer?, startedAt: UInt64, context: ChannelHandlerContext) {
        let peer = self.peer ?? {
            let address = context.channel.remoteAddress
            let known = (bytes: address.map(Self.addressBytes) ?? [], text: address?.ipAddress ?? "")
            self.peer = known
            return known
        }()
        let request = GatewayRequest(head: RequestHead(nio: head), body: body, peerBytes: peer.bytes, peerText: peer.text, startedAt: startedAt)
        state = .waitingForPipeline(head: head, startedAt: startedAt)
        switch pipeline.handle(request) {
        case .done(let result):
            act(on: result, head: head, startedAt: startedAt, context: context)
        case .blocking(let work):
            pipeline.threadPool.runIfActive(eventLoop: context.eventLoop, work).assumeIsolated().whenComplete { [self] result in
                guard let context = self.context, case .waitingForPipeline = self.state else { return }
                switch result {
                case .success(let result): act(on: result, head: head, startedAt: startedAt, context: context)
                case .failure: write(DRFAnswers.shuttingDown, head: head, target: pipeline.metrics.unmatched, startedAt: startedAt, context: context)
                }
            }
        }
    }

    private func act(on result: PipelineResult, head: HTTPRequestHead, startedAt: UInt64, context: ChannelHandlerContext) {
        switch result {
        case .answer(let answer, let target):
            write(answer, head: head, target: target, startedAt: startedAt, context: context)
        case .forward(let plan):
            let grant = pipeline.takeTransferSlot(for: plan, cap: pipeline.runtime.config.server.maxTransfersPerClient)
            if case .refused = grant {
                write(DRFAnswers.tooManyTransfers, head: head, target: plan.target, startedAt: startedAt, context: context)
                return
            }
            let exchange = ProxyExchange(plan: plan, requestHead: head, startedAt: startedAt)
            if case .held(let client) = grant { exchange.transferSlot = client }
            state = .proxying(exchange)
            exchange.transfer = client.execute(plan.request, on: context.eventLoop, handler: self)
        }
    }

    /// Writes one gateway answer and returns to idle (or closes when the answer or the drain says so).
    func write(_ answer: GatewayAnswer, head: HTTPRequestHead, target: GatewayMetrics.Series, startedAt: UInt64,
               context: ChannelHandlerContext, traceID: String? = nil) {
        // Built as one array: the gateway's own answers carry fixed ASCII names, so HTTPHeaders.add's
        // per-name check would only repeat work.
        var fields: [(String, String)] = []
        fields.reserveCapacity(answer.headers.count + 2)
        for (name, value) in answer.headers { fields.append((name, value)) }
        fields.append(("Content-Length", String(answer.body.count)))
        let keepAlive = head.isKeepAlive && !answer.closeConnection && !pipeline.state.isDraining
        if !keepAlive { fields.append(("Connection", "close")) }
        let responseHead = HTTPResponseHead(version: head.version, status: HTTPResponseStatus(statusCode: answer.status),
                                            headers: HTTPHeaders(fields))
        context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        if !answer.body.isEmpty && head.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: answer.body)))), promise: nil)
        }
        pipeline.metrics.recordGatewayAnswer(status: answer.status, target: target)
        let finished = finish(target: target, status: answer.status, head: head, startedAt: startedAt, userID: nil, traceID: traceID)
        if case .discarding = state {} else { state = .idle }
        if keepAlive {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        } else {
            let promise = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: promise)
            promise.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
        _ = finished
    }

    /// Metrics and the access log for a finished request. `traceID` is the forwarded trace's; a request
    /// the gateway answered itself is logged under the client's valid trace id or a new one.
    @discardableResult
    func finish(target: GatewayMetrics.Series, status: Int, head: HTTPRequestHead, startedAt: UInt64, userID: String?,
                traceID: String? = nil) -> UInt64 {
        let now = GatewayClock.monotonicNanoseconds()
        lastActive = now
        let elapsed = now &- startedAt
        target.record(status: status, nanoseconds: elapsed)
        AccessLog.record(logger: pipeline.logger, enabled: pipeline.runtime.config.logging.accessLog, method: head.method.rawValue, target: head.uri,
                         status: status, nanoseconds: elapsed, userID: userID,
                         traceID: traceID ?? TraceContext.traceID(traceparents: head.headers["traceparent"]))
        return elapsed
    }

    func channelInactive(context: ChannelHandlerContext) {
        requestTimer?.cancel()
        if case .proxying(let exchange) = state {
            exchange.transfer?.cancel()
            pipeline.releaseTransferSlot(&exchange.transferSlot)
        }
        state = .idle
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if case .proxying(let exchange) = state, context.channel.isWritable, exchange.paused {
            exchange.paused = false
            exchange.transfer?.resume()
        }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .idle = state {
            if event is DrainEvent {
                context.close(promise: nil)
                return
            }
            if event is IdleCheckEvent {
                let idleFor = GatewayClock.monotonicNanoseconds() &- lastActive
                if idleFor > pipeline.runtime.config.server.idleTimeout.nanoseconds { context.close(promise: nil) }
                return
            }
        }
        if event is IdleCheckEvent { return }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    static func addressBytes(_ address: SocketAddress) -> [UInt8] {
        switch address {
        case .v4(let v4):
            return withUnsafeBytes(of: v4.address.sin_addr) { Array($0) }
        case .v6(let v6):
            return withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
        default:
            return []
        }
    }
}

@available(*, unavailable)
extension HTTPConnectionHandler: Sendable {}
