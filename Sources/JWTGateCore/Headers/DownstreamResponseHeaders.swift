/// The upstream's response headers as the client receives them.
public enum DownstreamResponseHeaders {
    /// Drops hop-by-hop headers and whatever the upstream's `Connection` lists; keeps every other header,
    /// including each `Set-Cookie` line separately (they cannot be comma-joined), unchanged and in order.
    public static func filter(_ upstream: [(name: String, value: String)]) -> [(name: String, value: String)] {
        let tokens = HopByHopHeaders.connectionTokens(upstream)
        var out: [(name: String, value: String)] = []
        out.reserveCapacity(upstream.count)
        for header in upstream {
            // Invalid names or values (a bare CR, NUL) are dropped here, so the server can skip NIO's
            // second validation pass over every response head.
            guard HeaderSyntax.isValidHeaderName(header.name), HeaderSyntax.isValidHeaderValue(header.value) else { continue }
            if HopByHopHeaders.isHopByHop(header.name) { continue }
            if !tokens.isEmpty && HopByHopHeaders.isListed(header.name, in: tokens) { continue }
            out.append(header)
        }
        return out
    }
}
