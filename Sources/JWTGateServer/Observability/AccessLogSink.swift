import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Where access-log lines go: a bounded in-memory buffer that request threads append to, written out
/// in batches by one writer thread (nginx's `access_log … buffer=`, Envoy's flush interval). A request
/// never waits for a disk or a pipe: when the writer cannot keep up and the buffer is full, the line
/// is dropped and counted (`jwtgate_access_log_dropped_lines`). `flush()` writes what is buffered
/// (drain, shutdown); `reopen()` reopens a file destination after logrotate moved it (SIGHUP, SIGUSR1).
public final class AccessLogSink: Sendable {
    public enum Destination: Sendable, Equatable {
        case standardError
        case file(String)
    }

    struct State: ~Copyable {
        var pending: [UInt8] = []
        var stopping = false
        /// The second whose "YYYY-MM-DDTHH:MM:SS" text is cached: one gmtime per second, not per line.
        var cachedSecond = -1
        var cachedStamp: [UInt8] = []
    }

    public let destination: Destination
    public let capacity: Int
    public let flushInterval: Duration
    private let state = Mutex(State())
    private let dropped = Atomic<Int>(0)
    private let descriptor = Atomic<Int32>(2)
    private let stopped = Atomic<Bool>(false)
    private let writer = Mutex<pthread_t?>(nil)

    /// - Parameters:
    ///   - capacity: bytes buffered at most between two writes; lines beyond are dropped.
    ///   - flushInterval: how long a line may wait in the buffer.
    public init(destination: Destination, capacity: Int = 1 << 20, flushInterval: Duration = .milliseconds(100)) throws(AccessLogError) {
        self.destination = destination
        self.capacity = max(4096, capacity)
        self.flushInterval = flushInterval
        if case .file(let path) = destination { descriptor.store(try Self.open(path), ordering: .relaxed) }
    }

    public var droppedLines: Int { dropped.load(ordering: .relaxed) }

    /// Appends one line that `format` writes (ending with a newline), given the cached
    /// "YYYY-MM-DDTHH:MM:SS" text of `second`; drops it when the buffer is full.
    func append(second nowSeconds: Int, _ format: (inout [UInt8], _ stamp: [UInt8]) -> Void) {
        let accepted = state.withLock { state -> Bool in
            if state.stopping || state.pending.count >= capacity { return false }
            if state.cachedSecond != nowSeconds {
                state.cachedSecond = nowSeconds
                state.cachedStamp = Self.isoSecond(nowSeconds)
            }
            format(&state.pending, state.cachedStamp)
            return true
        }
        if !accepted { dropped.add(1, ordering: .relaxed) }
    }

    /// Starts the writer thread.
    public func start() throws(AccessLogError) {
        let sink = self
        do {
            let thread = try LoopThread.spawn(name: "jwtgate-accesslog") { sink.runWriter() }
            writer.withLock { $0 = thread }
        } catch {
            throw AccessLogError("cannot start the access-log writer thread: \(error)")
        }
    }

    /// Writes everything buffered now, on the calling thread (drain and shutdown).
    public func flush() {
        var batch = state.withLock { state -> [UInt8] in
            var taken: [UInt8] = []
            taken.reserveCapacity(min(capacity, 64 * 1024))
            swap(&taken, &state.pending)
            return taken
        }
        write(&batch)
    }

    /// Flushes, stops the writer and waits for it; later lines are dropped.
    public func stop() {
        state.withLock { $0.stopping = true }
        stopped.store(true, ordering: .relaxed)
        if let thread = writer.withLock({ value -> pthread_t? in
            defer { value = nil }
            return value
        }) {
            LoopThread.join(thread)
        }
        flush()
    }

    /// Reopens a file destination (after logrotate renamed it); standard error stays as it is.
    public func reopen() throws(AccessLogError) {
        guard case .file(let path) = destination else { return }
        flush()
        let fresh = try Self.open(path)
        close(descriptor.exchange(fresh, ordering: .relaxed))
    }

    private func runWriter() {
        let (seconds, attoseconds) = flushInterval.components
        while !stopped.load(ordering: .relaxed) {
            var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
            var remaining = timespec()
            _ = nanosleep(&request, &remaining)
            flush()
        }
    }

    private func write(_ bytes: inout [UInt8]) {
        guard !bytes.isEmpty else { return }
        let fd = descriptor.load(ordering: .relaxed)
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n > 0 {
                    offset += n
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    return  // a sink that refuses writes loses this batch; requests are never held up
                }
            }
        }
    }

    private static func open(_ path: String) throws(AccessLogError) -> Int32 {
        let fd = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else {
            throw AccessLogError("\(path): cannot open the access log for appending (\(String(cString: strerror(errno))))")
        }
        return fd
    }

    /// "YYYY-MM-DDTHH:MM:SS" in UTC.
    static func isoSecond(_ seconds: Int) -> [UInt8] {
        var t = time_t(seconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        func two(_ v: Int32) -> [UInt8] { [UInt8(48 + v / 10), UInt8(48 + v % 10)] }
        var out = Array(String(Int(parts.tm_year) + 1900).utf8)
        out += [UInt8(ascii: "-")] + two(parts.tm_mon + 1) + [UInt8(ascii: "-")] + two(parts.tm_mday) + [UInt8(ascii: "T")]
        out += two(parts.tm_hour) + [UInt8(ascii: ":")] + two(parts.tm_min) + [UInt8(ascii: ":")] + two(parts.tm_sec)
        return out
    }
}

public struct AccessLogError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
