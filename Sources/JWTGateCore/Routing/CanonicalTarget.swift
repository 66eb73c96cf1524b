/// A request target after canonicalisation: the path is what routes are matched against and, after
/// `strip_prefix` and the upstream's base path, exactly what the upstream receives.
public struct CanonicalTarget: Sendable, Hashable {
    /// Starts with `/`; ASCII only; no dot-segments, no `//`; unreserved characters decoded and every
    /// remaining escape in upper-case hex.
    public var path: String
    /// The raw text after `?`, unchanged (`""` for a bare `?`, nil when there is none).
    public var query: String?
    /// The authority of an absolute-form target (`http://host:port/...`), which RFC 9112 §3.2.2 says
    /// replaces `Host`; nil for origin form.
    public var authority: String?

    public init(path: String, query: String? = nil, authority: String? = nil) {
        self.path = path
        self.query = query
        self.authority = authority
    }
}
