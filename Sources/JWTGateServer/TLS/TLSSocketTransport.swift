import CJWTGateTLSShims

#if canImport(Glibc)
import Glibc
#endif

/// A client connection's bytes through OpenSSL, non-blocking, on the socket the handshake finished on.
///
/// Two things a plain socket never does, which the connection asks about:
/// - OpenSSL may hold input the socket will not signal again (a second record read ahead):
///   `hasBufferedInput`, so the connection reads again without waiting for epoll.
/// - A read may need the socket writable (a TLS 1.3 key update answer) and a write readable:
///   `readNeedsWritable` / `writeNeedsReadable`, so the connection polls for the other direction.
///
/// OpenSSL's retry rule (a write that would block must be retried with the same bytes) holds because the
/// connection's send buffer keeps unwritten bytes in order at its front; `ACCEPT_MOVING_WRITE_BUFFER` lets
/// them move.
final class TLSSocketTransport: ClientTransport {
    let fd: Int32
    private let connection: OpaquePointer
    /// Keeps the OpenSSL context (and its ticket keys, SNI callback) alive as long as the connection.
    private let context: TLSServerContext
    private var closed = false
    private(set) var readNeedsWritable = false
    private(set) var writeNeedsReadable = false
    private static let recordPayload = 16_384

    init(fd: Int32, connection: OpaquePointer, context: TLSServerContext) {
        self.fd = fd
        self.connection = connection
        self.context = context
    }

    deinit { self.close() }

    var hasBufferedInput: Bool { !self.closed && jwtgate_tls_has_pending(self.connection) != 0 }

    /// Record buffers (~34 KiB) may be held since the last read or write.
    private var buffersHeld = true

    func releaseIdleBuffers() {
        guard self.buffersHeld, !self.closed else { return }
        if jwtgate_tls_release_buffers(self.connection) == 1 { self.buffersHeld = false }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> TransportIO {
        guard !self.closed else { return .failed(EBADF) }
        var outcome: Int32 = 0
        self.buffersHeld = true
        let n = jwtgate_tls_read(self.connection, buffer.baseAddress, buffer.count, &outcome)
        self.readNeedsWritable = false
        switch Int(outcome) {
        case Int(JWTGATE_TLS_DONE): return .bytes(n)
        case Int(JWTGATE_TLS_WANT_READ): return .wouldBlock
        case Int(JWTGATE_TLS_WANT_WRITE):
            self.readNeedsWritable = true
            return .wouldBlock
        case Int(JWTGATE_TLS_CLOSED): return .endOfStream
        default: return .failed(ECONNRESET)
        }
    }

    func write(_ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer) -> TransportIO {
        guard !self.closed else { return .failed(EBADF) }
        let total = first.count + second.count
        guard total > 0 else { return .bytes(0) }
        var outcome: Int32 = 0
        self.buffersHeld = true
        let n: Int
        if first.count >= min(total, Self.recordPayload) || second.isEmpty {
            n = jwtgate_tls_write(self.connection, first.baseAddress, first.count, &outcome)
        } else if first.isEmpty {
            n = jwtgate_tls_write(self.connection, second.baseAddress, second.count, &outcome)
        } else {
            // A short head before a body: one record instead of two. Joined in a temporary buffer, not one kept
            // per connection (16 KiB × idle connections); a retry passes the same bytes again from the
            // caller's send buffer, which OpenSSL accepts (ACCEPT_MOVING_WRITE_BUFFER).
            let take = min(total, Self.recordPayload)
            n = withUnsafeTemporaryAllocation(byteCount: take, alignment: 1) { joined in
                joined.copyMemory(from: first)
                UnsafeMutableRawBufferPointer(rebasing: joined[first.count...])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: second[0..<(take - first.count)]))
                return jwtgate_tls_write(self.connection, joined.baseAddress, take, &outcome)
            }
        }
        self.writeNeedsReadable = false
        switch Int(outcome) {
        case Int(JWTGATE_TLS_DONE): return .bytes(n)
        case Int(JWTGATE_TLS_WANT_WRITE): return .wouldBlock
        case Int(JWTGATE_TLS_WANT_READ):
            self.writeNeedsReadable = true
            return .wouldBlock
        default: return .failed(EPIPE)
        }
    }

    func shutdownWrite() {
        guard !self.closed else { return }
        jwtgate_tls_shutdown(self.connection)
        _ = Glibc.shutdown(self.fd, Int32(SHUT_WR))
    }

    func close() {
        guard !self.closed else { return }
        self.closed = true
        jwtgate_tls_shutdown(self.connection)
        jwtgate_tls_free(self.connection)
        _ = Glibc.close(self.fd)
    }
}

@available(*, unavailable)
extension TLSSocketTransport: Sendable {}
