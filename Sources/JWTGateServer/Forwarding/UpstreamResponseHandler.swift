import NIOCore

/// Receives one upstream response. Every method is called on the event loop passed to
/// `UpstreamClient.execute`, in order: the head, zero or more body parts, then the end — or
/// `upstreamFailed` at any point (also after the head, when the handler should close the client
/// connection). Nothing is called after `upstreamResponseEnd`, `upstreamFailed` or
/// `UpstreamTransfer.cancel()`.
///
/// A small response (`Content-Length` ≤ 64 KiB, or no body) arrives as head, one part and end in a
/// single event-loop task. Parts already on their way may still arrive after `UpstreamTransfer.pause()`.
public protocol UpstreamResponseHandler: AnyObject {
    /// Status and headers of the final response (1xx interim responses are skipped). Header names and
    /// values are as received, without the CRLF and surrounding whitespace, repeated ones kept in order.
    /// Hop-by-hop headers (`Transfer-Encoding`, `Connection`, ...) are included; the body is already de-chunked.
    func upstreamResponseHead(status: Int, headers: [(name: String, value: String)])
    func upstreamResponseBodyPart(_ part: ByteBuffer)
    func upstreamResponseEnd()
    func upstreamFailed(_ error: UpstreamError)
}
