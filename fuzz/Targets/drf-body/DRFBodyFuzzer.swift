import FuzzSupport
import JWTGateCore

/// A token view's POST body through DRF's parsers (JSON with its charsets, form-urlencoded, multipart)
/// and the CharField rules. The first line of the input is the Content-Type header value, so the
/// fuzzer picks the parser, the charset and the multipart boundary; without a newline there is no
/// Content-Type header at all.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = FuzzInput.bytes(data, size)
    let contentType: String?
    let body: [UInt8]
    if let (line, rest) = FuzzInput.splitFirstLine(bytes) {
        contentType = FuzzInput.text(line)
        body = Array(rest)
    } else {
        contentType = nil
        body = bytes
    }
    let obtain = DRFInput.readCharFields(["username", "password"], contentType: contentType, body: body)
    let verify = DRFInput.readCharFields(["token"], contentType: contentType, body: body)
    if case .success(let values) = obtain {
        fuzzRequire(values.count == 2, "two fields asked for, \(values.count) returned")
    }
    if case .success(let values) = verify {
        fuzzRequire(values.count == 1, "one field asked for, \(values.count) returned")
    }
    Verdicts.emit(input: bytes, "obtain \(describe(obtain)) verify \(describe(verify))")
    return 0
}

private func describe(_ result: Result<[String], DRFInputError>) -> String {
    switch result {
    case .success(let values): return "ok \(values)"
    case .failure(let error): return "error \(error)"
    }
}
