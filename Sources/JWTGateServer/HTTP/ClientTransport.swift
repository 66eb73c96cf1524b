#if canImport(Glibc)
import Glibc
#endif

/// What one read or write on a client connection did.
enum TransportIO {
    /// This many bytes moved (> 0).
    case bytes(Int)
    /// Nothing now: wait for the descriptor to be ready.
    case wouldBlock
    /// The peer closed its side (read) — end of stream.
    case endOfStream
    /// The connection is broken (ECONNRESET, EPIPE, ...): close it.
    case failed(Int32)
}

/// How a client connection reads and writes its bytes: a plain socket now, OpenSSL non-blocking later
/// (issue 11). The connection never calls `read`/`write` itself, so TLS slots in here; `close()` is the
/// transport's (a TLS transport sends its close_notify first).
protocol ClientTransport: AnyObject {
    /// The descriptor the loop polls.
    var fd: Int32 { get }
    func read(into buffer: UnsafeMutableRawBufferPointer) -> TransportIO
    /// Writes from `first`, then `second` (writev): a buffered head and a body in one system call.
    func write(_ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer) -> TransportIO
    /// No more writes (after the last answer; the peer sees end of stream while we still read).
    func shutdownWrite()
    func close()
    /// Input the transport holds that the descriptor will not signal again (TLS records read ahead).
    var hasBufferedInput: Bool { get }
    /// The last read would block until the descriptor is writable (TLS), not readable.
    var readNeedsWritable: Bool { get }
    /// The last write would block until the descriptor is readable (TLS), not writable.
    var writeNeedsReadable: Bool { get }
    /// Gives back memory held for reading and writing while the connection idles (TLS record buffers).
    func releaseIdleBuffers()
}

/// A non-blocking TCP socket accepted by a `LoopListener`.
final class PlainSocketTransport: ClientTransport {
    let fd: Int32
    private var closed = false

    init(fd: Int32) { self.fd = fd }

    deinit { self.close() }

    var hasBufferedInput: Bool { false }
    var readNeedsWritable: Bool { false }
    var writeNeedsReadable: Bool { false }
    func releaseIdleBuffers() {}

    func read(into buffer: UnsafeMutableRawBufferPointer) -> TransportIO {
        while true {
            let n = Glibc.read(self.fd, buffer.baseAddress, buffer.count)
            if n > 0 { return .bytes(n) }
            if n == 0 { return .endOfStream }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            default: return .failed(errno)
            }
        }
    }

    func write(_ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer) -> TransportIO {
        var vectors = (
            iovec(iov_base: UnsafeMutableRawPointer(mutating: first.baseAddress), iov_len: first.count),
            iovec(iov_base: UnsafeMutableRawPointer(mutating: second.baseAddress), iov_len: second.count)
        )
        let count: Int32 = second.isEmpty ? 1 : (first.isEmpty ? 1 : 2)
        let skipFirst = first.isEmpty && !second.isEmpty
        while true {
            let n = withUnsafeMutableBytes(of: &vectors) { raw -> Int in
                let base = raw.baseAddress!.assumingMemoryBound(to: iovec.self)
                return Glibc.writev(self.fd, skipFirst ? base + 1 : base, count)
            }
            if n > 0 { return .bytes(n) }
            if n == 0 { return .wouldBlock }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            default: return .failed(errno)
            }
        }
    }

    func shutdownWrite() {
        guard !self.closed else { return }
        _ = Glibc.shutdown(self.fd, Int32(SHUT_WR))
    }

    func close() {
        guard !self.closed else { return }
        self.closed = true
        _ = Glibc.close(self.fd)
    }
}

@available(*, unavailable)
extension PlainSocketTransport: Sendable {}
