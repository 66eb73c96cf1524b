/// The authenticated user as the upstream learns it, taken from the user store (never from the token).
public struct ForwardedIdentity: Sendable, Equatable {
    public var userID: String
    public var username: String
    /// Empty when the user has none.
    public var email: String

    public init(userID: String, username: String, email: String) {
        self.userID = userID
        self.username = username
        self.email = email
    }

    /// False when a value could break the header block (CR, LF, NUL, …); such an identity is not forwarded
    /// at all, because rewriting it could turn one user's name into another's.
    public var isHeaderSafe: Bool {
        HeaderSyntax.isValidHeaderValue(userID) && HeaderSyntax.isValidHeaderValue(username)
            && HeaderSyntax.isValidHeaderValue(email)
    }
}

/// What the server knows about the client connection and the authentication outcome.
public struct ForwardingContext: Sendable {
    /// Network-order peer address: 4 bytes (IPv4) or 16 (IPv6).
    public var clientAddress: [UInt8]
    public var clientAddressText: String
    public var isTLS: Bool
    /// Used when the client sent no sane `X-Request-Id`.
    public var requestID: String
    /// nil for an anonymous request.
    public var identity: ForwardedIdentity?
    /// The request's trace (the server decides it once, so the access log and the upstream agree);
    /// nil lets `UpstreamRequestHeaders.build` derive one from the client's headers.
    public var trace: TraceContext?
    /// The verified client certificate's subject (a TLS listener with `verify_client`); nil otherwise.
    public var clientSubject: String?

    public init(clientAddress: [UInt8], clientAddressText: String, isTLS: Bool, requestID: String,
                identity: ForwardedIdentity? = nil, trace: TraceContext? = nil, clientSubject: String? = nil) {
        self.clientSubject = clientSubject
        self.clientAddress = clientAddress
        self.clientAddressText = clientAddressText
        self.isTLS = isTLS
        self.requestID = requestID
        self.identity = identity
        self.trace = trace
    }

    /// True when the peer lies in one of `trustedProxies`. An IPv4-mapped IPv6 peer (`::ffff:a.b.c.d`, as
    /// a dual-stack listener reports IPv4 clients) is also checked against IPv4 blocks.
    public func peerIsTrusted(_ trustedProxies: [CIDRBlock]) -> Bool {
        Self.isTrusted(peer: clientAddress, in: trustedProxies)
    }

    /// The one rule for "this peer is a trusted proxy", shared by the forwarded headers, the per-client
    /// transfer cap and the login throttle, so the three can never disagree about who the client is.
    public static func isTrusted(peer: [UInt8], in trustedProxies: [CIDRBlock]) -> Bool {
        if trustedProxies.isEmpty { return false }
        let mapped: [UInt8]? =
            peer.count == 16 && peer[0..<10].allSatisfy({ $0 == 0 })
                && peer[10] == 0xFF && peer[11] == 0xFF
            ? Array(peer[12..<16]) : nil
        for block in trustedProxies {
            if block.contains(peer) { return true }
            if let mapped, block.contains(mapped) { return true }
        }
        return false
    }
}
