import Foundation

/// Runs the helper programs the tests start (PostgreSQL, an HTTPS upstream) through `system(3)`:
/// Foundation's `Process` exit monitoring hangs inside this test process. Output goes through a file,
/// not a pipe, because a server a script starts inherits the script's descriptors and a pipe would
/// never reach end-of-file.
enum TestCommand {
    /// Runs `arguments` and returns its exit status and combined output.
    static func run(_ arguments: [String]) -> (status: Int32, output: String) {
        let outputPath = "/tmp/jwtgate-test-run-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).log"
        defer { unlink(outputPath) }
        let status = system("\(shellWords(arguments)) >'\(outputPath)' 2>&1 </dev/null")
        return (status == -1 ? -1 : (status >> 8) & 0xFF, readFile(outputPath))
    }

    /// The file's bytes as UTF-8 text ("" when missing). stdio rather than `String(contentsOfFile:)`,
    /// which leaks its 4 KiB buffer on an empty file (LeakSanitizer reports it under ASan).
    static func readFile(_ path: String) -> String {
        guard let file = fopen(path, "rb") else { return "" }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n <= 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Starts `arguments` in the background, output to `log`; returns its pid.
    static func startInBackground(_ arguments: [String], log: String) throws(TestSupportError) -> Int32 {
        let pidFile = log + ".pid"
        guard system("\(shellWords(arguments)) >'\(log)' 2>&1 </dev/null & echo $! >'\(pidFile)'") == 0,
              case let text = readFile(pidFile),
              let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
        else { throw TestSupportError("cannot start \(arguments.joined(separator: " "))") }
        return pid
    }

    /// Each argument single-quoted for `sh`.
    private static func shellWords(_ arguments: [String]) -> String {
        arguments.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
    }
}

struct TestSupportError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
