import FuzzSupport
import JWTGateCore

/// YAML text through `ConfigLoader` (which reads files, so the input is written to a private folder
/// first) and, when it loads, through what start-up compiles from it: the JWT codec and the route table.
///
/// The input is `gateway.yaml`, optionally followed by sections that replace the folder's default
/// users and routes files: a line `#==> users.yaml` or `#==> routes.yaml` starts one.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = FuzzInput.bytes(data, size)
    guard ConfigSandbox.isSafe(bytes) else {
        Verdicts.emit(input: bytes, "skipped (names a device or kernel file)")
        return 0
    }
    let sections = ConfigSandbox.sections(of: bytes)
    ConfigSandbox.shared.write(sections)
    do {
        let config = try ConfigLoader.load(path: ConfigSandbox.shared.gatewayPath, environment: ConfigSandbox.environment)
        let codec = try? JWTCodec(config: config.jwt)
        let routes = RouteTable(config.routes)
        Verdicts.emit(input: bytes, "ok codec=\(codec != nil) routes=\(routes.routes.count)")
    } catch {
        fuzzRequire(!error.issues.isEmpty, "a ConfigError without issues")
        Verdicts.emit(input: bytes, "error \(error.issues.count) issue(s)")
    }
    return 0
}
