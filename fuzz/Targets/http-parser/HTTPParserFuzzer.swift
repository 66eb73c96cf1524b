import JWTGateCore

/// The HTTP/1.1 request parser and chunked-body decoder (issue 9's data plane). `HTTPParserFuzzing.run`
/// parses the input whole, byte by byte and in input-derived splits, under the default and tiny limits,
/// and traps when the splits disagree or an accepted request breaks an invariant (docs/http-parser.md).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    HTTPParserFuzzing.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
