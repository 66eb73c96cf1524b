import Testing

@testable import JWTGateCore

private typealias Headers = [(name: String, value: String)]

private let upstream = UpstreamTarget(scheme: "http", host: "127.0.0.1", port: 9001, basePath: "")
private let alice = ForwardedIdentity(userID: "1", username: "alice", email: "alice@example.com")
private let proxies = [CIDRBlock(address: [10, 0, 0, 0], prefixLength: 8)]

private func context(peer: [UInt8] = [203, 0, 113, 9], text: String = "203.0.113.9", tls: Bool = false,
                     identity: ForwardedIdentity? = nil) -> ForwardingContext {
    ForwardingContext(clientAddress: peer, clientAddressText: text, isTLS: tls, requestID: "generated-id",
                      identity: identity)
}

private func build(_ headers: Headers, context ctx: ForwardingContext = context(), preserveHost: Bool = false,
                   trusted: [CIDRBlock] = proxies) -> Headers {
    var config = RouteConfig(path: "/api/", upstreams: [upstream])
    config.preserveHost = preserveHost
    return UpstreamRequestHeaders.build(clientHeaders: headers, context: ctx, route: Route(config, position: 0),
                                        upstream: upstream, trustedProxies: trusted)
}

private func values(_ headers: Headers, _ name: String) -> [String] {
    headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
}

/// Names as a WSGI server would key them: upper-cased, `-` and `.` as `_`.
private func wsgiKeys(_ headers: Headers) -> [String] {
    headers.map { String($0.name.uppercased().map { $0 == "-" || $0 == "." ? "_" : $0 }) }
}

@Suite("Header rules")
struct HeaderRulesTests {
    @Test("client identity headers are removed in every spelling", arguments: [
        "X-Auth-User-Id", "x-auth-user-id", "X-AUTH-USER-ID", "X_Auth_User_Id", "X.Auth.User.Id",
        "X-Auth_User.Id", "X-Auth-Username", "X-Auth_Username", "x_auth_username", "X.Auth.Username",
        "X-Auth-Email", "X_Auth-Email", "x.auth.email",
    ])
    func identitySpoofsRemovedAnonymous(name: String) {
        let out = build([(name, "2"), ("Accept", "*/*")])
        #expect(!out.contains { IdentityHeaders.isIdentityVariant($0.name) })
        #expect(values(out, "Accept") == ["*/*"])
    }

    @Test("an authenticated request carries exactly one copy of each identity header, the gateway's")
    func identityReplaced() {
        let spoof: Headers = [("X-Auth-User-Id", "2"), ("X_Auth_User_Id", "2"), ("X-Auth_Username", "bob"),
                              ("x.auth.email", "bob@example.com"), ("X-AUTH-EMAIL", "bob@example.com")]
        let out = build(spoof, context: context(identity: alice))
        let keys = wsgiKeys(out)
        #expect(keys.filter { $0 == "X_AUTH_USER_ID" }.count == 1)
        #expect(keys.filter { $0 == "X_AUTH_USERNAME" }.count == 1)
        #expect(keys.filter { $0 == "X_AUTH_EMAIL" }.count == 1)
        #expect(values(out, "X-Auth-User-Id") == ["1"])
        #expect(values(out, "X-Auth-Username") == ["alice"])
        #expect(values(out, "X-Auth-Email") == ["alice@example.com"])
    }

    @Test("identity values pass as UTF-8 unchanged; an empty email is sent empty")
    func identityValues() {
        let out = build([], context: context(identity: ForwardedIdentity(userID: "42", username: "jürgen", email: "")))
        #expect(values(out, "X-Auth-Username") == ["jürgen"])
        #expect(values(out, "X-Auth-Email") == [""])
    }

    @Test("an identity that could break the header block is not forwarded at all")
    func unsafeIdentity() {
        let evil = ForwardedIdentity(userID: "3", username: "eve\r\nX-Auth-User-Id: 1", email: "")
        let out = build([], context: context(identity: evil))
        #expect(!out.contains { IdentityHeaders.isIdentityVariant($0.name) })
    }

    @Test("hop-by-hop request headers are not forwarded", arguments: [
        "Connection", "Keep-Alive", "Proxy-Authorization", "Proxy-Connection", "Proxy", "TE", "Trailer",
        "Transfer-Encoding", "Upgrade", "transfer_encoding", "proxy_authorization",
    ])
    func hopByHopRequest(name: String) {
        let out = build([(name, "x"), ("Accept", "a")])
        #expect(values(out, name).isEmpty)
        #expect(values(out, "Accept") == ["a"])
    }

    @Test("Connection can remove a custom header")
    func connectionListedCustom() {
        let out = build([("Connection", "keep-alive, X-Custom"), ("X-Custom", "1"), ("X-Other", "2")])
        #expect(values(out, "X-Custom").isEmpty)
        #expect(values(out, "X-Other") == ["2"])
        #expect(values(out, "Connection").isEmpty)
    }

