/// The whole validated configuration: `gateway.yaml` plus the routes and users files it names.
/// Built once by `ConfigLoader`; every runtime object is compiled from it at start-up.
public struct GatewayConfig: Sendable {
    /// Absolute path of the gateway file this came from.
    public var sourceFile: String
    public var server: ServerConfig
    public var jwt: JWTConfig
    public var endpoints: EndpointsConfig
    public var users: UsersConfig
    public var logging: LoggingConfig
    /// DRF-style throttling of the obtain endpoint (brute-force protection); off unless configured.
    public var throttle = ThrottleConfig()
    /// Absolute path of the routes file, nil when `routes:` is absent (no proxying).
    public var routesFile: String?
    public var routes: [RouteConfig]
    /// `path_variants:` of the routes file: which readings of a path choose its route.
    public var pathVariants = PathVariantsConfig()

    public init(sourceFile: String, server: ServerConfig, jwt: JWTConfig, endpoints: EndpointsConfig,
                users: UsersConfig, logging: LoggingConfig, routesFile: String?, routes: [RouteConfig]) {
        self.sourceFile = sourceFile
        self.server = server
        self.jwt = jwt
        self.endpoints = endpoints
        self.users = users
        self.logging = logging
        self.routesFile = routesFile
        self.routes = routes
    }
}

/// `N/period` as DRF's `DEFAULT_THROTTLE_RATES` writes it (`10/min`, `100/hour`; s, m, h, d).
public struct ThrottleRate: Sendable, Equatable, CustomStringConvertible {
    public var requests: Int
    public var periodSeconds: Int
    public init(requests: Int, periodSeconds: Int) { self.requests = requests; self.periodSeconds = periodSeconds }
    public var description: String { "\(requests)/\(periodSeconds)s" }
}

public struct ThrottleConfig: Sendable, Equatable {
    /// Obtain requests per client address (the peer, or the client a trusted proxy names).
    public var obtainPerIP: ThrottleRate?
    /// Obtain requests per submitted username, whoever sends them.
    public var obtainPerUsername: ThrottleRate?
    /// Keys each throttle tracks at most (least recently used evicted beyond): its memory bound.
    public var maxKeys: Int = 100_000
    /// Where the request histories live: this process (default) or a Redis that replicas share.
    public var store: ThrottleStore = .memory
    /// Bound of each Redis connect, read and write (`throttle.store_timeout`).
    public var storeTimeout: Duration = .milliseconds(50)
    /// What a check does when the shared store fails or times out.
    public var onStoreError: StoreErrorPolicy = .allow
    /// The digest key replicas share (`throttle.key`); nil: derived from the JWT signing key.
    public var key: Secret?
    public init() {}

    public enum ThrottleStore: Sendable, Equatable {
        case memory
        case redis(RedisEndpoint)
    }

    /// `allow`: the request goes on unthrottled (availability first); `deny`: DRF's 429 with a 1 s wait.
    public enum StoreErrorPolicy: String, Sendable, CaseIterable { case allow, deny }
}

/// A shared throttle store: `redis://[:password@]host[:port][/db]`.
public struct RedisEndpoint: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var database: Int
    public var password: Secret?

    public init(host: String, port: Int = 6379, database: Int = 0, password: Secret? = nil) {
        self.host = host
        self.port = port
        self.database = database
        self.password = password
    }

    /// The URL without its password (for logs and errors).
    public var description: String { "redis://\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)" }

    /// Parses `redis://[[user]:password@]host[:port][/db]`; a failure carries the reason it is not one.
    public static func parse(_ text: String) -> Result<RedisEndpoint, RedisURLError> {
        guard text.hasPrefix("redis://") else { return .failure(RedisURLError("does not start with redis://")) }
        var rest = Substring(text.dropFirst("redis://".count))
        var password: Secret?
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                password = Secret(String(userInfo[userInfo.index(after: colon)...]))
            } else if !userInfo.isEmpty {
                password = Secret(String(userInfo))
            }
        }
        var database = 0
        if let slash = rest.firstIndex(of: "/") {
            let path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
            if !path.isEmpty {
                guard let db = Int(path), (0...15_999).contains(db) else {
                    return .failure(RedisURLError("the database \"\(path)\" is not a number"))
                }
                database = db
            }
        }
        var host = String(rest)
        var port = 6379
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return .failure(RedisURLError("an IPv6 host lacks its `]`")) }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let p = Int(after.dropFirst()), (1...65_535).contains(p) else {
                    return .failure(RedisURLError("the port is not a number from 1 to 65535"))
                }
                port = p
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = String(rest[..<colon])
            guard let p = Int(rest[rest.index(after: colon)...]), (1...65_535).contains(p) else {
                return .failure(RedisURLError("the port is not a number from 1 to 65535"))
            }
            port = p
        }
        guard !host.isEmpty else { return .failure(RedisURLError("has no host")) }
        return .success(RedisEndpoint(host: host, port: port, database: database, password: password))
    }
}

