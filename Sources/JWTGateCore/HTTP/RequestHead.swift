/// A request head that passed every rule of `HTTPRequestParser`.
///
/// Named `RequestHead`, not `HTTPRequestHead`, because the server target imports NIOHTTP1 (whose
/// `HTTPRequestHead` it still uses) together with this module until the switch-over.
///
/// Strings, not byte ranges into the connection's buffer: everything downstream (routing, credential
/// extraction, header rules, libcurl's header list) consumes Strings, so ranges would only postpone the
/// same conversions; and a head holding ranges would be valid only until the connection compacts or
/// reuses its read buffer, which is exactly the reuse that keeps a connection allocation-light. The
/// Strings are built once, after the head is complete and valid (a refused request builds none), and
/// ASCII strings of up to 15 bytes — most names and many values — are stored inline without allocating.
public struct RequestHead: Sendable, Hashable {
    public enum Version: Sendable, Hashable {
        case http1_0
        case http1_1
    }

    /// Which of RFC 9112 §3.2's four forms the target has.
    public enum TargetForm: Sendable, Hashable {
        /// `/path?query`
        case origin
        /// `scheme://authority/path?query` (a proxy-style request; routing uses the path)
        case absolute
        /// `host:port`, only with CONNECT
        case authority
        /// `*`, only with OPTIONS
        case asterisk
    }

    public struct Field: Sendable, Hashable {
        /// As received (case preserved).
        public var name: String
        /// Without leading and trailing whitespace.
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// As received; methods are case-sensitive (RFC 9110 §9.1).
    public var method: String
    /// The raw request-target, byte for byte.
    public var target: String
    public var targetForm: TargetForm
    public var version: Version
    /// Every field line, in order, duplicates kept.
    public var fields: [Field]
    /// Whether the connection may carry another request after this one: HTTP/1.1 unless
    /// `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`.
    public var keepAlive: Bool
    /// `Expect: 100-continue`: the client waits for a 100 before sending its body.
    public var expectsContinue: Bool
    /// An `Upgrade` field is present (the gateway does not switch protocols).
    public var hasUpgrade: Bool

    public init(
        method: String, target: String, targetForm: TargetForm, version: Version, fields: [Field],
        keepAlive: Bool, expectsContinue: Bool, hasUpgrade: Bool
    ) {
        self.method = method
        self.target = target
        self.targetForm = targetForm
        self.version = version
        self.fields = fields
        self.keepAlive = keepAlive
        self.expectsContinue = expectsContinue
        self.hasUpgrade = hasUpgrade
    }

    /// The values of every field with this name, compared ASCII case-insensitively, in order.
    public func values(named name: String) -> [String] {
        fields.filter { $0.name.utf8.count == name.utf8.count && $0.name.lowercased() == name.lowercased() }
            .map(\.value)
    }
}
