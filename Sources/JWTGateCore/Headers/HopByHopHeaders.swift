/// Headers that describe one connection and so never cross the gateway (RFC 9110 §7.6.1), in either
/// direction. Matched normalised, so `Transfer_Encoding` cannot smuggle framing into a WSGI upstream.
enum HopByHopHeaders {
    static func isHopByHop(_ name: String) -> Bool {
        HeaderName.normalizedEquals(name, "connection")
            || HeaderName.normalizedEquals(name, "keep-alive")
            || HeaderName.normalizedEquals(name, "te")
            || HeaderName.normalizedEquals(name, "trailer")
            || HeaderName.normalizedEquals(name, "transfer-encoding")
            || HeaderName.normalizedEquals(name, "upgrade")
            // `Proxy` itself too: CGI maps it to HTTP_PROXY, the "httpoxy" hole (CVE-2016-5385).
            || HeaderName.normalizedEquals(name, "proxy")
            || HeaderName.normalizedHasPrefix(name, "proxy-")
    }

    /// The comma-separated tokens of every `Connection` header, trimmed; slices of the values, so no copy.
    ///
    /// Split and trimmed by code point, as the upstream and any other HTTP hop read the bytes: Swift's
    /// `Character` view would read `,` followed by a combining mark (U+0301) as one grapheme and not split
    /// there, and would trim a space together with the combining mark after it.
    static func connectionTokens(_ headers: [(name: String, value: String)]) -> [Substring] {
        var tokens: [Substring] = []
        for header in headers where HeaderName.normalizedEquals(header.name, "connection") {
            for token in header.value.unicodeScalars.split(separator: ",") {
                let trimmed = token.trimmingOptionalWhitespace()
                if !trimmed.isEmpty { tokens.append(Substring(trimmed)) }
            }
        }
        return tokens
    }

    static func isListed(_ name: String, in tokens: [Substring]) -> Bool {
        for token in tokens where HeaderName.equalsToken(name, token) { return true }
        return false
    }
}