public struct RedisURLError: Error, Sendable {
    public let reason: String
    init(_ reason: String) { self.reason = reason }
}

public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    /// Set: the listener speaks TLS.
    public var tls: ListenerTLSConfig?
    public init(host: String, port: Int, tls: ListenerTLSConfig? = nil) { self.host = host; self.port = port; self.tls = tls }
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// An IPv4 or IPv6 network in CIDR form (`10.0.0.0/8`, `::1/128`).
public struct CIDRBlock: Sendable, Equatable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 for IPv6.
    public var address: [UInt8]
    public var prefixLength: Int
    public init(address: [UInt8], prefixLength: Int) { self.address = address; self.prefixLength = prefixLength }

    public var description: String {
        if address.count == 4 { return address.map(String.init).joined(separator: ".") + "/\(prefixLength)" }
        var groups: [String] = []
        for i in stride(from: 0, to: 16, by: 2) {
            groups.append(String(UInt16(address[i]) << 8 | UInt16(address[i + 1]), radix: 16))
        }
        return groups.joined(separator: ":") + "/\(prefixLength)"
    }

    /// True when `bytes` (4 or 16 bytes, network order) lies inside this block.
    public func contains(_ bytes: [UInt8]) -> Bool {
        guard bytes.count == address.count else { return false }
        var remaining = prefixLength
        for i in 0..<bytes.count where remaining > 0 {
            let bits = min(8, remaining)
            let mask: UInt8 = bits == 8 ? 0xFF : ~(0xFF >> UInt8(bits))
            if bytes[i] & mask != address[i] & mask { return false }
            remaining -= bits
        }
        return true
    }
}

public struct ServerConfig: Sendable {
    public var listen: [ListenAddress] = [ListenAddress(host: "127.0.0.1", port: 8080)]
    public var maxBodyBytes: Int = 10_485_760
    /// Bodies of the token views (obtain, verify, refresh) above this: 413. Django's
    /// DATA_UPLOAD_MAX_MEMORY_SIZE; the views need a few hundred bytes.
    public var maxTokenBodyBytes: Int = 2_621_440
    /// A submitted username or password longer than this (UTF-8 bytes) cannot log in: it is refused
    /// before any user lookup, throttle table or password hasher sees it (Django 1.6's 4096 limit).
    public var maxCredentialBytes: Int = 4096
    public var maxHeaderBytes: Int = 16_384
    public var requestTimeout: Duration = .seconds(60)
    /// How long an idle keep-alive client connection is kept open.
    public var idleTimeout: Duration = .seconds(75)
    public var trustedProxies: [CIDRBlock] = []
    /// Event-loop threads; 0 = one per core.
    public var eventLoopThreads: Int = 0
    /// Threads for password hashing and blocking user-store I/O; 0 = one per core.
    public var blockingThreads: Int = 0
    /// At most this many password checks queued or running; more get 429 (admission control).
    public var maxPendingPasswordChecks: Int = 64
    /// On SIGTERM: /readyz answers 503 for this long before listeners close, so load balancers stop
    /// sending new connections; then in-flight requests get up to `shutdownTimeout` to finish.
    public var drainGrace: Duration = .seconds(5)
    public var shutdownTimeout: Duration = .seconds(30)
    /// Open upstream connections in all (also the size of the keep-alive pool); more requests wait in line.
    public var upstreamMaxConnections: Int = 1024
    /// Open connections to one upstream host:port; protects a small upstream from a burst.
    public var upstreamMaxConnectionsPerHost: Int = 256
    /// Client connections open at once (loop plane); past it the listeners stop accepting until one closes.
    public var maxConnections: Int = 10_000
    /// Upstream transfers one client address may have in flight at once, process-wide; past it the
    /// request is answered 503 without reaching the upstream (nginx `limit_conn`). 0 = no cap. The
    /// default is a quarter of the default per-host pool (256), so a few stalled readers from one
    /// address cannot take an upstream's connections from everyone else (docs/client-connection.md).
    public var maxTransfersPerClient: Int = 64
    /// Loop plane: a request head must arrive whole within this, from its first byte (else 408, close).
    public var headerTimeout: Duration = .seconds(10)
    /// Loop plane: longest wait between two reads of a request body (else the connection closes).
    public var bodyTimeout: Duration = .seconds(60)
    /// Loop plane: longest wait between two writes of an answer to a client that stopped reading.
    public var sendTimeout: Duration = .seconds(60)
    /// Which server carries requests: the per-core loop (default), or the SwiftNIO server kept as a fallback.
    public var dataPlane: DataPlane = .loop
    /// How often TLS listeners' certificate, key and client-CA files are checked for changes; a change that
    /// holds for one more check reloads them as SIGHUP would. Zero: only on SIGHUP.
    public var certificateWatchInterval: Duration = .seconds(10)
    public init() {}
}

