import Glibc

/// Reads a whole file with open/read/close, for the config files and the certificate files they name.
///
/// Not `FileManager.contents(atPath:)`: on this toolchain's swift-foundation it leaks its 4 KiB read buffer
/// whenever the file is empty (found by the config fuzzer under LeakSanitizer; an empty users or routes file
/// re-read at every SIGHUP would leak the same way).
enum FileBytes {
    /// Files larger than this are refused rather than read: a config or PEM file is kilobytes, and a path
    /// pointed by mistake at a log or a disk image must not be pulled into memory.
    static let limit = 64 << 20

    enum Outcome: Equatable {
        case bytes([UInt8])
        /// The file could not be opened or read (the errno).
        case unreadable(Int32)
        case tooLarge
    }

    static func read(_ path: String, limit: Int = FileBytes.limit) -> Outcome {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .unreadable(errno) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .unreadable(errno)
            }
            if count == 0 { return .bytes(bytes) }
            guard bytes.count + count <= limit else { return .tooLarge }
            bytes += chunk[0..<count]
        }
    }

    /// The file's bytes, or nil when it cannot be read or is over `limit`.
    static func contents(_ path: String) -> [UInt8]? {
        if case .bytes(let bytes) = read(path) { return bytes }
        return nil
    }
}
