import Logging
import NIOCore
import NIOPosix

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

    init(loop: IOLoop, pipeline: RequestPipeline, threadPool: NIOThreadPool, multi: LoopCurlMulti) {
        self.loop = loop
        self.pipeline = pipeline
        self.threadPool = threadPool
        self.multi = multi
        self.scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
        loop.attach(self)
    }

    deinit { scratch.deallocate() }

    /// Takes `fd`, a listening socket for this loop, and starts accepting on it.
    func listen(fd: Int32, port: Int, limit: ConnectionLimit, logger: Logger) throws(IOLoopError) {
        let listener = LoopListener(
            fd: fd, port: port, loop: loop, limit: limit,
            onResourceExhausted: { code, failures in
                logger.warning("accept.resource_exhausted", metadata: ["errno": "\(code)", "failures": "\(failures)"])
            },
            onAccept: { [unowned self] fd in self.accept(fd, limit: limit) })
        try listener.start()
        listeners.append(listener)
    }

    private func accept(_ fd: Int32, limit: ConnectionLimit) {
        let connection = LoopClientConnection(transport: PlainSocketTransport(fd: fd), context: self, limit: limit)
        connections[ObjectIdentifier(connection)] = connection
        connection.start()
    }

    func connectionClosed(_ connection: LoopClientConnection) {
        connections[ObjectIdentifier(connection)] = nil
    }

    func closeListeners() {
        for listener in listeners { listener.close() }
        listeners.removeAll()
    }

    /// Drain: connections between requests close now; the others close after their answer.
    func closeIdleConnections() {
        for connection in Array(connections.values) where connection.isIdle { connection.close() }
    }

    var connectionCount: Int { connections.count }

    func loopWillStop(_ loop: IOLoop) {
        closeListeners()
        for connection in Array(connections.values) { connection.close() }
    }
}

@available(*, unavailable)
extension LoopServerContext: Sendable {}
