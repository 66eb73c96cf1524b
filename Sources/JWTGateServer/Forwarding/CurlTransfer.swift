import NIOCore
import Synchronization

/// The driver's record of one forwarded request: what to send, where to deliver, and the response
/// as it arrives.
///
/// Why `@unchecked Sendable` is sound: a transfer is created on the caller's thread and handed to the
/// driver thread through the driver's `Mutex`-protected command queue (the lock orders the handoff).
/// From then on every `var` below is read and written only on the driver thread (the loop and the
/// libcurl callbacks it runs). Other threads touch only the `let`s: `request` (immutable),
/// `eventLoop`, `handler` (a `NIOLoopBound`, checked on use) and `lifecycle` (an atomic).
final class CurlTransfer: @unchecked Sendable {
    enum Outcome {
        case end
        case failed(UpstreamError)
    }

    /// `live` until cancelled by the caller or finished (the final callback delivered on the event loop).
    enum Lifecycle: UInt8, AtomicRepresentable {
        case live, cancelled, finished
    }

    let request: UpstreamRequest
    let eventLoop: any EventLoop
    let handler: NIOLoopBound<any UpstreamResponseHandler>
    let lifecycle = Atomic<Lifecycle>(.live)

    // Driver thread only, from here on.
    var easy: CurlEasyHandle?
    var loop: CurlDriverLoop?
    var parser = ResponseHeaderParser()
    /// The head is complete and waits in `parser` to be delivered.
    var headReady = false
    /// Deliver head, body and end together once the transfer is done (small or bodiless responses).
    var holdUntilDone = false
    var body: ByteBuffer
    var outcome: Outcome?
    var isDirty = false
    var isPaused = false
    /// Monotonic nanoseconds after which the transfer fails with `timedOut` (moved on by time spent paused).
    var deadline: UInt64 = 0
    var pausedAt: UInt64 = 0
    /// Keeps the request body's storage alive while libcurl reads it through CURLOPT_POSTFIELDS.
    var bodyStorage: Unmanaged<AnyObject>?

    /// A body up to this size with a known Content-Length is delivered in one piece with head and end.
    static let smallBodyLimit = 64 * 1024
    /// Larger bodies are handed over at least whenever this much has piled up in one loop turn.
    static let partFlushThreshold = 256 * 1024
    private static let allocator = ByteBufferAllocator()

    init(request: UpstreamRequest, eventLoop: any EventLoop, handler: NIOLoopBound<any UpstreamResponseHandler>) {
        self.request = request
        self.eventLoop = eventLoop
        self.handler = handler
        self.body = ByteBuffer()
    }

    var isLive: Bool { self.lifecycle.load(ordering: .acquiring) == .live }

    /// Cancelled by the caller: returns false when it was already cancelled or finished.
    func markCancelled() -> Bool {
        self.lifecycle.compareExchange(expected: .live, desired: .cancelled, ordering: .acquiringAndReleasing).exchanged
    }

    /// About to deliver the final callback: returns false when the caller cancelled first.
    func markFinished() -> Bool {
        self.lifecycle.compareExchange(expected: .live, desired: .finished, ordering: .acquiringAndReleasing).exchanged
    }

    // MARK: libcurl callbacks (driver thread)

    /// CURLOPT_HEADERFUNCTION: one line of the response head.
    func receivedHeaderLine(_ line: UnsafeRawBufferPointer) {
        guard case .headComplete = self.parser.consume(line) else { return }
        let status = self.parser.status
        let isHead = self.request.method == "HEAD"
        if isHead || status == 204 || status == 304 {
            self.holdUntilDone = true
        } else if let length = self.parser.contentLength, length <= Self.smallBodyLimit {
            self.holdUntilDone = true
            self.body = Self.allocator.buffer(capacity: length)
        }
        self.headReady = true
        self.loop?.markDirty(self)
    }

    /// CURLOPT_WRITEFUNCTION: a piece of the (de-chunked) response body.
    func receivedBody(_ bytes: UnsafeRawBufferPointer) {
        if self.body.capacity == 0 {
            self.body = Self.allocator.buffer(capacity: max(bytes.count, 16 * 1024))
        }
        self.body.writeBytes(bytes)
        if !self.holdUntilDone {
            self.loop?.markDirty(self)
            if self.body.readableBytes >= Self.partFlushThreshold { self.loop?.flush(self) }
        }
    }

    /// What is ready to hand to the event loop now, or nil when nothing (or it is held for later).
    func takeDelivery() -> Delivery? {
        if self.holdUntilDone && self.outcome == nil { return nil }
        var delivery = Delivery(transfer: self)
        if case .failed = self.outcome, self.headReady {
            // Failed before the head went out: report only the failure, so the caller can still answer 502/504.
            self.headReady = false
            self.body.clear()
        }
        if self.headReady {
            self.headReady = false
            delivery.head = (self.parser.status, self.parser.headers)
        }
        if self.body.readableBytes > 0 {
            delivery.body = self.body
            self.body = ByteBuffer()
        }
        delivery.outcome = self.outcome
        if delivery.head == nil && delivery.body == nil && delivery.outcome == nil { return nil }
        return delivery
    }
}

/// One batch of callbacks for one transfer, run on its event loop.
struct Delivery: Sendable {
    let transfer: CurlTransfer
    var head: (status: Int, headers: [(name: String, value: String)])?
    var body: ByteBuffer?
    var outcome: CurlTransfer.Outcome?

    init(transfer: CurlTransfer) { self.transfer = transfer }

    /// On `transfer.eventLoop`: calls the handler, stopping as soon as the transfer is cancelled.
    func run() {
        let transfer = self.transfer
        guard transfer.isLive else { return }
        let handler = transfer.handler.value
        if let head = self.head {
            handler.upstreamResponseHead(status: head.status, headers: head.headers)
            guard transfer.isLive else { return }
        }
        if let body = self.body {
            handler.upstreamResponseBodyPart(body)
            guard transfer.isLive else { return }
        }
        switch self.outcome {
        case .none:
            break
        case .end:
            if transfer.markFinished() { handler.upstreamResponseEnd() }
        case .failed(let error):
            if transfer.markFinished() { handler.upstreamFailed(error) }
        }
    }
}

extension CurlTransfer.Outcome: Sendable {}
