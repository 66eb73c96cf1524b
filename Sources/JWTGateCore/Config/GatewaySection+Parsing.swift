/// The keys `gateway.yaml` knows, section by section; unknown keys are errors with a suggestion.
enum GatewayKeys {
    static let topLevel = ["server", "jwt", "endpoints", "users", "logging", "throttle", "routes"]
    static let server = ["listen", "max_body_bytes", "max_token_body_bytes", "max_credential_bytes",
                         "max_header_bytes", "request_timeout", "idle_timeout",
                         "trusted_proxies", "event_loop_threads", "blocking_threads",
                         "max_pending_password_checks", "drain_grace", "shutdown_timeout",
                         "upstream_max_connections", "upstream_max_connections_per_host",
                         "max_connections", "max_transfers_per_client", "header_timeout", "body_timeout",
                         "send_timeout", "data_plane", "certificate_watch_interval"]
    static let jwt = ["secret_key", "algorithm", "verify", "private_key_file", "public_key_file",
                      "verify_expiration", "leeway", "expiration_delta", "audience", "issuer", "allow_refresh",
                      "refresh_expiration_delta", "auth_header_prefix", "auth_cookie", "auth_cookie_secure", "user_secret_field",
                      "response_fields"]
    static let endpoints = ["obtain", "refresh", "verify", "health", "ready", "metrics", "metrics_allow"]
    static let users = ["backend", "path", "url", "table", "username_field", "email_field", "cache_ttl"]
    static let logging = ["level", "format", "access_log", "access_log_path", "access_log_buffer"]
    static let throttle = ["obtain_per_ip", "obtain_per_username", "max_keys", "store", "store_timeout",
                           "on_store_error", "key"]

    /// Every section key by its full path, to point a key written in the wrong section to the right one.
    static func elsewhere(except section: String) -> [String: String] {
        var result: [String: String] = [:]
        let sections = [("server", server), ("jwt", jwt), ("endpoints", endpoints), ("users", users),
                        ("logging", logging), ("throttle", throttle)]
        for (name, keys) in sections where name != section {
            for key in keys where result[key] == nil { result[key] = "\(name).\(key)" }
        }
        return result
    }
}

extension ConfigLoader {
    /// `endpoints:`: each one absent (default), null (switched off), or a path starting with `/`; no two equal.
    static func parseEndpoints(_ field: Field?, _ reader: YAMLNodeReader) -> EndpointsConfig {
        var config = EndpointsConfig()
        guard let field, !reader.isNull(field),
              let entries = reader.mapping(field, known: GatewayKeys.endpoints,
                                           elsewhere: GatewayKeys.elsewhere(except: "endpoints")) else { return config }
        let slots: [(String, WritableKeyPath<EndpointsConfig, String?>)] = [
            ("obtain", \.obtain), ("refresh", \.refresh), ("verify", \.verify),
            ("health", \.health), ("ready", \.ready), ("metrics", \.metrics),
        ]
        for (name, keyPath) in slots {
            guard let entry = entries[name] else { continue }
            if reader.isNull(entry) { config[keyPath: keyPath] = nil; continue }
            guard let path = reader.string(entry) else { continue }
            if let problem = pathProblem(path) {
                reader.issue(entry, problem, fix: "write a path such as `/\(name)/`, or null to switch it off")
            } else {
                config[keyPath: keyPath] = path
            }
        }
        if let allow = entries["metrics_allow"], !reader.isNull(allow),
           let blocks = parseTrustedProxies(allow, reader) {
            config.metricsAllow = blocks
        }
        var owners: [String: String] = [:]
        for (name, keyPath) in slots {
            guard let path = config[keyPath: keyPath] else { continue }
            if let other = owners[path] {
                let entry = entries[name]
                reader.issue(key: "endpoints.\(name)", line: entry?.line,
                             "is the same path as endpoints.\(other) (\(YAMLNodeReader.quote(path)))",
                             fix: "give each endpoint its own path, or set one to null")
            } else {
                owners[path] = name
            }
        }
        return config
    }

