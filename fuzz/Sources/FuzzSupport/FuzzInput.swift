/// Ways a target carves several parameters out of one fuzz input, so the fuzzer (not the harness)
/// chooses content types, header values and file sections.
public enum FuzzInput {
    /// Copies libFuzzer's buffer (which may be a null pointer for the empty input).
    public static func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
        guard let data, size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: size))
    }

    /// The bytes before the first `\n` and those after it; nil when there is no newline.
    public static func splitFirstLine(_ bytes: [UInt8]) -> (line: ArraySlice<UInt8>, rest: ArraySlice<UInt8>)? {
        guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        return (bytes[..<newline], bytes[(newline + 1)...])
    }

    /// Text the way a server hands it on: invalid UTF-8 becomes U+FFFD.
    public static func text(_ bytes: some Collection<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}