    @Test("Connection cannot remove a header the gateway sets or must forward", arguments: [
        "X-Auth-User-Id", "X-Auth-Username", "X-Auth-Email", "X-Forwarded-For", "X-Forwarded-Proto",
        "X-Forwarded-Host", "X-Request-Id", "Host", "Authorization", "Cookie", "Content-Length", "Content-Type",
    ])
    func connectionCannotRemoveGatewayHeaders(listed: String) {
        let client: Headers = [("Host", "gw.example"), ("Connection", "close, \(listed)"),
                               ("Authorization", "JWT abc"), ("Cookie", "a=b"), ("Content-Length", "2"),
                               ("Content-Type", "application/json")]
        let out = build(client, context: context(identity: alice))
        for name in ["Host", "Authorization", "Cookie", "Content-Length", "Content-Type", "X-Forwarded-For",
                     "X-Forwarded-Proto", "X-Forwarded-Host", "X-Request-Id", "X-Auth-User-Id",
                     "X-Auth-Username", "X-Auth-Email"] {
            #expect(values(out, name).count == 1, "\(name) missing when Connection lists \(listed)")
        }
    }

    @Test("Authorization, Cookie and other headers are forwarded unchanged, in order, duplicates kept")
    func passthrough() {
        let client: Headers = [("Accept", "a"), ("Authorization", "jwt   abc"), ("X-Dup", "1"), ("Cookie", "jwt=x; b=c"),
                               ("X-Dup", "2"), ("User-Agent", "ua")]
        let out = build(client)
        #expect(out.first?.name == "Host")
        let kept = out.filter { ["Accept", "Authorization", "X-Dup", "Cookie", "User-Agent"].contains($0.name) }
        #expect(kept.map(\.name) == client.map(\.name))
        #expect(kept.map(\.value) == client.map(\.value))
    }

    @Test("Host is the upstream's unless preserve_host; the client's goes in X-Forwarded-Host")
    func host() {
        let out = build([("Host", "gw.example")])
        #expect(values(out, "Host") == ["127.0.0.1:9001"])
        #expect(values(out, "X-Forwarded-Host") == ["gw.example"])
        let preserved = build([("Host", "gw.example")], preserveHost: true)
        #expect(values(preserved, "Host") == ["gw.example"])
    }

    @Test("X-Forwarded-For from an untrusted peer is replaced by the peer address")
    func xffUntrusted() {
        let out = build([("X-Forwarded-For", "1.2.3.4"), ("X-Forwarded-Proto", "https"),
                         ("X-Forwarded-Host", "evil"), ("Host", "gw"), ("Forwarded", "for=1.2.3.4"),
                         ("X-Real-IP", "1.2.3.4"), ("X_Forwarded_For", "1.2.3.4")])
        #expect(values(out, "X-Forwarded-For") == ["203.0.113.9"])
        #expect(values(out, "X-Forwarded-Proto") == ["http"])
        #expect(values(out, "X-Forwarded-Host") == ["gw"])
        #expect(values(out, "Forwarded").isEmpty)
        #expect(values(out, "X-Real-IP").isEmpty)
        #expect(wsgiKeys(out).filter { $0 == "X_FORWARDED_FOR" }.count == 1)
    }

