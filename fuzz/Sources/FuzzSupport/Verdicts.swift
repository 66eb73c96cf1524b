import Glibc

/// The differential mode of every target: with `JWTGATE_FUZZ_VERDICTS=1` in the environment, each input
/// prints one line saying what jwtgate made of it, so `fuzz/differential` can compare it with the
/// Python reference. Off while fuzzing: printing would cost more than parsing.
public enum Verdicts {
    public static let enabled: Bool = getenv("JWTGATE_FUZZ_VERDICTS") != nil

    /// One line on stdout, `<FNV-1a 64 of the input, hex> <verdict>`, written unbuffered (libFuzzer may
    /// `exit` right after the last input). The hash ties the line to its file: libFuzzer also runs an
    /// empty input of its own before the files it is given.
    public static func emit(input: [UInt8], _ line: @autoclosure () -> String) {
        guard enabled else { return }
        // A verdict is one line; escapes keep an odd payload from splitting it.
        let verdict = line().replacingOccurrences(of: "\n", with: "\\n")
        writeAll(fnv1a64Hex(input) + " " + verdict + "\n", to: STDOUT_FILENO)
    }

    static func fnv1a64Hex(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    static func writeAll(_ text: String, to descriptor: Int32) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written <= 0 { return }
            bytes = bytes.dropFirst(written)
        }
    }
}

/// An invariant of a parser did not hold: print why and trap, which libFuzzer records as a crash with
/// the input that caused it.
public func fuzzRequire(_ condition: Bool, _ message: @autoclosure () -> String,
                        file: StaticString = #fileID, line: UInt = #line) {
    guard !condition else { return }
    Verdicts.writeAll("fuzz invariant broken (\(file):\(line)): \(message())\n", to: STDERR_FILENO)
    fatalError("fuzz invariant broken")
}
