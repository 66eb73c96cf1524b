import JWTGateCore

/// Everything the request path reads, compiled once from the configuration: keys parsed, routes
/// sorted into a table, the user store opened, answers prepared. Immutable after start-up.
public final class GatewayRuntime: Sendable {
    public let config: GatewayConfig
    public let codec: JWTCodec
    public let directory: UserDirectory
    public let tokens: TokenService
    public let authenticator: RequestAuthenticator
    public let extractor: CredentialExtractor
    public let answers: DRFAnswers
    public let routes: RouteTable
    public let tokenViews: TokenViewPaths
    /// DRF-style throttles of the obtain endpoint (nil: off).
    public let obtainPerIP: RateThrottle?
    public let obtainPerUsername: RateThrottle?
    /// The same throttles with shared state in Redis (`throttle.store: redis://…`); the in-memory
    /// ones are then nil. Blocking: the pipeline checks them on the thread pool.
    public let sharedPerIP: RedisRateThrottle?
    public let sharedPerUsername: RedisRateThrottle?
    /// The verify/refresh views may run on the event loop: the user store is in memory and, for
    /// refresh, signing is cheap (HMAC or ECDSA, not an RSA signature of ~0.9 ms).
    let verifyRunsInline: Bool
    let refreshRunsInline: Bool
    /// The loop plane's per-connection limits and timeouts, taken from `server:` once here rather than
    /// from the whole configuration at every request.
    let connectionSettings: ConnectionSettings

    public init(config: GatewayConfig) throws(StartupError) {
        self.config = config
        connectionSettings = ConnectionSettings(config.server)
        do {
            codec = try JWTCodec(config: config.jwt)
        } catch {
            throw StartupError(file: config.sourceFile, keyError: error)
        }
        let store: any UserStore
        switch config.users.backend {
        case .file(_, let users):
            store = FileUserStore(users: users)
        case .sqlite(let path):
            do {
                store = try SQLiteUserStore(path: path, table: config.users.table,
                                            usernameField: config.users.usernameField,
                                            emailField: config.users.emailField,
                                            extraFields: config.jwt.userSecretField.map { [$0] } ?? [])
            } catch {
                throw StartupError("\(config.sourceFile): \(error)")
            }
        case .postgres(let url):
            do {
                store = try PostgresUserStore(url: url.value, table: config.users.table,
                                              usernameField: config.users.usernameField,
                                              emailField: config.users.emailField,
                                              extraFields: config.jwt.userSecretField.map { [$0] } ?? [])
            } catch {
                throw StartupError("\(config.sourceFile): \(error)")
            }
        }
        directory = UserDirectory(store: store, ttl: config.users.cacheTTL)
        let usernameField: String
        if case .file = config.users.backend { usernameField = "username" } else { usernameField = config.users.usernameField }
        let cache = VerifiedTokenCache()
        tokens = TokenService(config: config.jwt, codec: codec, directory: directory, usernameField: usernameField, cache: cache,
                              maxCredentialBytes: config.server.maxCredentialBytes)
        authenticator = RequestAuthenticator(codec: codec, directory: directory, userSecretField: config.jwt.userSecretField,
                                             cache: cache)
        extractor = CredentialExtractor(prefix: config.jwt.authHeaderPrefix, cookieName: config.jwt.authCookie)
        answers = DRFAnswers(jwt: config.jwt)
        routes = RouteTable(config.routes, variants: config.pathVariants)
        tokenViews = TokenViewPaths(config.endpoints)
        let throttle = config.throttle
        switch throttle.store {
        case .memory:
            obtainPerIP = throttle.obtainPerIP.map { RateThrottle(rate: $0, maxKeys: throttle.maxKeys) }
            obtainPerUsername = throttle.obtainPerUsername.map { RateThrottle(rate: $0, maxKeys: throttle.maxKeys) }
            sharedPerIP = nil
            sharedPerUsername = nil
        case .redis(let endpoint):
            // Replicas must name a client's key alike: the digest key comes from configuration they share.
            guard let secret = throttle.key ?? config.jwt.secretKey ?? config.jwt.privateKeyPEM else {
                throw StartupError("\(config.sourceFile): throttle.key: is required for a shared throttle store when jwt has neither secret_key nor private_key_file — set one long random value, the same on every replica")
            }
            let digest = ThrottleKeyDigest.derived(from: Array(secret.value.utf8))
            obtainPerIP = nil
            obtainPerUsername = nil
            sharedPerIP = throttle.obtainPerIP.map {
                RedisRateThrottle(rate: $0, scope: "obtain_per_ip", endpoint: endpoint, timeout: throttle.storeTimeout,
                                  digest: digest, onStoreError: throttle.onStoreError)
            }
            sharedPerUsername = throttle.obtainPerUsername.map {
                RedisRateThrottle(rate: $0, scope: "obtain_per_username", endpoint: endpoint, timeout: throttle.storeTimeout,
                                  digest: digest, onStoreError: throttle.onStoreError)
            }
        }
        let inMemory = directory.store.isInMemory
        verifyRunsInline = inMemory
        refreshRunsInline = inMemory && (codec.algorithm.isHMAC || codec.algorithm.requiresECKey)
        if !codec.canIssue && config.jwt.userSecretField == nil && (tokenViews.obtain != nil || tokenViews.refresh != nil) {
            throw StartupError("\(config.sourceFile): jwt.private_key_file: is required to issue \(config.jwt.algorithm.rawValue) tokens — set it, or switch endpoints.obtain and endpoints.refresh off (null) for a verify-only gateway")
        }
    }
}

