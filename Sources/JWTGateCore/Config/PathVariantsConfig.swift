/// `path_variants:` in routes.yaml: the other readings of a request path that an upstream may use when it
/// picks a view. For each reading that is on, the gateway also asks which route that reading would match,
/// and the strictest of those routes serves the request (`RouteTable.match`).
public struct PathVariantsConfig: Sendable, Equatable {
    /// What `semicolon_params` says about `;` in a path.
    public enum SemicolonParams: Sendable, Equatable {
        /// `true`: also read the path with each segment's `;params` removed (Tomcat, Spring, Jetty do).
        case on
        /// `false`: `;` is an ordinary character (Django's reading).
        case off
        /// `reject`: any `;` in the path is answered 400 "Bad request path.".
        case reject
    }

    /// `case_insensitive`: also read the path ASCII case-folded (IIS, some Express set-ups).
    public var caseInsensitive = true
    public var semicolonParams = SemicolonParams.on
    /// `trailing_slash`: also read `/x` as `/x/` (every framework routes both to one view).
    public var trailingSlash = true
    /// Line of each key as written in routes.yaml (`case_insensitive` → 7), for warnings; empty when built in code.
    public var lines: [String: Int] = [:]

    public init() {}
}
