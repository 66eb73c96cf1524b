import JWTGateCore
import Logging
import Synchronization

/// DRF's `SimpleRateThrottle` with its request histories in a Redis that several replicas share:
/// the same sliding window as `RateThrottle`, one atomic Lua script per check.
///
/// - A key's history is a sorted set `jwtgate:throttle:<scope>:<32 hex digits>` (the same 128-bit
///   keyed digest as the in-memory table, under a key every replica derives alike), scored by request
///   time, holding at most `rate.requests` members and expiring one window after its last request.
/// - Time is Redis's (`TIME` inside the script), not the replica's: replicas' clocks differ, Redis's
///   is one clock for all. (Tests pass their own `now` to compare with the in-memory throttle.)
/// - Every call is blocking and bounded by `timeout` (connect, read, write): run it on the thread
///   pool, never on an event loop. A failure or timeout is a store error: `onStoreError` decides,
///   it is counted, and logged at most once per `logInterval`.
public final class RedisRateThrottle: Sendable {
    public let rate: ThrottleRate
    public let scope: String
    public let onStoreError: ThrottleConfig.StoreErrorPolicy
    private let digest: ThrottleKeyDigest
    private let pool: RedisConnectionPool
    private let errors = Atomic<Int>(0)
    private let errorHook: @Sendable () -> Void
    private let logState = Mutex<(last: UInt64, suppressed: Int)>((0, 0))
    private let logger = Logger(label: "jwtgate.throttle")
    private static let logIntervalNanoseconds: UInt64 = 10_000_000_000

    /// The wait a `deny` answer carries when the store fails: DRF's "Expected available in 1 second."
    public static let deniedWait = 1.0

    public init(rate: ThrottleRate, scope: String, endpoint: RedisEndpoint, timeout: Duration,
                digest: ThrottleKeyDigest, onStoreError: ThrottleConfig.StoreErrorPolicy,
                errorHook: @escaping @Sendable () -> Void = {}) {
        self.rate = rate
        self.scope = scope
        self.digest = digest
        self.onStoreError = onStoreError
        self.errorHook = errorHook
        pool = RedisConnectionPool(endpoint: endpoint, timeout: timeout)
    }

    /// Store errors since start (timeouts, refused connections, server errors).
    public var storeErrors: Int { errors.load(ordering: .relaxed) }

    /// nil when allowed (and recorded); else DRF's `wait()` in seconds. On a store error,
    /// `on_store_error` decides: allow (nil) or deny (`deniedWait`). Blocking.
    /// `onStoreError` runs on each store error (the pipeline's metrics counter).
    public func check(_ key: String, now: Double? = nil, onStoreError hook: () -> Void = {}) -> Double? {
        switch checkStore(key, now: now) {
        case .success(let wait): return wait
        case .failure(let error):
            hook()
            recordError(error)
            return onStoreError == .allow ? nil : Self.deniedWait
        }
    }

    /// The store's answer, or why there is none. `now` nil: Redis's clock.
    public func checkStore(_ key: String, now: Double? = nil) -> Result<Double?, RedisStoreError> {
        let storeKey = "jwtgate:throttle:\(scope):\(digest.key(for: key).hex)"
        let nonce = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        let arguments = [String(rate.requests), String(Double(rate.periodSeconds)), now.map { "\($0)" } ?? "", nonce]
        do throws(RedisStoreError) {
            let reply = try pool.withConnection { connection throws(RedisStoreError) -> RedisReply in
                try Self.runScript(connection, key: storeKey, arguments: arguments)
            }
            return Self.interpret(reply, rate: rate)
        } catch {
            return .failure(error)
        }
    }

    private static func runScript(_ connection: RedisConnection, key: String, arguments: [String]) throws(RedisStoreError) -> RedisReply {
        if connection.scriptSHA == nil {
            guard case .string(let sha) = try connection.command(["SCRIPT", "LOAD", script]) else {
                throw RedisStoreError("redis: SCRIPT LOAD refused")
            }
            connection.scriptSHA = sha
        }
        let reply = try connection.command(["EVALSHA", connection.scriptSHA!, "1", key] + arguments)
        if case .error(let message) = reply, message.hasPrefix("NOSCRIPT") {
            // Flushed scripts (SCRIPT FLUSH, a failover): EVAL loads it again.
            connection.scriptSHA = nil
            return try connection.command(["EVAL", script, "1", key] + arguments)
        }
        return reply
    }

    /// `{0}`: allowed. `{1, count, oldest, now}`: refused; the wait is DRF's, computed here from the
    /// exact scores (`%.17g` round-trips a double), so it matches `RateThrottle` to the bit.
    static func interpret(_ reply: RedisReply, rate: ThrottleRate) -> Result<Double?, RedisStoreError> {
        guard case .array(let items) = reply, case .integer(let refused)? = items.first else {
            if case .error(let message) = reply { return .failure(RedisStoreError("redis: \(message)")) }
            return .failure(RedisStoreError("redis: unexpected reply \(reply)"))
        }
        if refused == 0 { return .success(nil) }
        guard items.count == 4, case .integer(let count) = items[1], case .string(let oldestText) = items[2],
              case .string(let nowText) = items[3], let now = Double(nowText) else {
            return .failure(RedisStoreError("redis: unexpected reply \(reply)"))
        }
        let duration = Double(rate.periodSeconds)
        let remaining = Double(oldestText).map { duration - (now - $0) } ?? duration
        let available = Double(rate.requests - Int(count) + 1)
        return .success(available <= 0 ? remaining : remaining / available)
    }

    private func recordError(_ error: RedisStoreError) {
        errors.add(1, ordering: .relaxed)
        errorHook()
        let now = GatewayClock.monotonicNanoseconds()
        let suppressed: Int? = logState.withLock { state in
            if state.last != 0 && now - state.last < Self.logIntervalNanoseconds {
                state.suppressed += 1
                return nil
            }
            defer { state = (now, 0) }
            return state.suppressed
        }
        if let suppressed {
            logger.error("throttle.store_error", metadata: [
                "throttle": "\(scope)", "error": "\(error)", "on_store_error": "\(onStoreError.rawValue)",
                "suppressed_since_last": "\(suppressed)",
            ])
        }
    }

    /// The sliding window, atomically: drop times at or before `now - duration` (DRF's `<=`), count,
    /// and either record `now` (expiring the set one window later) or answer the oldest time.
    static let script = """
    if redis.replicate_commands then redis.replicate_commands() end
    local key = KEYS[1]
    local limit = tonumber(ARGV[1])
    local duration = tonumber(ARGV[2])
    local now
    if ARGV[3] ~= '' then
      now = tonumber(ARGV[3])
    else
      local t = redis.call('TIME')
      now = tonumber(t[1]) + tonumber(t[2]) / 1000000
    end
    redis.call('ZREMRANGEBYSCORE', key, '-inf', string.format('%.17g', now - duration))
    local count = redis.call('ZCARD', key)
    if count >= limit then
      local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
      return {1, count, oldest[2] or '', string.format('%.17g', now)}
    end
    local nowText = string.format('%.17g', now)
    redis.call('ZADD', key, nowText, nowText .. ':' .. ARGV[4])
    redis.call('PEXPIRE', key, math.ceil(duration * 1000))
    return {0}
    """
}
