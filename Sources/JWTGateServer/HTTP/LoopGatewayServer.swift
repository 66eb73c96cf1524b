import JWTGateCore
import Logging
import NIOCore
import NIOPosix
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The loop plane's server (`server.data_plane: loop`): `server.event_loop_threads` loops (0 = one per
/// core), each with its own `SO_REUSEPORT` listener per address, its own `LoopCurlMulti`, and the
/// connections it accepted; one process-wide `ConnectionLimit` (`server.max_connections`).
final class LoopGatewayServer: Sendable {
    let group: LoopGroup
    let limit: ConnectionLimit
    /// The bound addresses (real ports when the configuration said 0).
    let addresses: [SocketAddress]
    /// The TLS listeners' contexts, by the index of their `server.listen` entry (swapped on reload).
    let tlsSlots: [Int: TLSListenerSlot]
    /// Reloads the certificates when their files change (`server.certificate_watch_interval`).
    let certificateWatcher = CertificateWatcher()
    private let contexts: [LoopBound<LoopServerContext>]
    private let listenersClosed = Mutex<(closed: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    private init(group: LoopGroup, limit: ConnectionLimit, addresses: [SocketAddress], tlsSlots: [Int: TLSListenerSlot],
                 contexts: [LoopBound<LoopServerContext>]) {
        self.group = group
        self.limit = limit
        self.addresses = addresses
        self.tlsSlots = tlsSlots
        self.contexts = contexts
    }

    static func start(pipeline: RequestPipeline, threadPool: NIOThreadPool, logger: Logger) async throws -> LoopGatewayServer {
        let server = pipeline.runtime.config.server
        let count = server.eventLoopThreads > 0 ? server.eventLoopThreads : LoopGroup.coreCount
        // Certificates first: a listener that cannot serve TLS must stop the start before any socket binds.
        let budget = TLSHandshakeBudget()
        var tlsSlots: [Int: TLSListenerSlot] = [:]
        for (index, address) in server.listen.enumerated() {
            guard let tls = address.tls else { continue }
            do {
                tlsSlots[index] = TLSListenerSlot(address: address.description, context: try TLSServerContext(tls), budget: budget)
            } catch {
                throw StartupError("server.listen[\(index)] (\(address)): \(error)")
            }
        }
        pipeline.metrics.tls.setCertificates(Self.servedCertificates(tlsSlots))
        Self.logCertificates(tlsSlots, logger: logger)
        let group = try LoopGroup(count: count, namePrefix: "jwtgate-loop")
        let limit = ConnectionLimit(maximum: server.maxConnections)
        var perLoop = [[ListenSocketFD]](repeating: [], count: count)
        var addresses: [SocketAddress] = []
        do {
            for address in server.listen {
                // The loop's listener binds numeric addresses only.
                let host = address.host == "localhost" ? "127.0.0.1" : address.host
                let (fds, port) = try ListenSocket.openGroup(host: host, port: address.port, count: count, backlog: 1024)
                let slot = tlsSlots[addresses.count]
                for (index, fd) in fds.enumerated() { perLoop[index].append(ListenSocketFD(fd: fd, port: port, tls: slot)) }
                addresses.append(try SocketAddress(ipAddress: host, port: port))
            }
        } catch {
            for sockets in perLoop { for socket in sockets { _ = close(socket.fd) } }
            group.shutdown()
            throw StartupError("cannot listen: \(error)")
        }
        let multiConfiguration = LoopCurlMulti.Configuration(
            maxConnectionsPerHost: max(1, server.upstreamMaxConnectionsPerHost / count),
            maxTotalConnections: max(1, server.upstreamMaxConnections / count))
        var contexts: [LoopBound<LoopServerContext>] = []
        var failure: String?
        for (index, handle) in group.loops.enumerated() {
            let sockets = perLoop[index]
            let made: Result<LoopBound<LoopServerContext>, StartupError>? = try? await handle.submit { loop in
                do {
                    let multi = try LoopCurlMulti(loop: loop, configuration: multiConfiguration)
                    let context = LoopServerContext(loop: loop, pipeline: pipeline, threadPool: threadPool, multi: multi)
                    for socket in sockets {
                        try context.listen(fd: socket.fd, port: socket.port, limit: limit, logger: logger, tls: socket.tls)
                    }
                    return .success(LoopBound(context, loop: handle))
                } catch {
                    for socket in sockets { _ = close(socket.fd) }
                    return .failure(StartupError("cannot start loop \(index): \(error)"))
                }
            }
            switch made {
            case .success(let context): contexts.append(context)
            case .failure(let error): failure = failure ?? error.description
            case nil: failure = failure ?? "loop \(index) stopped during start"
            }
        }
        if let failure {
            group.shutdown()
            throw StartupError(failure)
        }
        return LoopGatewayServer(group: group, limit: limit, addresses: addresses, tlsSlots: tlsSlots, contexts: contexts)
    }

    static func servedCertificates(_ slots: [Int: TLSListenerSlot]) -> [(listener: String, file: String, notAfter: Int64)] {
        slots.sorted { $0.key < $1.key }.flatMap { _, slot in
            slot.current.certificates.map { (listener: slot.address, file: $0.file, notAfter: $0.notAfter) }
        }
    }

    /// Builds every TLS listener's context from `listen` (the reloaded configuration) and swaps them in only
    /// when all succeed; otherwise the running certificates stay and the error says which listener failed.
    func reloadTLS(_ listen: [ListenAddress], metrics: GatewayMetrics, logger: Logger) throws(StartupError) {
        var fresh: [(TLSListenerSlot, TLSServerContext)] = []
        for (index, slot) in tlsSlots.sorted(by: { $0.key < $1.key }) {
            guard index < listen.count, let tls = listen[index].tls else {
                throw StartupError("server.listen[\(index)] (\(slot.address)): a TLS listener cannot lose its tls: section on reload; restart to change listeners")
            }
            do {
                fresh.append((slot, try TLSServerContext(tls)))
            } catch {
                throw StartupError("server.listen[\(index)] (\(slot.address)): \(error)")
            }
        }
        for (slot, context) in fresh { slot.replace(with: context) }
        metrics.tls.setCertificates(Self.servedCertificates(tlsSlots))
        Self.logCertificates(tlsSlots, logger: logger)
    }

    /// One line per served certificate: which names, from which file, until when (what an operator checks
    /// after renewing).
    static func logCertificates(_ slots: [Int: TLSListenerSlot], logger: Logger) {
        for (_, slot) in slots.sorted(by: { $0.key < $1.key }) {
            for certificate in slot.current.certificates {
                let expires = certificate.notAfter > 0
                    ? HTTPDate.format(unixSeconds: certificate.notAfter) : "unknown"
                logger.notice("tls.certificate", metadata: [
                    "listener": "\(slot.address)", "file": "\(certificate.file)", "names": "\(certificate.names)",
                    "expires": "\(expires)",
                ])
            }
        }
    }

    func rotateTicketKeysIfDue() {
        for slot in tlsSlots.values { slot.rotateTicketKeysIfDue() }
    }

    /// Stops accepting on every loop (the sockets close); pending connections in the backlog are refused.
    func closeListeners() async {
        for context in contexts {
            _ = try? await context.loop.submit { _ in context.value.closeListeners() }
        }
        let waiters = listenersClosed.withLock { state in
            state.closed = true
            let taken = state.waiters
            state.waiters = []
            return taken
        }
        for waiter in waiters { waiter.resume() }
    }

    func waitForListenersToClose() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let closed = listenersClosed.withLock { state in
                if !state.closed { state.waiters.append(continuation) }
                return state.closed
            }
            if closed { continuation.resume() }
        }
    }

    /// Closes the connections that are between requests, on every loop.
    func closeIdleConnections() {
        for context in contexts { context.loop.execute { _ in context.value.closeIdleConnections() } }
    }

    /// Stops the loops: connections still open are cut, transfers fail, curl cleans up.
    func shutdown() async {
        let group = self.group
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            // LoopGroup.shutdown joins threads: off the cooperative pool.
            Thread.detach {
                group.shutdown()
                continuation.resume()
            }
        }
    }
}

/// A listening descriptor on its way to its loop.
private struct ListenSocketFD: Sendable {
    var fd: Int32
    var port: Int
    var tls: TLSListenerSlot?
}

private enum Thread {
    static func detach(_ body: @escaping @Sendable () -> Void) {
        guard let thread = try? LoopThread.spawn(name: "jwtgate-stop", body) else { return body() }
        pthread_detach(thread)
    }
}
