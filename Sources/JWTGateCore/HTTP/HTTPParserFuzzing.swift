/// The libFuzzer entry point for the request parser: call `run` from `LLVMFuzzerTestOneInput`.
///
/// It reads the input as one connection's bytes, whole, byte by byte, and in pieces cut at points
/// derived from the input, under the default limits and under tiny ones (so the limit paths are
/// reached by short inputs), and traps if the transcripts differ or a request that came out breaks a
/// rule the parser promises.
public enum HTTPParserFuzzing {
    public static let tinyLimits = HTTPParseLimits(
        maxHeadBytes: 96, maxHeaderCount: 4, maxTargetBytes: 16, maxBodyBytes: 32,
        maxChunkLineBytes: 8, maxTrailerBytes: 24)

    public static func run(_ data: UnsafeRawBufferPointer) {
        for limits in [HTTPParseLimits(), tinyLimits] {
            let whole = HTTPExchangeTranscript.record(data, arrivals: [data.count], limits: limits)
            let byteByByte = HTTPExchangeTranscript.record(data, arrivals: Array(0...data.count), limits: limits)
            let pieces = HTTPExchangeTranscript.record(data, arrivals: arrivals(derivedFrom: data), limits: limits)
            guard whole == byteByByte else { preconditionFailure("byte-by-byte transcript differs from whole") }
            guard whole == pieces else { preconditionFailure("split transcript differs from whole") }
            for event in whole {
                if case .message(let head, let framing, let body) = event {
                    HTTPParserInvariants.check(head, framing: framing, body: body, limits: limits)
                }
            }
        }
    }

    /// Read boundaries chosen by a generator seeded with the input's FNV-1a hash: the same input is cut
    /// the same way every run, so a crash reproduces.
    public static func arrivals(derivedFrom data: UnsafeRawBufferPointer) -> [Int] {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in data { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        var generator = SplitMix64(seed: hash)
        var cuts: [Int] = []
        var at = 0
        while at < data.count {
            at += 1 + Int(generator.next() % 17)
            cuts.append(min(at, data.count))
        }
        return cuts.isEmpty ? [0] : cuts
    }
}
