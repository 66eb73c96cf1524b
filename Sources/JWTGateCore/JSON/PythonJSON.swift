/// Python 3.11 `json` compatibility: what `json.loads` accepts and says, and what `json.dumps`
/// writes, byte for byte.
public enum PythonJSON {
    /// `json.loads(bytes.decode("utf-8"))`.
    ///
    /// - Parameter allowConstants: `false` mimics DRF's `parse_constant=strict_constant`, which
    ///   rejects `NaN`, `Infinity` and `-Infinity` with a `ValueError`.
    public static func parse(_ bytes: some Collection<UInt8>, allowConstants: Bool = true) throws(PythonJSONError) -> JSONValue {
        let result: Result<JSONValue, PythonJSONError>
        if let direct = bytes.withContiguousStorageIfAvailable({ parse(buffer: $0, allowConstants: allowConstants, final: true) }) {
            result = direct
        } else {
            result = Array(bytes).withUnsafeBufferPointer { parse(buffer: $0, allowConstants: allowConstants, final: true) }
        }
        return try result.get()
    }

    /// Decodes then parses. `final: false` is DRF's `codecs.getreader("utf-8")` path, where a
    /// truncated UTF-8 sequence at the very end is silently dropped instead of failing.
    static func parse(buffer: UnsafeBufferPointer<UInt8>, allowConstants: Bool, final: Bool) -> Result<JSONValue, PythonJSONError> {
        var accepted = 0
        switch PythonUTF8.validate(buffer, final: final) {
        case .success(let count): accepted = count
        case .failure(let failure): return .failure(PythonJSONError(kind: .unicode, message: failure.message))
        }
        return parseValidated(UnsafeBufferPointer(rebasing: buffer[0..<accepted]), allowConstants: allowConstants)
    }

    /// Parses text already known to be well-formed UTF-8 (`json.loads(str)`).
    static func parseValidated(_ buffer: UnsafeBufferPointer<UInt8>, allowConstants: Bool) -> Result<JSONValue, PythonJSONError> {
        var parser = PythonJSONParser(buffer, allowConstants: allowConstants)
        do {
            return .success(try parser.parseDocument())
        } catch {
            return .failure(error)
        }
    }
}
