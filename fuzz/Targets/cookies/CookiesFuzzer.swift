import FuzzSupport
import JWTGateCore

/// Where a proxied request's token comes from: the Authorization header (first line of the input;
/// absent when the input has no newline) and the Cookie header (the rest), through Django's
/// `parse_cookie` and `get_jwt_value`, for a cookie-enabled and a header-only deployment.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = FuzzInput.bytes(data, size)
    let authorization: [UInt8]
    let cookieHeader: String
    if let (line, rest) = FuzzInput.splitFirstLine(bytes) {
        authorization = Array(line)
        cookieHeader = FuzzInput.text(rest)
    } else {
        authorization = []
        cookieHeader = FuzzInput.text(bytes)
    }

    let cookie = DjangoCookies.value(named: Extractors.cookieName, in: cookieHeader)
    let withCookie = Extractors.withCookie.extract(authorization: authorization, cookieHeader: cookieHeader)
    let headerOnly = Extractors.headerOnly.extract(authorization: authorization, cookieHeader: cookieHeader)
    Verdicts.emit(input: bytes, "cookie=\(describe(cookie)) jwt=\(describe(withCookie)) bearer=\(describe(headerOnly))")

    // A blank Authorization header is the only way to the cookie, and then the cookie is the token.
    if authorization.allSatisfy({ $0 == 0x20 || (0x09...0x0D).contains($0) }) {
        let expected: CredentialExtractor.Result = cookie.map { .token(Array($0.utf8)) } ?? .none
        fuzzRequire(withCookie == expected, "blank Authorization: got \(withCookie), cookie says \(expected)")
        fuzzRequire(headerOnly == .none, "header-only extractor used a cookie")
    }
    return 0
}

/// Verdict spellings `tools/oracle.py` reproduces: strings as ASCII-only JSON, token bytes in hex.
private func describe(_ value: String?) -> String {
    value.map { FuzzInput.text(PythonJSON.serialize(.string($0), ensureASCII: true)) } ?? "none"
}

private func describe(_ result: CredentialExtractor.Result) -> String {
    switch result {
    case .none: return "none"
    case .failure(let message): return "failure:" + describe(message)
    case .token(let bytes): return "token:" + bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}

private enum Extractors {
    static let cookieName = "jwt-auth"
    static let withCookie = CredentialExtractor(prefix: "JWT", cookieName: cookieName)
    static let headerOnly = CredentialExtractor(prefix: "Bearer", cookieName: nil)
}