    @Test("X-Forwarded-* from a trusted proxy is extended and kept")
    func xffTrusted() {
        let out = build([("X-Forwarded-For", "1.2.3.4"), ("X-Forwarded-For", "5.6.7.8"),
                         ("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "public.example"),
                         ("Host", "gw"), ("Forwarded", "for=1.2.3.4"), ("X_Forwarded_Proto", "http")],
                        context: context(peer: [10, 1, 2, 3], text: "10.1.2.3"))
        #expect(values(out, "X-Forwarded-For") == ["1.2.3.4, 5.6.7.8, 10.1.2.3"])
        #expect(values(out, "X-Forwarded-Proto") == ["https"])
        #expect(values(out, "X-Forwarded-Host") == ["public.example"])
        #expect(values(out, "Forwarded") == ["for=1.2.3.4"])
        #expect(values(out, "X_Forwarded_Proto").isEmpty)
    }

    @Test("a trusted proxy reaching a dual-stack listener as ::ffff:a.b.c.d is still trusted")
    func mappedIPv4() {
        let mapped: [UInt8] = Array(repeating: 0, count: 10) + [0xFF, 0xFF, 10, 9, 9, 9]
        let out = build([("X-Forwarded-For", "1.2.3.4")], context: context(peer: mapped, text: "::ffff:10.9.9.9"))
        #expect(values(out, "X-Forwarded-For") == ["1.2.3.4, ::ffff:10.9.9.9"])
    }

    @Test("X-Forwarded-Proto follows TLS without a trusted proxy")
    func proto() {
        #expect(values(build([], context: context(tls: true)), "X-Forwarded-Proto") == ["https"])
    }

    @Test("a sane X-Request-Id is kept", arguments: [
        "abc", "0f8fad5b-d9cb-469f-a165-70867728950e", "trace:1/2+3=4_5.6", String(repeating: "a", count: 200),
    ])
    func requestIDKept(id: String) {
        #expect(values(build([("X-Request-Id", id)]), "X-Request-Id") == [id])
    }

    @Test("an insane X-Request-Id is replaced by the generated one", arguments: [
        "", "a b", "<script>", "id\u{1}", String(repeating: "a", count: 201), "é", "a,b", "a;b",
    ])
    func requestIDReplaced(id: String) {
        #expect(values(build([("X-Request-Id", id)]), "X-Request-Id") == ["generated-id"])
    }

    @Test("no client X-Request-Id: the generated one; several: one is sent")
    func requestIDDefaults() {
        #expect(values(build([]), "X-Request-Id") == ["generated-id"])
        #expect(values(build([("X-Request-Id", "<bad>"), ("x-request-id", "good")]), "X-Request-Id") == ["good"])
        #expect(values(build([("X_Request_Id", "spoof")]), "X-Request-Id") == ["generated-id"])
        #expect(values(build([("X_Request_Id", "spoof")]), "X_Request_Id").isEmpty)
    }

    @Test("headers with invalid names or values are dropped")
    func invalidHeaders() {
        let out = build([("Bad Name", "x"), ("X-Ok", "a\r\nInjected: 1"), ("X-Fine", "tab\tok")])
        #expect(values(out, "Bad Name").isEmpty)
        #expect(values(out, "X-Ok").isEmpty)
        #expect(values(out, "X-Fine") == ["tab\tok"])
    }

    @Test("hop-by-hop response headers are dropped, including those Connection lists")
    func downstream() {
        let upstream: Headers = [("Content-Type", "application/json"), ("Connection", "close, X-Internal"),
                                 ("Keep-Alive", "timeout=5"), ("Transfer-Encoding", "chunked"),
                                 ("Proxy-Authenticate", "Basic"), ("Upgrade", "h2c"), ("Trailer", "X"),
                                 ("X-Internal", "secret"), ("Set-Cookie", "a=1; Path=/"),
                                 ("Vary", "Cookie"), ("Set-Cookie", "b=2; HttpOnly"), ("set-cookie", "c=3")]
        let out = DownstreamResponseHeaders.filter(upstream)
        #expect(out.map(\.name) == ["Content-Type", "Set-Cookie", "Vary", "Set-Cookie", "set-cookie"])
        #expect(values(out, "Set-Cookie") == ["a=1; Path=/", "b=2; HttpOnly", "c=3"])
    }

    @Test("request ids are unique and sane")
    func requestIDGenerator() {
        let ids = (0..<10_000).map { _ in RequestIDGenerator.next() }
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.utf8.count == 32 && UpstreamRequestHeaders.isSaneRequestID($0) })
    }

    @Test("header syntax checks follow RFC 9110")
    func syntax() {
        #expect(HeaderSyntax.isValidHeaderName("X-Custom_1.a"))
        #expect(!HeaderSyntax.isValidHeaderName(""))
        #expect(!HeaderSyntax.isValidHeaderName("X:Y"))
        #expect(!HeaderSyntax.isValidHeaderName("é"))
        #expect(HeaderSyntax.isValidHeaderValue("a\tb é"))
        #expect(!HeaderSyntax.isValidHeaderValue("a\nb"))
        #expect(!HeaderSyntax.isValidHeaderValue("a\u{0}b"))
    }

    @Test("Connection tokens split at every `,` code point and are trimmed of SP/HTAB code points only")
    func connectionTokensByCodePoint() {
        func tokens(_ value: String) -> [[Unicode.Scalar]] {
            HopByHopHeaders.connectionTokens([("Connection", value)]).map { Array($0.unicodeScalars) }
        }
        // `,` then U+0301 is one Swift Character, but a split for any HTTP hop reading bytes.
        #expect(tokens("close,\u{0301}x-secret") == [Array("close".unicodeScalars), Array("\u{0301}x-secret".unicodeScalars)])
        // A space then U+0301: the space is trimmed, the mark kept.
        #expect(tokens("close, \u{0301}x-secret") == [Array("close".unicodeScalars), Array("\u{0301}x-secret".unicodeScalars)])
        #expect(tokens(" keep-alive ,\tX-Custom\t,,") == [Array("keep-alive".unicodeScalars), Array("X-Custom".unicodeScalars)])

        // What that changes: `X-Custom,` + U+0301 lists X-Custom; ` ` + U+0301 + `X-Custom` does not.
        let listed = build([("Connection", "X-Custom,\u{0301}"), ("X-Custom", "1")])
        #expect(values(listed, "X-Custom").isEmpty)
        let notListed = build([("Connection", "close, \u{0301}X-Custom"), ("X-Custom", "1")])
        #expect(values(notListed, "X-Custom") == ["1"])
    }
}
