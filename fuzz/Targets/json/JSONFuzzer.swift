import FuzzSupport
import JWTGateCore

/// `json.loads(bytes.decode("utf-8"))` as jwtgate reads token segments and bodies. Verdict: the value
/// re-serialised canonically (`json.dumps(v, separators=(",", ":"))`, ASCII-only) or the error text.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = FuzzInput.bytes(data, size)
    let value: JSONValue
    do {
        value = try PythonJSON.parse(bytes)
    } catch {
        // RecursionError's depth depends on the Python stack it is called from: compare the class only.
        Verdicts.emit(input: bytes, error.kind == .recursion ? "error recursion" : "error \(error.message)")
        _ = try? PythonJSON.parse(bytes, allowConstants: false)
        return 0
    }
    let canonical = PythonJSON.serialize(value, ensureASCII: true)
    Verdicts.emit(input: bytes, "ok " + FuzzInput.text(canonical))

    // What jwtgate writes, it must read back as the same document, in both output modes.
    for ensureASCII in [true, false] {
        let written = PythonJSON.serialize(value, ensureASCII: ensureASCII)
        guard let reread = try? PythonJSON.parse(written) else {
            fuzzRequire(false, "serialised JSON does not parse: \(FuzzInput.text(written))")
            return 0
        }
        fuzzRequire(PythonJSON.serialize(reread, ensureASCII: true) == canonical,
                    "JSON round trip changed the document (ensureASCII: \(ensureASCII))")
    }
    _ = try? PythonJSON.parse(bytes, allowConstants: false)
    return 0
}
