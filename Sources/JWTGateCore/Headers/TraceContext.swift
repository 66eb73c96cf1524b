import CJWTGateCryptoShims

/// W3C Trace Context (level 1) as a participant: the gateway continues a client's valid trace, starts a
/// new one otherwise, and sends the upstream its own span as the parent.
///
/// - A valid client `traceparent` keeps its trace-id and flags; the gateway's span gets a new random
///   parent-id, and the client's `tracestate` is forwarded (when it is valid itself, see below).
/// - An absent or malformed `traceparent` (including two of them) starts a new trace: 16 random bytes
///   of trace-id, flags `01` (sampled: the gateway records the trace id in its access log, and an
///   upstream with the usual parent-based sampler then records the request too, as it would without a
///   gateway in front). The client's `tracestate` is dropped, as the spec requires when the
///   `traceparent` is replaced.
/// - A future version (> `00`, not `ff`) is read by the spec's forward-compatibility rule and forwarded
///   as version `00`, keeping only the sampled flag.
/// - `tracestate`: all lines joined with `,`; forwarded whole or not at all. It is dropped when a member
///   is malformed, a key repeats, there are more than 32 members, or the joined value exceeds 512
///   characters — never cut in the middle of a member.
public struct TraceContext: Sendable, Equatable {
    /// 32 lower-case hex characters, not all zero.
    public var traceID: String
    /// The gateway's span: 16 lower-case hex characters, not all zero; the upstream sees it as parent-id.
    public var spanID: String
    public var flags: UInt8
    /// What the upstream receives as `tracestate`; nil when none is forwarded.
    public var traceState: String?
    /// True when the client sent a valid `traceparent` whose trace this continues.
    public var continued: Bool

    public init(traceID: String, spanID: String, flags: UInt8, traceState: String?, continued: Bool) {
        self.traceID = traceID
        self.spanID = spanID
        self.flags = flags
        self.traceState = traceState
        self.continued = continued
    }

    /// The `traceparent` value sent upstream (always version `00`).
    public var traceparent: String {
        "00-" + traceID + "-" + spanID + "-" + Self.hexByte(flags)
    }

    /// Flags of a trace the gateway starts: sampled.
    public static let newTraceFlags: UInt8 = 0x01
    public static let maxTraceStateMembers = 32
    public static let maxTraceStateLength = 512

    /// A client's trace-id, parent-id and flags, as read from one `traceparent` value.
    public struct Parent: Sendable, Equatable {
        public var traceID: String
        public var parentID: String
        public var flags: UInt8
    }

    /// The context for one request, from the client's `traceparent` and `tracestate` header values (every
    /// line of each, in order).
    public static func forRequest(traceparents: [String], tracestates: [String]) -> TraceContext {
        if traceparents.count == 1, let parent = parseTraceparent(traceparents[0]) {
            return TraceContext(traceID: parent.traceID, spanID: randomSpanID(), flags: parent.flags,
                                traceState: validTraceState(tracestates), continued: true)
        }
        return TraceContext(traceID: randomTraceID(), spanID: randomSpanID(), flags: newTraceFlags,
                            traceState: nil, continued: false)
    }

    /// The trace id a request is logged under when only its id is needed (a request the gateway answers
    /// itself): the client's, when its single `traceparent` is valid, else a new random one.
    public static func traceID(traceparents: [String]) -> String {
        if traceparents.count == 1, let parent = parseTraceparent(traceparents[0]) { return parent.traceID }
        return randomTraceID()
    }

    /// `version "-" trace-id "-" parent-id "-" flags`, lower-case hex only. Version `00` is exactly 55
    /// characters; `ff` is invalid; a higher version must be at least 55 characters with a `-` after the
    /// flags if longer, and only its sampled flag is kept. All-zero trace-id or parent-id is invalid.
    public static func parseTraceparent(_ value: String) -> Parent? {
        let bytes = Array(value.utf8)
        guard bytes.count >= 55 else { return nil }
        guard let version = hexValue(bytes, 0, 2), bytes[2] == UInt8(ascii: "-"), version != 0xFF else { return nil }
        if version == 0 {
            guard bytes.count == 55 else { return nil }
        } else if bytes.count > 55 && bytes[55] != UInt8(ascii: "-") {
            return nil
        }
        guard bytes[35] == UInt8(ascii: "-"), bytes[52] == UInt8(ascii: "-"),
              isLowerHex(bytes[3..<35]), isLowerHex(bytes[36..<52]),
              let flags = hexValue(bytes, 53, 2)
        else { return nil }
        let traceID = bytes[3..<35], parentID = bytes[36..<52]
        guard traceID.contains(where: { $0 != UInt8(ascii: "0") }),
              parentID.contains(where: { $0 != UInt8(ascii: "0") })
        else { return nil }
        return Parent(traceID: String(decoding: traceID, as: UTF8.self),
                      parentID: String(decoding: parentID, as: UTF8.self),
                      flags: version == 0 ? UInt8(flags) : UInt8(flags) & 0x01)
    }

