import FuzzSupport
import JWTGateCore

/// The request-line target through canonicalisation and routing. Invariants checked on every accepted
/// target: the canonical path is printable ASCII, starts with `/`, has no `//` and no dot-segment,
/// canonicalising it again changes nothing (so gateway and upstream see one path), and a route only
/// matches a path under its prefix.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = FuzzInput.bytes(data, size)
    let target: CanonicalTarget
    switch RequestTarget.canonicalize(bytes) {
    case .failure(let rejection):
        Verdicts.emit(input: bytes, "reject \(rejection)")
        return 0
    case .success(let canonical):
        target = canonical
    }
    Verdicts.emit(input: bytes, "ok path=\(target.path) query=\(target.query ?? "<none>") authority=\(target.authority ?? "<none>")")

    let path = target.path
    fuzzRequire(path.utf8.first == UInt8(ascii: "/"), "canonical path does not start with /: \(path)")
    fuzzRequire(path.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }, "canonical path is not printable ASCII: \(path)")
    fuzzRequire(path.utf8.count <= RequestTarget.maxPathBytes, "canonical path longer than the limit")
    fuzzRequire(!path.contains("//"), "canonical path contains //: \(path)")
    let segments = path.split(separator: "/", omittingEmptySubsequences: false)
    fuzzRequire(!segments.contains { $0 == "." || $0 == ".." }, "canonical path has a dot-segment: \(path)")

    switch RequestTarget.canonicalize(path) {
    case .success(let again):
        fuzzRequire(again.path == path, "canonicalisation is not idempotent: \(path) -> \(again.path)")
    case .failure(let rejection):
        fuzzRequire(false, "canonical path \(path) is rejected when sent again: \(rejection)")
    }

    if let match = Routes.table.match(path) {
        let prefix = match.route.prefix
        let under = prefix.hasSuffix("/") ? path.hasPrefix(prefix) : (path == prefix || path.hasPrefix(prefix + "/"))
        fuzzRequire(under, "route \(prefix) matched \(path), which is not under it")
    }
    return 0
}

/// Prefixes shaped like the conformance routes, plus one with an escape and one without a trailing slash.
private enum Routes {
    static let table = RouteTable([
        "/api/", "/api/public/", "/api/protected-endpoint/", "/admin", "/caf%C3%A9/", "/",
    ].map { RouteConfig(path: $0, upstreams: [upstream]) })
    static let upstream = UpstreamTarget(scheme: "http", host: "127.0.0.1", port: 9001, basePath: "")
}
