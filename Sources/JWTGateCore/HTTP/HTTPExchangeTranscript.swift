/// Runs the parser and the body decoders over one connection's bytes exactly as a connection would,
/// with the bytes arriving in given pieces, and records what came out. Two transcripts of the same bytes
/// must be equal whatever the pieces: that is the resumability the fuzz target and the split-point tests
/// check. The differential tests compare it with SwiftNIO's decoder.
public enum HTTPExchangeTranscript {
    public enum Event: Sendable, Hashable {
        /// A whole request: its head, framing and de-chunked body.
        case message(RequestHead, framing: BodyFraming, body: [UInt8])
        /// The connection was refused; nothing after it was read.
        case refused(HTTPParseError)
        /// The bytes ended inside a head or a body.
        case incomplete
        /// The last message was not keep-alive: the connection answers it and closes, reading nothing
        /// after it (llhttp, for comparison, refuses any bytes there).
        case closed
    }

    /// `arrivals` are the offsets at which each read ends, increasing, the last equal to `bytes.count`.
    public static func record(_ bytes: UnsafeRawBufferPointer, arrivals: [Int], limits: HTTPParseLimits) -> [Event] {
        var reader = Reader(bytes: bytes, parser: HTTPRequestParser(limits: limits), limits: limits)
        for arrived in arrivals {
            precondition(arrived >= reader.start && arrived <= bytes.count, "arrivals must increase")
            if let refusal = reader.read(upTo: arrived) {
                reader.events.append(.refused(refusal))
                return reader.events
            }
            if reader.closed {
                reader.events.append(.closed)
                return reader.events
            }
        }
        if case .head = reader.phase, reader.start == bytes.count { return reader.events }
        reader.events.append(.incomplete)
        return reader.events
    }

    /// The whole input in one read.
    public static func record(_ bytes: UnsafeRawBufferPointer, limits: HTTPParseLimits = HTTPParseLimits()) -> [Event] {
        record(bytes, arrivals: [bytes.count], limits: limits)
    }

    private enum Phase {
        case head
        case lengthBody(RequestHead, remaining: Int, body: [UInt8])
        case chunkedBody(RequestHead, decoder: ChunkedBodyDecoder, body: [UInt8])
    }

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var parser: HTTPRequestParser
        let limits: HTTPParseLimits
        var phase = Phase.head
        /// The first byte not consumed yet.
        var start = 0
        var events: [Event] = []
        /// Set once a message that is not keep-alive has been read.
        var closed = false

        init(bytes: UnsafeRawBufferPointer, parser: HTTPRequestParser, limits: HTTPParseLimits) {
            self.bytes = bytes
            self.parser = parser
            self.limits = limits
        }

        /// Consumes what has arrived; returns a refusal if one happened.
        mutating func read(upTo arrived: Int) -> HTTPParseError? {
            while true {
                let available = UnsafeRawBufferPointer(rebasing: bytes[start..<arrived])
                switch phase {
                case .head:
                    guard !available.isEmpty else { return nil }
                    switch parser.parse(available) {
                    case .needMore:
                        return nil
                    case .refuse(let error):
                        return error
                    case .head(let head, let framing, let consumed):
                        precondition(consumed > 0 && consumed <= available.count, "consumed out of range")
                        start += consumed
                        switch framing {
                        case .none:
                            events.append(.message(head, framing: .none, body: []))
                            if !head.keepAlive { closed = true; return nil }
                        case .contentLength(let length): phase = .lengthBody(head, remaining: length, body: [])
                        case .chunked: phase = .chunkedBody(head, decoder: ChunkedBodyDecoder(limits: limits), body: [])
                        }
                    }
                case .lengthBody(let head, var remaining, var body):
                    let take = min(remaining, available.count)
                    body.append(contentsOf: available.prefix(take))
                    start += take
                    remaining -= take
                    guard remaining == 0 else {
                        phase = .lengthBody(head, remaining: remaining, body: body)
                        return nil
                    }
                    events.append(.message(head, framing: .contentLength(body.count), body: body))
                    phase = .head
                    if !head.keepAlive { closed = true; return nil }
                case .chunkedBody(let head, var decoder, var body):
                    let outcome = decoder.decode(available) { body.append(contentsOf: $0) }
                    switch outcome {
                    case .needMore:
                        start = arrived
                        phase = .chunkedBody(head, decoder: decoder, body: body)
                        return nil
                    case .end(let consumed):
                        precondition(consumed > 0 && consumed <= available.count, "consumed out of range")
                        start += consumed
                        events.append(.message(head, framing: .chunked, body: body))
                        phase = .head
                        if !head.keepAlive { closed = true; return nil }
                    case .refuse(let error):
                        return error
                    }
                }
            }
        }
    }
}
