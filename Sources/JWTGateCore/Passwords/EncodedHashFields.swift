/// Field access on a stored hash as raw UTF-8 bytes, mirroring Python's `str.split("$", n)` (which
/// splits on the code point; the `$` byte never occurs inside a multi-byte UTF-8 sequence).
enum EncodedHashFields {
    /// The fields of `encoded` split at the first `maxSplits` dollars, or nil unless there are
    /// exactly `maxSplits + 1` of them (Python's tuple unpacking would raise).
    static func split(_ encoded: [UInt8], maxSplits: Int) -> [ArraySlice<UInt8>]? {
        let fields = encoded.split(separator: UInt8(ascii: "$"), maxSplits: maxSplits,
                                   omittingEmptySubsequences: false)
        return fields.count == maxSplits + 1 ? fields : nil
    }

    /// A plain run of ASCII digits as an integer (at most 18 digits, so no overflow), or nil.
    /// Signs, spaces or underscores, which Python's int() would take, can never match anyway:
    /// Django compares the whole re-encoded hash, which prints the number canonically.
    static func decimal(_ field: some Collection<UInt8>) -> Int? {
        guard !field.isEmpty, field.count <= 18 else {
            return nil
        }
        var value = 0
        for byte in field {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else {
                return nil
            }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// The ASCII decimal form of a non-negative integer.
    static func decimalBytes(_ value: Int) -> [UInt8] {
        Array(String(value).utf8)
    }
}