    /// Why `path` cannot be an endpoint or route path, or nil when it can.
    static func pathProblem(_ path: String) -> String? {
        guard path.hasPrefix("/") else { return "\(YAMLNodeReader.quote(path)) does not start with `/`" }
        if path.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) {
            return "contains spaces or control characters"
        }
        if path.contains("?") || path.contains("#") { return "contains `?` or `#` (a path has no query or fragment)" }
        return nil
    }

    /// `throttle:`: DRF throttle rates for the obtain endpoint, `N/period` (period s, sec, m, min, h, hour, d, day).
    static func parseThrottle(_ field: Field?, _ reader: YAMLNodeReader) -> ThrottleConfig {
        var config = ThrottleConfig()
        guard let field, !reader.isNull(field),
              let entries = reader.mapping(field, known: GatewayKeys.throttle,
                                           elsewhere: GatewayKeys.elsewhere(except: "throttle")) else { return config }
        func rate(_ name: String) -> ThrottleRate? {
            guard let entry = entries[name], !reader.isNull(entry), let text = reader.string(entry) else { return nil }
            let parts = text.split(separator: "/", maxSplits: 1)
            // DRF reads only the period's first letter: "min", "minute" and "m" are the same.
            let periods: [Character: Int] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
            guard parts.count == 2, let count = Int(parts[0]), count > 0, let unit = parts[1].first,
                  let seconds = periods[unit] else {
                reader.issue(entry, "\(YAMLNodeReader.quote(text)) is not a rate",
                             fix: "write requests/period as DRF does, e.g. `10/min`, `100/hour`, `5/s`")
                return nil
            }
            return ThrottleRate(requests: count, periodSeconds: seconds)
        }
        config.obtainPerIP = rate("obtain_per_ip")
        config.obtainPerUsername = rate("obtain_per_username")
        if let keys = reader.int(entries["max_keys"], in: 1...10_000_000, meaning: " (keys tracked per throttle)") {
            config.maxKeys = keys
        }
        if let entry = entries["store"], !reader.isNull(entry), let text = reader.string(entry) {
            if text == "memory" {
                config.store = .memory
            } else {
                switch RedisEndpoint.parse(text) {
                case .success(let endpoint): config.store = .redis(endpoint)
                case .failure(let error):
                    reader.issue(entry, "is neither `memory` nor a Redis URL: \(error.reason)",
                                 fix: "write `memory` (the default), or redis://host:6379/0 (redis://:password@host:6379/0 with a password)")
                }
            }
        }
        if let timeout = reader.duration(entries["store_timeout"]) {
            if timeout > .seconds(10) {
                reader.issue(entries["store_timeout"]!, "is longer than 10 s (every login would wait that long for a stalled Redis)",
                             fix: "give a short bound such as \"50ms\"")
            } else {
                config.storeTimeout = timeout
            }
        }
        if let policy = reader.choice(entries["on_store_error"], ThrottleConfig.StoreErrorPolicy.self) {
            config.onStoreError = policy
        }
        if let entry = entries["key"], !reader.isNull(entry), let text = reader.string(entry) {
            if text.utf8.count < 16 {
                reader.issue(entry, "is shorter than 16 bytes", fix: "set a long random value shared by every replica, e.g. from `openssl rand -hex 32`")
            } else {
                config.key = Secret(text)
            }
        }
        return config
    }

    /// `logging:`: level, format, access_log and where it goes.
    static func parseLogging(_ field: Field?, _ reader: YAMLNodeReader, baseDirectory: String) -> LoggingConfig {
        var config = LoggingConfig()
        guard let field, !reader.isNull(field),
              let entries = reader.mapping(field, known: GatewayKeys.logging,
                                           elsewhere: GatewayKeys.elsewhere(except: "logging")) else { return config }
        if let level = reader.choice(entries["level"], LoggingConfig.Level.self) { config.level = level }
        if let format = reader.choice(entries["format"], LoggingConfig.Format.self) { config.format = format }
        if let accessLog = reader.bool(entries["access_log"]) { config.accessLog = accessLog }
        if let entry = entries["access_log_path"], !reader.isNull(entry), let path = reader.string(entry) {
            config.accessLogPath = ConfigPaths.resolve(path, relativeTo: baseDirectory)
        }
        if let bytes = reader.byteCount(entries["access_log_buffer"]) { config.accessLogBuffer = bytes }
        return config
    }
}