/// `server.data_plane`: the per-core `IOLoop` server (default) or the SwiftNIO server with its curl thread.
public enum DataPlane: String, Sendable, CaseIterable {
    case nio
    case loop
}

/// A secret string from the configuration; never printed.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
}

public enum JWTAlgorithm: String, Sendable, CaseIterable {
    case hs256 = "HS256", hs384 = "HS384", hs512 = "HS512"
    case rs256 = "RS256", rs384 = "RS384", rs512 = "RS512"
    case ps256 = "PS256", ps384 = "PS384", ps512 = "PS512"
    case es256 = "ES256", es384 = "ES384", es512 = "ES512"

    public var isHMAC: Bool { rawValue.hasPrefix("HS") }
}

/// `JWT_AUDIENCE`: one string (issued as `"aud":"x"`) or a list (issued as `"aud":["x","y"]`).
public enum AudienceSetting: Sendable, Equatable {
    case single(String)
    case list([String])
    public var values: [String] {
        switch self {
        case .single(let s): return [s]
        case .list(let l): return l
        }
    }
}

public enum ResponseField: String, Sendable, CaseIterable {
    case token, user_id, username, email, exp
}

/// One key per `JWT_AUTH` setting (lowercased, `JWT_` dropped). Durations in whole seconds.
public struct JWTConfig: Sendable {
    public var secretKey: Secret?
    public var algorithm: JWTAlgorithm = .hs256
    public var privateKeyFile: String?
    public var publicKeyFile: String?
    /// PEM text read from the files above at load time.
    public var privateKeyPEM: Secret?
    public var publicKeyPEM: String?
    public var verifyExpiration: Bool = true
    public var leeway: Int64 = 0
    public var expirationDelta: Int64 = 300
    public var audience: AudienceSetting?
    public var issuer: String?
    public var allowRefresh: Bool = false
    public var refreshExpirationDelta: Int64 = 7 * 86_400
    public var authHeaderPrefix: String = "JWT"
    public var authCookie: String?
    /// Mark the cookie the obtain/refresh views set `Secure` when the request came over TLS. Off by default:
    /// the library never sets it, and a client that relies on the cookie over plain HTTP would lose it.
    public var authCookieSecure: Bool = false
    public var userSecretField: String?
    public var responseFields: [ResponseField] = [.token]
    public init() {}
}

public struct EndpointsConfig: Sendable {
    public var obtain: String? = "/api-token-auth/"
    public var refresh: String? = "/api-token-refresh/"
    public var verify: String? = "/api-token-verify/"
    public var health: String? = "/healthz"
    public var ready: String? = "/readyz"
    public var metrics: String? = "/metrics"
    /// Who may read /metrics (Pomerium CVE-2022-24797: metrics open to anyone). Others get 404.
    /// Default: loopback only.
    public var metricsAllow: [CIDRBlock] = [CIDRBlock(address: [127, 0, 0, 0], prefixLength: 8),
                                            CIDRBlock(address: [UInt8](repeating: 0, count: 15) + [1], prefixLength: 128)]
    public init() {}
}

public enum UserBackend: Sendable, Equatable {
    /// users.yaml; the users were read and validated at load time.
    case file(path: String, users: [UserRecord])
    /// A Django project's db.sqlite3, opened read-only.
    case sqlite(path: String)
    /// postgres://user:pass@host:5432/db
    case postgres(url: Secret)
}

public struct UsersConfig: Sendable {
    public var backend: UserBackend
    public var table: String = "auth_user"
    public var usernameField: String = "username"
    public var emailField: String = "email"
    public var cacheTTL: Duration = .seconds(5)
    public init(backend: UserBackend) { self.backend = backend }
}

