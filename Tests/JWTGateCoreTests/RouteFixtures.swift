import JWTGateCore

/// Routes and path-variant settings for the routing tests, built in code (no YAML).
enum RouteFixtures {
    static let local = UpstreamTarget(scheme: "http", host: "127.0.0.1", port: 9001, basePath: "")

    static func route(_ path: String, _ auth: RouteAuthMode, line: Int, strip: Bool = false) -> RouteConfig {
        var config = RouteConfig(path: path, upstreams: [local])
        config.auth = auth
        config.line = line
        config.stripPrefix = strip
        return config
    }

    static func variants(caseInsensitive: Bool = true, semicolons: PathVariantsConfig.SemicolonParams = .on,
                         trailingSlash: Bool = true) -> PathVariantsConfig {
        var variants = PathVariantsConfig()
        variants.caseInsensitive = caseInsensitive
        variants.semicolonParams = semicolons
        variants.trailingSlash = trailingSlash
        return variants
    }
}
