/// The request headers the upstream receives. Order of precedence for each client header:
/// invalid → dropped; hop-by-hop → dropped; identity spoof → dropped; a header the gateway owns →
/// its own rule (a `Connection` token can never remove it); `Authorization`, `Cookie`, `Content-Length`,
/// `Content-Type` → kept; listed in `Connection` → dropped; anything else → kept, in order, duplicates too.
/// `traceparent`/`tracestate` are the gateway's: the client's never pass as they are (`TraceContext`).
public enum UpstreamRequestHeaders {
    public static func build(
        clientHeaders: [(name: String, value: String)],
        context: ForwardingContext,
        route: Route,
        upstream: UpstreamTarget,
        trustedProxies: [CIDRBlock]
    ) -> [(name: String, value: String)] {
        let trusted = context.peerIsTrusted(trustedProxies)
        let connectionTokens = HopByHopHeaders.connectionTokens(clientHeaders)

        var clientHost: String?
        var forwardedFor: String?
        var forwardedProto: String?
        var forwardedHost: String?
        var requestID: String?
        var traceparents: [String] = []
        var tracestates: [String] = []

        var out: [(name: String, value: String)] = []
        out.reserveCapacity(clientHeaders.count + 8)
        out.append((name: "Host", value: ""))  // filled in below; Host goes first by convention

        for header in clientHeaders {
            let name = header.name
            guard HeaderSyntax.isValidHeaderName(name), HeaderSyntax.isValidHeaderValue(header.value) else {
                continue
            }
            if HopByHopHeaders.isHopByHop(name) || IdentityHeaders.isIdentityVariant(name) { continue }

            switch GatewayOwnedHeader(name) {
            case .host:
                if clientHost == nil { clientHost = header.value }
                continue
            case .forwardedFor(let exact):
                // Several XFF lines from a trusted proxy are one list (RFC 9110 §5.3).
                if exact && trusted { forwardedFor = forwardedFor.map { $0 + ", " + header.value } ?? header.value }
                continue
            case .forwardedProto(let exact):
                if exact && trusted && forwardedProto == nil { forwardedProto = header.value }
                continue
            case .forwardedHost(let exact):
                if exact && trusted && forwardedHost == nil { forwardedHost = header.value }
                continue
            case .requestID(let exact):
                if exact && requestID == nil && isSaneRequestID(header.value) { requestID = header.value }
                continue
            case .traceparent:
                traceparents.append(header.value)
                continue
            case .tracestate:
                tracestates.append(header.value)
                continue
            case .clientClaim(let exact):
                // Other "who/where is the client" headers apps trust; only a trusted proxy may state them.
                if exact && trusted { out.append(header) }
                continue
            case .protected:
                out.append(header)
                continue
            case .other:
                break
            }
            if HopByHopHeaders.isListed(name, in: connectionTokens) { continue }
            out.append(header)
        }

        let hostValue = route.config.preserveHost ? (clientHost ?? upstream.hostHeader) : upstream.hostHeader
        out[0] = (name: "Host", value: hostValue)

        let clientAddress = context.clientAddressText
        out.append((name: "X-Forwarded-For", value: forwardedFor.map { $0 + ", " + clientAddress } ?? clientAddress))
        out.append((name: "X-Forwarded-Proto", value: forwardedProto ?? (context.isTLS ? "https" : "http")))
        if let host = forwardedHost ?? clientHost {
            out.append((name: "X-Forwarded-Host", value: host))
        }
        out.append((name: "X-Request-Id", value: requestID ?? context.requestID))
        let trace = context.trace ?? TraceContext.forRequest(traceparents: traceparents, tracestates: tracestates)
        out.append((name: "traceparent", value: trace.traceparent))
        if let state = trace.traceState { out.append((name: "tracestate", value: state)) }

        if let identity = context.identity, identity.isHeaderSafe {
            out.append((name: IdentityHeaders.userID, value: identity.userID))
            out.append((name: IdentityHeaders.username, value: identity.username))
            out.append((name: IdentityHeaders.email, value: identity.email))
        }
        if let subject = context.clientSubject, HeaderSyntax.isValidHeaderValue(subject) {
            out.append((name: IdentityHeaders.clientSubject, value: subject))
        }
        return out
    }

    /// 1–200 characters of `[A-Za-z0-9._:/+=-]`: enough for UUIDs, trace ids and base64, nothing that
    /// could break a log line or a header.
    public static func isSaneRequestID(_ value: String) -> Bool {
        let utf8 = value.utf8
        guard (1...200).contains(utf8.count) else { return false }
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "/"),
                UInt8(ascii: "+"), UInt8(ascii: "="), UInt8(ascii: "-"):
                continue
            default:
                return false
            }
        }
        return true
    }
}

/// How a client header name relates to the headers the gateway sets. `exact` is false for an `_`/`.`
/// alias of the name (`X_Forwarded_For`): an alias is always dropped, since a WSGI upstream would read
/// it as the real header and the gateway's own value would no longer be the only one.
private enum GatewayOwnedHeader {
    case host
    case forwardedFor(exact: Bool)
    case forwardedProto(exact: Bool)
    case forwardedHost(exact: Bool)
    case requestID(exact: Bool)
    /// Any case; the gateway sends its own (W3C Trace Context).
    case traceparent
    case tracestate
    case clientClaim(exact: Bool)
    /// Forwarded unchanged whatever `Connection` lists.
    case protected
    case other

    init(_ name: String) {
        // Each comparison is gated on the name's length first, so the chain stays cheap for ordinary headers.
        if HeaderName.equals(name, "host") {
            self = .host
        } else if HeaderName.normalizedEquals(name, "x-forwarded-for") {
            self = .forwardedFor(exact: HeaderName.equals(name, "x-forwarded-for"))
        } else if HeaderName.normalizedEquals(name, "x-forwarded-proto") {
            self = .forwardedProto(exact: HeaderName.equals(name, "x-forwarded-proto"))
        } else if HeaderName.normalizedEquals(name, "x-forwarded-host") {
            self = .forwardedHost(exact: HeaderName.equals(name, "x-forwarded-host"))
        } else if HeaderName.normalizedEquals(name, "x-request-id") {
            self = .requestID(exact: HeaderName.equals(name, "x-request-id"))
        } else if HeaderName.equals(name, "traceparent") {
            self = .traceparent
        } else if HeaderName.equals(name, "tracestate") {
            self = .tracestate
        } else if let exact = GatewayOwnedHeader.clientClaimExactness(name) {
            self = .clientClaim(exact: exact)
        } else if HeaderName.equals(name, "authorization") || HeaderName.equals(name, "cookie")
            || HeaderName.equals(name, "content-length") || HeaderName.equals(name, "content-type")
        {
            self = .protected
        } else {
            self = .other
        }
    }

    private static func clientClaimExactness(_ name: String) -> Bool? {
        for candidate: StaticString in ["forwarded", "x-real-ip", "x-forwarded-port", "x-forwarded-prefix"]
        where HeaderName.normalizedEquals(name, candidate) {
            return HeaderName.equals(name, candidate)
        }
        return nil
    }
}