public struct LoggingConfig: Sendable {
    public enum Level: String, Sendable, CaseIterable { case trace, debug, info, notice, warning, error, critical }
    public enum Format: String, Sendable, CaseIterable { case text, json }
    public var level: Level = .info
    public var format: Format = .text
    /// One line per request at info level.
    public var accessLog: Bool = true
    /// Where access-log lines go: nil = standard error; a file is appended to and reopened on
    /// SIGHUP/SIGUSR1 (logrotate).
    public var accessLogPath: String?
    /// Bytes of access-log lines buffered between two writes; beyond it lines are dropped and counted.
    public var accessLogBuffer: Int = 1_048_576
    public init() {}
}

public enum RouteAuthMode: String, Sendable, CaseIterable {
    case none, optional, required
}

/// One upstream base URL of a route: `http(s)://host:port[/base/path]`. Immutable: the `Host` value and
/// the origin every forwarded URL starts with are worked out once, at config load, not per request.
public struct UpstreamTarget: Sendable, Equatable, CustomStringConvertible {
    public let scheme: String
    public let host: String
    public let port: Int
    /// Path prefix on the upstream without a trailing slash ("" for none).
    public let basePath: String
    /// `Host` header value for this upstream (port omitted when it is the scheme's default).
    public let hostHeader: String
    /// `scheme://host[:port]`, what the upstream URL of a request starts with.
    public let origin: String

    public init(scheme: String, host: String, port: Int, basePath: String) {
        self.scheme = scheme; self.host = host; self.port = port; self.basePath = basePath
        let bracketed = host.contains(":") ? "[\(host)]" : host
        self.hostHeader = port == (scheme == "https" ? 443 : 80) ? bracketed : "\(bracketed):\(port)"
        self.origin = "\(scheme)://\(hostHeader)"
    }
    public var description: String { origin + basePath }
}

/// `client_cert_file` and `client_key_file` of a route (PEM), resolved against the routes file's folder.
public struct UpstreamClientCertificate: Sendable, Equatable {
    /// The client certificate, then any intermediates the upstream needs to verify it.
    public var certFile: String
    /// Its private key, unencrypted.
    public var keyFile: String
    public init(certFile: String, keyFile: String) {
        self.certFile = certFile
        self.keyFile = keyFile
    }
}

public struct RouteConfig: Sendable, Equatable {
    /// Path prefix as written (must start with `/`).
    public var path: String
    public var upstreams: [UpstreamTarget]
    public var auth: RouteAuthMode = .required
    /// Upper-case method names; nil = any method.
    public var methods: Set<String>?
    public var stripPrefix: Bool = false
    public var timeout: Duration = .seconds(30)
    public var preserveHost: Bool = false
    /// PEM file of the certificate authorities trusted for this route's https upstreams; nil: the system's.
    public var caFile: String?
    /// The certificate this route presents to https upstreams that ask for one (mutual TLS); nil: none.
    public var clientCertificate: UpstreamClientCertificate?
    /// The oldest TLS version this route's https upstreams may speak.
    public var minTLSVersion: ListenerTLSConfig.Version = .tls12
    /// Forward CORS preflights (OPTIONS with Origin and Access-Control-Request-Method) without
    /// authentication: browsers never send credentials on them. Off: they get 401 as DRF answers them.
    public var skipAuthPreflight: Bool = false
    /// Only callers that presented a certificate verified by a listener's `client_ca_file` may use the
    /// route (others get 403); checked before the route's `auth`. For services that have no password.
    public var requireClientCertificate: Bool = false
    /// When set, the verified subject (RFC 2253, as forwarded in `X-Auth-Client-Subject`) must be one of
    /// these, compared exactly. Implies `requireClientCertificate`.
    public var allowedClientSubjects: Set<String>?
    /// 1-based line in the routes file (for messages), 0 when built in code.
    public var line: Int = 0
    public init(path: String, upstreams: [UpstreamTarget]) { self.path = path; self.upstreams = upstreams }

    /// Whether a caller with this verified client-certificate subject (nil: none) may use the route.
    public func admitsClient(subject: String?) -> Bool {
        guard requireClientCertificate || allowedClientSubjects != nil else { return true }
        guard let subject else { return false }
        guard let allowed = allowedClientSubjects else { return true }
        return allowed.contains { $0.utf8.elementsEqual(subject.utf8) }
    }
}