    /// The `tracestate` to forward: every line joined with `,`, empty members removed, or nil when there
    /// is none or it breaks a rule (member syntax, repeated key, more than 32 members, over 512 characters).
    ///
    /// Split and trimmed by code point: Swift's `Character` view would read `,` followed by a combining
    /// mark (U+0301) as one grapheme and not split there, and would trim a space with the mark after it.
    public static func validTraceState(_ lines: [String]) -> String? {
        var members: [Substring] = []
        var keys: Set<Substring> = []
        for line in lines {
            for raw in line.unicodeScalars.split(separator: ",", omittingEmptySubsequences: false) {
                let member = Substring(raw.trimmingOptionalWhitespace())
                if member.isEmpty { continue }
                guard let key = memberKey(member), keys.insert(key).inserted else { return nil }
                members.append(member)
                if members.count > maxTraceStateMembers { return nil }
            }
        }
        if members.isEmpty { return nil }
        let joined = members.joined(separator: ",")
        return joined.utf8.count <= maxTraceStateLength ? joined : nil
    }

    /// The key of a valid `key=value` list member, else nil.
    /// key: `lcalpha 0*255(lcalpha / DIGIT / "_" / "-"/ "*" / "/")`, or the multi-tenant
    /// `(lcalpha / DIGIT) 0*240(…) "@" lcalpha 0*13(…)`; value: 1–256 printable ASCII characters
    /// other than `,` and `=`, not ending in a space.
    static func memberKey(_ member: Substring) -> Substring? {
        let scalars = member.unicodeScalars
        guard let equals = scalars.firstIndex(of: "=") else { return nil }
        let key = Substring(scalars[..<equals]), value = Substring(scalars[scalars.index(after: equals)...])
        guard isValidKey(Array(key.utf8)) else { return nil }
        let valueBytes = Array(value.utf8)
        guard (1...256).contains(valueBytes.count), valueBytes.last != UInt8(ascii: " ") else { return nil }
        for byte in valueBytes where byte < 0x20 || byte > 0x7E || byte == UInt8(ascii: ",") || byte == UInt8(ascii: "=") {
            return nil
        }
        return key
    }

    private static func isValidKey(_ key: [UInt8]) -> Bool {
        func isLCAlpha(_ b: UInt8) -> Bool { b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") }
        func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
        func isKeyChar(_ b: UInt8) -> Bool {
            isLCAlpha(b) || isDigit(b) || b == UInt8(ascii: "_") || b == UInt8(ascii: "-") || b == UInt8(ascii: "*")
                || b == UInt8(ascii: "/")
        }
        guard let first = key.first else { return false }
        if let at = key.firstIndex(of: UInt8(ascii: "@")) {
            let tenant = key[..<at], system = key[(at + 1)...]
            guard (1...241).contains(tenant.count), (1...14).contains(system.count),
                  isLCAlpha(first) || isDigit(first), isLCAlpha(system[system.startIndex])
            else { return false }
            return tenant.dropFirst().allSatisfy(isKeyChar) && system.dropFirst().allSatisfy(isKeyChar)
        }
        return key.count <= 256 && isLCAlpha(first) && key.dropFirst().allSatisfy(isKeyChar)
    }

    private static func isLowerHex(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.allSatisfy { ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f")) }
    }

    private static func hexValue(_ bytes: [UInt8], _ start: Int, _ count: Int) -> Int? {
        var value = 0
        for byte in bytes[start..<(start + count)] {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = value * 16 + Int(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = value * 16 + Int(byte - UInt8(ascii: "a")) + 10
            default: return nil
            }
        }
        return value
    }

    // MARK: Random ids

    /// 16 random bytes as 32 hex characters, never all zero.
    public static func randomTraceID() -> String {
        var rng = FastSecureRandom()
        var high: UInt64, low: UInt64
        repeat {
            high = rng.next()
            low = rng.next()
        } while high == 0 && low == 0
        return hex(high) + hex(low)
    }

    /// 8 random bytes as 16 hex characters, never all zero.
    public static func randomSpanID() -> String {
        var rng = FastSecureRandom()
        var value: UInt64
        repeat { value = rng.next() } while value == 0
        return hex(value)
    }

    private static func hex(_ value: UInt64) -> String {
        let digits: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: 16) { buffer in
            let table = UnsafeBufferPointer(start: digits.utf8Start, count: 16)
            for i in 0..<16 { buffer[i] = table[Int((value >> UInt64(60 - 4 * i)) & 0xF)] }
            return 16
        }
    }

    private static func hexByte(_ value: UInt8) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: [digits[Int(value >> 4)], digits[Int(value & 0xF)]], as: UTF8.self)
    }
}

/// OpenSSL's DRBG, cryptographically strong like the system generator, without its getrandom(2) system
/// call per draw (three per forwarded request were 3 % of a request's syscalls), and drawn in 512-byte
/// batches per thread (`jwtgate_random_u64`): OpenSSL 3's RAND_bytes takes its ENGINE and provider locks
/// on every call, ~1 µs each, three times per request (perf, the handshake bench's /healthz answers).
struct FastSecureRandom: RandomNumberGenerator {
    mutating func next() -> UInt64 {
        var ok: Int32 = 0
        let value = jwtgate_random_u64(&ok)
        if ok == 1 { return value }
        var system = SystemRandomNumberGenerator()
        return system.next()
    }
}
