import Logging
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// What one loop of the loop plane owns: its listeners (one per address), its libcurl multi handle,
/// its client connections and one read buffer they share (a loop runs one read at a time).
/// Lives and dies on its loop.
final class LoopServerContext: IOLoopAttachment {
    let loop: IOLoop
    let pipeline: RequestPipeline
    let threadPool: NIOThreadPool
    let multi: LoopCurlMulti
    let allocator = ByteBufferAllocator()
    /// Every read lands here first (then into the connection's input, or straight out when discarding).
    let scratch: UnsafeMutableRawBufferPointer
    private(set) var listeners: [LoopListener] = []
    private var connections: [ObjectIdentifier: LoopClientConnection] = [:]
    /// TLS connections still in their handshake (not yet a `LoopClientConnection`).
    private var handshakes: [ObjectIdentifier: TLSHandshake] = [:]
    /// The once-a-second sweep that frees idle TLS connections' record buffers (started with the first TLS listener).
    private var idleSweep: LoopTimerID?

    init(loop: IOLoop, pipeline: RequestPipeline, threadPool: NIOThreadPool, multi: LoopCurlMulti) {
        self.loop = loop
        self.pipeline = pipeline
        self.threadPool = threadPool
        self.multi = multi
        self.scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
        loop.attach(self)
    }

    deinit { scratch.deallocate() }

    /// Takes `fd`, a listening socket for this loop, and starts accepting on it (with TLS when `tls` is set).
    func listen(fd: Int32, port: Int, limit: ConnectionLimit, logger: Logger, tls: TLSListenerSlot? = nil) throws(IOLoopError) {
        let listener = LoopListener(
            fd: fd, port: port, loop: loop, limit: limit,
            onResourceExhausted: { code, failures in
                logger.warning("accept.resource_exhausted", metadata: ["errno": "\(code)", "failures": "\(failures)"])
            },
            onAccept: { [unowned self] fd, peer in
                if let tls {
                    self.acceptTLS(fd, peer: peer, limit: limit, slot: tls)
                } else {
                    self.serve(transport: PlainSocketTransport(fd: fd), peer: peer, limit: limit, security: .plain)
                }
            })
        try listener.start()
        listeners.append(listener)
        if tls != nil && idleSweep == nil { scheduleIdleSweep() }
    }

    /// TLS connections idle for a second give back their record buffers (~34 KiB each), so thousands of
    /// idle keep-alive clients cost little while busy ones never free and re-allocate per request.
    private func scheduleIdleSweep() {
        idleSweep = loop.schedule(after: .seconds(1)) { [weak self] in
            guard let self else { return }
            let now = self.loop.now.nanoseconds
            let cutoff = LoopInstant(nanoseconds: now > 1_000_000_000 ? now - 1_000_000_000 : 0)
            for connection in self.connections.values where connection.isIdle && connection.idleSince <= cutoff {
                connection.transport.releaseIdleBuffers()
            }
            self.scheduleIdleSweep()
        }
    }

    /// A new TLS connection starts its handshake, unless `max_handshakes` are in progress: then it is
    /// closed at once (the client may retry; established connections are not affected).
    private func acceptTLS(_ fd: Int32, peer: PeerAddress.Value, limit: ConnectionLimit, slot: TLSListenerSlot) {
        let tls = slot.current
        guard slot.budget.tryAcquire(maximum: tls.config.maxHandshakes) else {
            pipeline.metrics.tls.handshakeFinished(.refused, version: 0)
            _ = Glibc.close(fd)
            limit.release()
            return
        }
        guard let connection = tls.accept(fd: fd) else {
            slot.budget.release()
            pipeline.metrics.tls.handshakeFinished(.failed, version: 0)
            _ = Glibc.close(fd)
            limit.release()
            return
        }
        pipeline.metrics.tls.handshakesInProgress.increment()
        let handshake = TLSHandshake(fd: fd, peer: peer, connection: connection, tls: tls, slot: slot, context: self, limit: limit)
        handshakes[ObjectIdentifier(handshake)] = handshake
        handshake.start()
    }

    /// A connection ready for requests (plain at accept, TLS after its handshake: `registered`, its socket
    /// is already polled by the handshake and is handed over).
    func serve(transport: any ClientTransport, peer: PeerAddress.Value, limit: ConnectionLimit,
               security: ConnectionSecurity, registered: Bool = false) {
        let connection = LoopClientConnection(transport: transport, peer: peer, context: self, limit: limit, security: security)
        connections[ObjectIdentifier(connection)] = connection
        connection.start(handedOver: registered)
    }

    func handshakeEnded(_ handshake: TLSHandshake) {
        if handshakes.removeValue(forKey: ObjectIdentifier(handshake)) != nil {
            pipeline.metrics.tls.handshakesInProgress.decrement()
        }
    }

    func connectionClosed(_ connection: LoopClientConnection) {
        connections[ObjectIdentifier(connection)] = nil
    }

    func closeListeners() {
        for listener in listeners { listener.close() }
        listeners.removeAll()
        if let idleSweep { _ = loop.cancel(idleSweep) }
        idleSweep = nil
    }

    /// Drain: connections between requests close now; the others close after their answer.
    func closeIdleConnections() {
        for connection in Array(connections.values) where connection.isIdle { connection.close() }
        for handshake in Array(handshakes.values) { handshake.abandon(.failed, reason: "draining") }
    }

    var connectionCount: Int { connections.count }

    func loopWillStop(_ loop: IOLoop) {
        closeListeners()
        for handshake in Array(handshakes.values) { handshake.abandon(.failed, reason: "stopping") }
        for connection in Array(connections.values) { connection.close() }
    }
}

@available(*, unavailable)
extension LoopServerContext: Sendable {}
