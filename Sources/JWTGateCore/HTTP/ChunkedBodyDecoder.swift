/// Decodes a chunked request body (RFC 9112 §7.1) as it arrives, handing out the data and keeping
/// nothing: chunk data is passed on as slices of the input, chunk extensions are checked and skipped,
/// trailer fields are checked and discarded (the gateway forwards none). Strict like the head parser:
/// CRLF only, hexadecimal sizes that fit, no whitespace in the size line, bounded lines and trailers.
public struct ChunkedBodyDecoder: Sendable {
    public enum Outcome: Sendable, Hashable {
        /// Every byte passed was consumed; the body continues.
        case needMore
        /// The body ended after `consumed` bytes of this call's input; what follows is the next request.
        case end(consumed: Int)
        /// Answer `error.status` and close the connection.
        case refuse(HTTPParseError)
    }

    enum State: UInt8, Sendable {
        case sizeStart, size, extensionName, extensionNameRest, extensionValueStart, extensionValueToken
        case extensionQuoted, extensionQuotedEscape, extensionAfterQuoted, sizeLF, data, dataCR, dataLF
        case trailerLineStart, trailerName, trailerValue, trailerLF, finalLF, done
    }

    let limits: HTTPParseLimits
    let maxBodyBytes: Int
    var state = State.sizeStart
    var chunkRemaining = 0
    var lineBytes = 0
    var trailerBytes = 0
    var refusal: HTTPParseError?
    /// Data bytes delivered so far.
    public internal(set) var bodyBytes = 0

    /// `maxBodyBytes` (default `limits.maxBodyBytes`) is the route's cap; a chunk that would cross it is
    /// refused with 413 as soon as its size line is read, before its data.
    public init(limits: HTTPParseLimits = HTTPParseLimits(), maxBodyBytes: Int? = nil) {
        self.limits = limits
        self.maxBodyBytes = maxBodyBytes ?? limits.maxBodyBytes
    }

    /// Consumes `bytes`, calling `onData` with each run of body data in order.
    public mutating func decode(_ bytes: UnsafeRawBufferPointer, onData: (UnsafeRawBufferPointer) -> Void) -> Outcome {
        if let refusal { return .refuse(refusal) }
        if state == .done { return .end(consumed: 0) }
        switch run(bytes, onData: onData) {
        case .refused(let error):
            refusal = error
            return .refuse(error)
        case .ended(let consumed):
            return .end(consumed: consumed)
        case .consumedAll:
            return .needMore
        }
    }
}
