import JWTGateCore

/// Reads one request body out of a connection's input, as its head framed it, into a sink that may
/// take less than offered (the upstream's bounded body buffer). Content-Length bodies pass straight
/// through; chunked bodies go through `ChunkedBodyDecoder`, whose output waits in `pending` (at most one
/// read's worth) while the sink is full. Nothing here reads a socket.
struct RequestBodyReader {
    enum Outcome: Equatable {
        /// Consumed `consumed` input bytes; more input is needed (or the sink is full: `blocked`).
        case progress(consumed: Int, blocked: Bool)
        /// The body ended after `consumed` bytes of this input; what follows is the next request.
        case finished(consumed: Int)
        /// A malformed chunked body: answer `error.status` and close.
        case refused(HTTPParseError)
    }

    private enum Mode {
        case length(remaining: Int)
        case chunked(ChunkedBodyDecoder, ended: Bool)
        case done
    }

    private var mode: Mode
    private var pending: [UInt8] = []
    private var pendingStart = 0
    /// Body bytes handed to the sink so far.
    private(set) var delivered = 0

    init(framing: BodyFraming, limits: HTTPParseLimits, maxBodyBytes: Int) {
        switch framing {
        case .none, .contentLength(0): self.mode = .done
        case .contentLength(let n): self.mode = .length(remaining: n)
        case .chunked: self.mode = .chunked(ChunkedBodyDecoder(limits: limits, maxBodyBytes: maxBodyBytes), ended: false)
        }
    }

    var isFinished: Bool {
        if case .done = self.mode { return true }
        return false
    }

    /// Bytes still announced by Content-Length (nil for chunked).
    var remainingLength: Int? {
        switch self.mode {
        case .length(let remaining): return remaining
        case .done: return 0
        case .chunked: return nil
        }
    }

    /// Feeds `input` (the connection's unconsumed bytes) to `sink`, which returns how many it took.
    mutating func read(_ input: UnsafeRawBufferPointer, into sink: (UnsafeRawBufferPointer) -> Int) -> Outcome {
        switch self.mode {
        case .done:
            return .finished(consumed: 0)
        case .length(let remaining):
            let offered = min(remaining, input.count)
            guard offered > 0 else { return .progress(consumed: 0, blocked: false) }
            let taken = sink(UnsafeRawBufferPointer(rebasing: input[0..<offered]))
            self.delivered += taken
            if taken == remaining {
                self.mode = .done
                return .finished(consumed: taken)
            }
            self.mode = .length(remaining: remaining - taken)
            return .progress(consumed: taken, blocked: taken < offered)
        case .chunked(var decoder, var ended):
            if !self.drainPending(into: sink) { return .progress(consumed: 0, blocked: true) }
            var consumed = 0
            if !ended && !input.isEmpty {
                let outcome = decoder.decode(input) { data in self.pending.append(contentsOf: data) }
                switch outcome {
                case .needMore: consumed = input.count
                case .end(let count):
                    consumed = count
                    ended = true
                case .refuse(let error):
                    self.mode = .done
                    return .refused(error)
                }
            }
            self.mode = .chunked(decoder, ended: ended)
            let drained = self.drainPending(into: sink)
            if drained && ended {
                self.mode = .done
                return .finished(consumed: consumed)
            }
            return .progress(consumed: consumed, blocked: !drained)
        }
    }

    /// Hands decoded bytes waiting from an earlier call to the sink; true when none are left.
    private mutating func drainPending(into sink: (UnsafeRawBufferPointer) -> Int) -> Bool {
        guard self.pendingStart < self.pending.count else { return true }
        let taken = self.pending.withUnsafeBytes { sink(UnsafeRawBufferPointer(rebasing: $0[self.pendingStart...])) }
        self.delivered += taken
        self.pendingStart += taken
        guard self.pendingStart == self.pending.count else { return false }
        self.pending.removeAll(keepingCapacity: true)
        self.pendingStart = 0
        return true
    }
}
