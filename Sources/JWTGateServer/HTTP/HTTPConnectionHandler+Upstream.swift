import JWTGateCore
import NIOCore
import NIOHTTP1

/// The upstream's answer streamed to the client: status and headers (hop-by-hop removed), body parts
/// as they come with backpressure (the transfer pauses while the client socket is full), then the end.
extension HTTPConnectionHandler: UpstreamResponseHandler {
    func upstreamResponseHead(status: Int, headers: [(name: String, value: String)]) {
        guard case .proxying(let exchange) = state, let context else { return }
        exchange.responseStatus = status
        exchange.plan.target.recordUpstreamResponse(nanoseconds: GatewayClock.monotonicNanoseconds() &- exchange.upstreamStartedAt)
        let pool = exchange.plan.match.route.upstreams
        if pool.targets.count > 1 { pool.reportSuccess(exchange.plan.upstream) }
        var responseHeaders = HTTPHeaders()
        for (name, value) in DownstreamResponseHeaders.filter(headers) { responseHeaders.add(name: name, value: value) }
        exchange.keepAlive = exchange.requestHead.isKeepAlive && !pipeline.state.isDraining
        if !exchange.keepAlive { responseHeaders.replaceOrAdd(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: exchange.requestHead.version, status: HTTPResponseStatus(statusCode: status),
                                    headers: responseHeaders)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
    }

    func upstreamResponseBodyPart(_ part: ByteBuffer) {
        guard case .proxying(let exchange) = state, let context else { return }
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(part))), promise: nil)
        if !context.channel.isWritable && !exchange.paused {
            exchange.paused = true
            exchange.transfer?.pause()
        }
    }

    func upstreamResponseEnd() {
        guard case .proxying(let exchange) = state, let context else { return }
        state = .idle
        pipeline.releaseTransferSlot(&exchange.transferSlot)
        let status = exchange.responseStatus ?? 502
        finish(target: exchange.plan.target, status: status, head: exchange.requestHead, startedAt: exchange.startedAt,
               userID: exchange.plan.userID, traceID: exchange.plan.traceID)
        if exchange.keepAlive {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        } else {
            let promise = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: promise)
            promise.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }

    func upstreamFailed(_ error: UpstreamError) {
        guard case .proxying(let exchange) = state, let context else { return }
        let metrics = pipeline.metrics
        if error.isTimeout {
            metrics.upstreamTimeouts.increment()
        } else if error.refusedConnection {
            metrics.upstreamConnectErrors.increment()
            exchange.plan.match.route.upstreams.reportFailure(exchange.plan.upstream)
            if exchange.responseStatus == nil, let retry = pipeline.retarget(exchange.plan) {
                let next = ProxyExchange(plan: retry, requestHead: exchange.requestHead, startedAt: exchange.startedAt)
                next.transferSlot = exchange.transferSlot  // the same request: its slot moves, it is not taken twice
                exchange.transferSlot = nil
                state = .proxying(next)
                next.transfer = client.execute(retry.request, on: context.eventLoop, handler: self)
                return
            }
        } else {
            metrics.upstreamResets.increment()
        }
        pipeline.releaseTransferSlot(&exchange.transferSlot)  // not retried: this request's transfers are over
        pipeline.logger.warning("upstream.failed", metadata: [
            "request.id": "\(exchange.plan.requestID)", "trace.id": "\(exchange.plan.traceID)", "upstream": "\(exchange.plan.upstream)", "error": "\(error)",
        ])
        guard exchange.responseStatus == nil else {
            // The head is already out: the only honest signal left is to cut the connection.
            state = .idle
            finish(target: exchange.plan.target, status: 502, head: exchange.requestHead, startedAt: exchange.startedAt,
                   userID: exchange.plan.userID, traceID: exchange.plan.traceID)
            context.close(promise: nil)
            return
        }
        state = .waitingForPipeline(head: exchange.requestHead, startedAt: exchange.startedAt)
        write(error.isTimeout ? DRFAnswers.gatewayTimeout : DRFAnswers.badGateway, head: exchange.requestHead,
              target: exchange.plan.target, startedAt: exchange.startedAt, context: context, traceID: exchange.plan.traceID)
    }
}
