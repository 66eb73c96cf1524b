import Synchronization

/// Request ids: a random per-process prefix plus an atomic counter, so each id costs one atomic increment
/// and one small string instead of a random-number call; unique across restarts and instances with
/// overwhelming probability (64 random bits), and sortable within a process.
public enum RequestIDGenerator {
    private static let prefix: UInt64 = UInt64.random(in: .min ... .max)
    private static let counter = Atomic<UInt64>(0)

    /// 32 lower-case hex characters (valid as a client-sent `X-Request-Id` too).
    public static func next() -> String {
        let sequence = counter.add(1, ordering: .relaxed).newValue
        let hex: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: 32) { buffer in
            let digits = UnsafeBufferPointer(start: hex.utf8Start, count: 16)
            for i in 0..<16 {
                buffer[i] = digits[Int((prefix >> UInt64(60 - 4 * i)) & 0xF)]
                buffer[16 + i] = digits[Int((sequence >> UInt64(60 - 4 * i)) & 0xF)]
            }
            return 32
        }
    }
}