extension GatewayRuntime {
    /// The body cap of a request for `target`: the token views read at most `max_token_body_bytes`
    /// (what Django's DATA_UPLOAD_MAX_MEMORY_SIZE allows), everything else `max_body_bytes`.
    func bodyLimit(forTarget target: String) -> Int {
        let server = config.server
        guard server.maxTokenBodyBytes < server.maxBodyBytes,
              case .success(let canonical) = RequestTarget.canonicalize(target.utf8),
              let kind = tokenViews.kind(of: canonical.path) else { return server.maxBodyBytes }
        switch kind {
        case .obtain, .verify, .refresh: return server.maxTokenBodyBytes
        case .health, .ready, .metrics: return server.maxBodyBytes
        }
    }
}

/// Which gateway-served path is which.
public struct TokenViewPaths: Sendable {
    public enum Kind: Sendable { case obtain, verify, refresh, health, ready, metrics }
    public let obtain: String?
    public let refresh: String?
    /// Exact code points: a path with U+212A must not be taken for one spelled with `K`.
    private let byPath: [CodePointString: Kind]

    init(_ endpoints: EndpointsConfig) {
        obtain = endpoints.obtain
        refresh = endpoints.refresh
        var map: [CodePointString: Kind] = [:]
        for (path, kind) in [(endpoints.obtain, Kind.obtain), (endpoints.verify, .verify), (endpoints.refresh, .refresh),
                             (endpoints.health, .health), (endpoints.ready, .ready), (endpoints.metrics, .metrics)] {
            if let path { map[CodePointString(path)] = kind }
        }
        byPath = map
    }

    public func kind(of path: String) -> Kind? { byPath[CodePointString(path)] }
}

extension GatewayRuntime {
    /// Whether `target` is one of the token views, whose body the pipeline reads before it decides
    /// (the loop plane decides every other request at its head).
    func isTokenView(target: String) -> Bool {
        guard case .success(let canonical) = RequestTarget.canonicalize(target.utf8),
              let kind = tokenViews.kind(of: canonical.path) else { return false }
        switch kind {
        case .obtain, .verify, .refresh: return true
        case .health, .ready, .metrics: return false
        }
    }
}
