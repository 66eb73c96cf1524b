import CJWTGateTLSShims
import JWTGateCore
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// What a finished handshake tells the request pipeline about its connection.
struct ConnectionSecurity: Sendable {
    var isTLS: Bool
    /// The client certificate's subject (RFC 2253, non-ASCII escaped) when one was presented and verified.
    var clientSubject: String?

    static let plain = ConnectionSecurity(isTLS: false, clientSubject: nil)
}

/// A TLS connection between accept and its finished handshake, on the loop that accepted it. It owns the
/// socket, the OpenSSL connection, a `ConnectionLimit` slot and a handshake slot (`TLSHandshakeBudget`);
/// when the handshake finishes they pass to a `LoopClientConnection`; when it fails or times out they are
/// given back. A client that stalls mid-handshake holds only that — no request buffers exist yet.
///
/// Not thread-safe: its loop's thread only.
final class TLSHandshake: IOLoopHandler {
    enum Outcome: String, CaseIterable, Sendable {
        case ok, resumed, failed, timeout, refused
    }

    let fd: Int32
    private let peer: PeerAddress.Value
    private let connection: OpaquePointer
    private let tls: TLSServerContext
    private let slot: TLSListenerSlot
    private unowned let context: LoopServerContext
    private let limit: ConnectionLimit
    private var timer: LoopTimerID?
    private var ended = false

    init(fd: Int32, peer: PeerAddress.Value, connection: OpaquePointer, tls: TLSServerContext, slot: TLSListenerSlot,
         context: LoopServerContext, limit: ConnectionLimit) {
        self.fd = fd
        self.peer = peer
        self.connection = connection
        self.tls = tls
        self.slot = slot
        self.context = context
        self.limit = limit
    }

    func start() {
        do {
            try context.loop.register(fd, interest: .readable, handler: self)
        } catch {
            return abandon(.failed, reason: "cannot poll the socket: \(error)")
        }
        timer = context.loop.schedule(after: tls.config.handshakeTimeout) { [weak self] in
            self?.timer = nil
            self?.abandon(.timeout, reason: "no finished handshake within \(self?.tls.config.handshakeTimeout.description ?? "")")
        }
        step()
    }

    func ioReady(fd: Int32, events: IOEvents) {
        guard !ended else { return }
        step()
    }

    private func step() {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 256) { reason in
            reason[0] = 0
            switch Int(jwtgate_tls_handshake(connection, reason.baseAddress, reason.count)) {
            case Int(JWTGATE_TLS_DONE):
                finish()
            case Int(JWTGATE_TLS_WANT_READ):
                try? context.loop.setInterest(fd, .readable)
            case Int(JWTGATE_TLS_WANT_WRITE):
                try? context.loop.setInterest(fd, .writable)
            case Int(JWTGATE_TLS_PLAIN_HTTP):
                // As nginx: say so in plain HTTP (one best-effort write) rather than drop the connection.
                Self.plainHTTPRefusal.withUnsafeBytes { _ = Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                abandon(.failed, reason: "plain HTTP sent to the TLS listener")
            default:
                let text = String(cString: reason.baseAddress!)
                abandon(.failed, reason: text.isEmpty ? "closed during the handshake" : text)
            }
        }
    }

    static let plainHTTPRefusal: [UInt8] = {
        let body = #"{"detail":"The plain HTTP request was sent to the HTTPS port."}"#
        return Array(("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n"
            + "Connection: close\r\n\r\n" + body).utf8)
    }()

    private func finish() {
        guard !ended else { return }
        ended = true
        if let timer { _ = context.loop.cancel(timer) }
        timer = nil
        slot.budget.release()
        let version = jwtgate_tls_version(connection)
        let reused = jwtgate_tls_session_reused(connection) != 0
        context.pipeline.metrics.tls.handshakeFinished(reused ? .resumed : .ok, version: Int(version))
        let transport = TLSSocketTransport(fd: fd, connection: connection, context: tls)
        let security = ConnectionSecurity(isTLS: true, clientSubject: peerSubject())
        context.handshakeEnded(self)
        context.serve(transport: transport, peer: peer, limit: limit, security: security, registered: true)
    }

    /// Gives everything back: the socket closes, the connection and handshake slots are released.
    func abandon(_ outcome: Outcome, reason: String) {
        guard !ended else { return }
        ended = true
        if let timer { _ = context.loop.cancel(timer) }
        timer = nil
        slot.budget.release()
        context.pipeline.metrics.tls.handshakeFinished(outcome, version: Int(jwtgate_tls_version(connection)))
        context.pipeline.logger.debug("tls.handshake.failed", metadata: [
            "listener": "\(slot.address)", "outcome": "\(outcome.rawValue)", "reason": "\(reason)",
        ])
        context.loop.forget(fd)
        jwtgate_tls_free(connection)
        _ = Glibc.close(fd)
        limit.release()
        context.handshakeEnded(self)
    }

    private func peerSubject() -> String? {
        guard tls.config.verifyClient != .none else { return nil }
        var buffer = [CChar](repeating: 0, count: 1024)
        let length = jwtgate_tls_peer_subject(connection, &buffer, buffer.count)
        guard length > 0 else { return nil }
        return String(nulTerminated: buffer)
    }
}

@available(*, unavailable)
extension TLSHandshake: Sendable {}
