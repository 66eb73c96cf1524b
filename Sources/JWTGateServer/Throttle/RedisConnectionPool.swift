import CJWTGateHiredis
import JWTGateCore
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Why a Redis call failed: the throttle applies `throttle.on_store_error` to any of these.
public struct RedisStoreError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// A reply, copied out of hiredis's tree before it is freed.
enum RedisReply: Sendable, Equatable {
    case string(String)
    case integer(Int64)
    case array([RedisReply])
    case null
    case status(String)
    case error(String)
}

/// One hiredis context. Owned by one thread at a time: it moves through the pool's mutex.
final class RedisConnection: @unchecked Sendable {
    private let context: UnsafeMutablePointer<redisContext>
    /// SHA1 of the throttle script once loaded on this connection.
    var scriptSHA: String?

    init(_ endpoint: RedisEndpoint, timeout: Duration) throws(RedisStoreError) {
        let tv = Self.timeval(timeout)
        guard let context = redisConnectWithTimeout(endpoint.host, Int32(endpoint.port), tv) else {
            throw RedisStoreError("redis: cannot allocate a connection")
        }
        if context.pointee.err != 0 {
            let message = Self.errorText(context)
            redisFree(context)
            throw RedisStoreError("redis: connect to \(endpoint.host):\(endpoint.port): \(message)")
        }
        // Reads and writes time out too (SO_RCVTIMEO/SO_SNDTIMEO): a stalled server costs one timeout.
        _ = redisSetTimeout(context, tv)
        self.context = context
        if let password = endpoint.password {
            guard case .status = try command(["AUTH", password.value]) else { throw RedisStoreError("redis: AUTH refused") }
        }
        if endpoint.database != 0 {
            guard case .status = try command(["SELECT", String(endpoint.database)]) else {
                throw RedisStoreError("redis: SELECT \(endpoint.database) refused")
            }
        }
    }

    deinit { redisFree(context) }

    /// One command; throws on an I/O error or timeout (the connection is then unusable: drop it).
    /// A server error comes back as `.error`.
    func command(_ arguments: [String]) throws(RedisStoreError) -> RedisReply {
        let bytes = arguments.map { Array($0.utf8) }
        let raw: UnsafeMutableRawPointer? = withPointers(bytes) { pointers, lengths in
            redisCommandArgv(context, Int32(bytes.count), pointers, lengths)
        }
        guard let raw else { throw RedisStoreError("redis: \(Self.errorText(context))") }
        defer { freeReplyObject(raw) }
        return Self.copy(raw.assumingMemoryBound(to: redisReply.self))
    }

    private func withPointers<R>(_ bytes: [[UInt8]],
                                 _ body: (UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) -> R) -> R {
        let buffers = bytes.map { b -> UnsafeMutablePointer<CChar> in
            let p = UnsafeMutablePointer<CChar>.allocate(capacity: max(1, b.count))
            b.withUnsafeBytes { raw in
                if raw.count > 0 { UnsafeMutableRawPointer(p).copyMemory(from: raw.baseAddress!, byteCount: raw.count) }
            }
            return p
        }
        defer { buffers.forEach { $0.deallocate() } }
        var pointers: [UnsafePointer<CChar>?] = buffers.map { UnsafePointer($0) }
        let lengths = bytes.map(\.count)
        return pointers.withUnsafeMutableBufferPointer { p in
            lengths.withUnsafeBufferPointer { l in body(p.baseAddress!, l.baseAddress!) }
        }
    }

    private static func copy(_ reply: UnsafeMutablePointer<redisReply>) -> RedisReply {
        let r = reply.pointee
        func text() -> String {
            guard let str = r.str else { return "" }
            return String(decoding: UnsafeRawBufferPointer(start: str, count: Int(r.len)), as: UTF8.self)
        }
        switch r.type {
        case REDIS_REPLY_STRING: return .string(text())
        case REDIS_REPLY_STATUS: return .status(text())
        case REDIS_REPLY_ERROR: return .error(text())
        case REDIS_REPLY_INTEGER: return .integer(r.integer)
        case REDIS_REPLY_ARRAY:
            return .array((0..<Int(r.elements)).map { copy(r.element[$0]!) })
        default: return .null
        }
    }

    private static func errorText(_ context: UnsafeMutablePointer<redisContext>) -> String {
        let message = withUnsafeBytes(of: context.pointee.errstr) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        // hiredis reports a read timeout as EAGAIN's text.
        if message.contains("Resource temporarily unavailable") { return "timed out" }
        return message.isEmpty ? "I/O error" : message
    }

    static func timeval(_ duration: Duration) -> Glibc.timeval {
        let (seconds, attoseconds) = duration.components
        return Glibc.timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
    }
}

/// A few hiredis connections behind a mutex, for blocking calls from the thread pool. A failed
/// connection is dropped; after a failed connect no new connect is tried for `reconnectBackoff`
/// (calls fail at once instead of each paying a connect timeout while Redis is down).
final class RedisConnectionPool: Sendable {
    let endpoint: RedisEndpoint
    let timeout: Duration
    private let idle = Mutex<[RedisConnection]>([])
    private let nextConnectAllowed = Mutex<UInt64>(0)
    private static let maxIdle = 8
    static let reconnectBackoffNanoseconds: UInt64 = 250_000_000

    init(endpoint: RedisEndpoint, timeout: Duration) {
        self.endpoint = endpoint
        self.timeout = timeout
        // A write to a connection Redis has reset must come back as EPIPE, not kill the process.
        _ = signal(SIGPIPE, SIG_IGN)
    }

    /// Runs `body` on a pooled (or new) connection; a connection that threw is not returned.
    func withConnection<R>(_ body: (RedisConnection) throws(RedisStoreError) -> R) throws(RedisStoreError) -> R {
        let connection: RedisConnection
        if let pooled = idle.withLock({ $0.popLast() }) {
            connection = pooled
        } else {
            let now = GatewayClock.monotonicNanoseconds()
            guard now >= nextConnectAllowed.withLock({ $0 }) else {
                throw RedisStoreError("redis: \(endpoint.host):\(endpoint.port) unreachable (retrying shortly)")
            }
            do {
                connection = try RedisConnection(endpoint, timeout: timeout)
            } catch {
                nextConnectAllowed.withLock { $0 = GatewayClock.monotonicNanoseconds() + Self.reconnectBackoffNanoseconds }
                throw error
            }
        }
        let result = try body(connection)
        idle.withLock { if $0.count < Self.maxIdle { $0.append(connection) } }
        return result
    }
}
