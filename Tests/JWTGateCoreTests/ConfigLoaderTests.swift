import Foundation
import Testing
@testable import JWTGateCore

@Suite("ConfigLoader reads real configurations")
struct ConfigLoaderTests {
    @Test("every conformance profile loads", .enabled(if: SharedFiles.profilesPresent),
          arguments: ["default", "cookie", "norefresh", "strict", "rs256"])
    func conformanceProfileLoads(profile: String) throws {
        let path = SharedFiles.profiles.appendingPathComponent("\(profile).yaml").path
        let config = try ConfigLoader.load(path: path, environment: [:])
        #expect(config.server.listen == [ListenAddress(host: "127.0.0.1", port: 8080)])
        #expect(config.routes.map(\.path) == ["/api/public/", "/api/"])
        #expect(config.routes.map(\.auth) == [.none, .required])
        #expect(config.routes.map(\.line) == [4, 7])
        #expect(config.routes[0].upstreams == [UpstreamTarget(scheme: "http", host: "127.0.0.1", port: 9001, basePath: "")])
        guard case .file(let usersPath, let users) = config.users.backend else {
            Issue.record("expected the file backend")
            return
        }
        #expect(usersPath.hasSuffix("/conformance/profiles/users.yaml"))
        #expect(users.map(\.username) == ["alice", "bob", "carol"])
        #expect(users.map(\.id) == [.integer(1), .integer(2), .integer(42)])
        #expect(users.map(\.isActive) == [true, false, true])
        #expect(users[2].email == "")
        #expect(users[2].fields["password_plain"] == "cärol pässwörd ✓")
        #expect(config.jwt.secretKey != nil)
        switch profile {
        case "rs256":
            #expect(config.jwt.algorithm == .rs256)
            #expect(config.jwt.expirationDelta == 3600)
            #expect(config.jwt.refreshExpirationDelta == 2 * 86_400)
            #expect(config.jwt.publicKeyPEM?.contains("-----BEGIN PUBLIC KEY-----") == true)
            #expect(config.jwt.privateKeyPEM?.value.contains("-----BEGIN") == true)
            #expect(config.jwt.publicKeyFile?.hasSuffix("/conformance/keys/rs256-public.pem") == true)
            #expect(config.endpoints.obtain == "/auth/token/")
        case "strict":
            #expect(config.jwt.leeway == 10)
            #expect(config.jwt.expirationDelta == 600)
            #expect(config.jwt.audience == .single("jwtgate-conformance"))
            #expect(config.jwt.issuer == "https://issuer.example.test")
            #expect(config.jwt.authHeaderPrefix == "Bearer")
        case "cookie":
            #expect(config.jwt.authCookie == "jwt-auth")
        case "norefresh":
            #expect(config.jwt.allowRefresh == false)
        default:
            #expect(config.jwt.algorithm == .hs256)
            #expect(config.jwt.allowRefresh == true)
            #expect(config.jwt.refreshExpirationDelta == 7 * 86_400)
        }
    }

    @Test("the example configuration in config/ loads and names the demo users")
    func exampleConfigurationLoads() throws {
        let path = SharedFiles.repositoryRoot.appendingPathComponent("config/gateway.yaml").path
        let config = try ConfigLoader.load(path: path, environment: [:])
        #expect(config.server.listen.map(\.description) == ["127.0.0.1:8080"])
        #expect(config.server.maxBodyBytes == 10_485_760)
        #expect(config.server.maxHeaderBytes == 16_384)
        guard case .file(_, let users) = config.users.backend else {
            Issue.record("expected the file backend")
            return
        }
        #expect(users.map(\.username) == ["demo", "retired"])
        #expect(users.map(\.isActive) == [true, false])
        #expect(config.routes.map(\.path) == ["/api/public/", "/api/"])
        #expect(config.routes.map(\.auth) == [.none, .required])
        #expect(config.routesFile == SharedFiles.repositoryRoot.appendingPathComponent("config/routes.yaml").path)
    }

    @Test("a minimal file gets every default")
    func defaults() throws {
        let fixture = try ConfigFixture()
        let config = try fixture.load(gateway: "jwt:\n  secret_key: s\n")
        #expect(config.server.listen == [ListenAddress(host: "127.0.0.1", port: 8080)])
        #expect(config.server.maxBodyBytes == 10_485_760)
        #expect(config.server.requestTimeout == .seconds(60))
        #expect(config.server.maxPendingPasswordChecks == 64)
        #expect(config.jwt.algorithm == .hs256)
        #expect(config.jwt.expirationDelta == 300)
        #expect(config.jwt.refreshExpirationDelta == 604_800)
        #expect(config.jwt.allowRefresh == false)
        #expect(config.jwt.authHeaderPrefix == "JWT")
        #expect(config.jwt.responseFields == [.token])
        #expect(config.endpoints.obtain == "/api-token-auth/")
        #expect(config.endpoints.metrics == "/metrics")
        #expect(config.users.table == "auth_user")
        #expect(config.users.cacheTTL == .seconds(5))
        #expect(config.logging.level == .info)
        #expect(config.routesFile == nil)
        #expect(config.routes.isEmpty)
        #expect(config.sourceFile == fixture.path("gateway.yaml"))
        guard case .file(let path, let users) = config.users.backend else {
            Issue.record("expected the file backend")
            return
        }
        #expect(path == fixture.path("users.yaml"))
        #expect(users == [UserRecord(id: .integer(1), username: "alice", email: "", passwordHash: ConfigFixture.validHash,
                                     isActive: true)])
    }

    @Test("a route without auth requires authentication, and route keys are read")
    func routeDefaultsAndKeys() throws {
        let fixture = try ConfigFixture()
        let config = try fixture.load(gateway: ConfigFixture.gateway(), routes: """
            routes:
              - path: /a/
                upstream: http://backend
              - path: /b/
                upstream: [http://10.0.0.1:8000/base/, "http://[::1]:9000"]
                auth: optional
                methods: [get, Post]
                strip_prefix: true
                timeout: 1500ms
                preserve_host: yes
                skip_auth_preflight: true
            """)
        let a = config.routes[0], b = config.routes[1]
        #expect(a.auth == .required)
        #expect(a.methods == nil)
        #expect(a.upstreams == [UpstreamTarget(scheme: "http", host: "backend", port: 80, basePath: "")])
        #expect(a.line == 2)
        #expect(b.line == 4)
        #expect(b.upstreams == [UpstreamTarget(scheme: "http", host: "10.0.0.1", port: 8000, basePath: "/base"),
                                UpstreamTarget(scheme: "http", host: "::1", port: 9000, basePath: "")])
        #expect(b.auth == .optional)
        #expect(b.methods == ["GET", "POST"])
        #expect(b.stripPrefix)
        #expect(b.timeout == .milliseconds(1500))
        #expect(b.preserveHost)
        #expect(b.skipAuthPreflight && !a.skipAuthPreflight)
    }

    @Test("upstream connection limits are read, and a per-host limit above the total is refused")
    func upstreamConnectionLimits() throws {
        let fixture = try ConfigFixture()
        let gateway = ConfigFixture.gateway("server:\n  upstream_max_connections: 64\n  upstream_max_connections_per_host: 8")
        let config = try fixture.load(gateway: gateway)
        #expect(config.server.upstreamMaxConnections == 64)
        #expect(config.server.upstreamMaxConnectionsPerHost == 8)
        let defaults = try fixture.load(gateway: ConfigFixture.gateway())
        #expect(defaults.server.upstreamMaxConnections == 1024 && defaults.server.upstreamMaxConnectionsPerHost == 256)
        let inverted = ConfigFixture.gateway("server:\n  upstream_max_connections: 4\n  upstream_max_connections_per_host: 8")
        #expect(throws: ConfigError.self) { _ = try fixture.load(gateway: inverted) }
    }

    @Test("the loop plane's settings are read with their defaults; an unknown data_plane is refused")
    func loopPlaneSettings() throws {
        let fixture = try ConfigFixture()
        let config = try fixture.load(gateway: ConfigFixture.gateway(
            "server:\n  data_plane: loop\n  max_connections: 500\n  header_timeout: 2s\n  body_timeout: 3s\n  send_timeout: 4s"))
        #expect(config.server.dataPlane == .loop)
        #expect(config.server.maxConnections == 500)
        #expect(config.server.headerTimeout == .seconds(2))
        #expect(config.server.bodyTimeout == .seconds(3))
        #expect(config.server.sendTimeout == .seconds(4))
        let defaults = try fixture.load(gateway: ConfigFixture.gateway())
        #expect(defaults.server.dataPlane == .loop && defaults.server.maxConnections == 10_000)
        #expect(defaults.server.headerTimeout == .seconds(10) && defaults.server.bodyTimeout == .seconds(60)
                    && defaults.server.sendTimeout == .seconds(60))
        let error = try #require(throws: ConfigError.self) {
            _ = try fixture.load(gateway: ConfigFixture.gateway("server:\n  data_plane: epoll"))
        }
        #expect(error.description.contains("data_plane"))
        #expect(error.description.contains("nio, loop"))
    }

    @Test("max_transfers_per_client: 64 by default, 0 switches the cap off, any other count is kept")
    func transfersPerClient() throws {
        let fixture = try ConfigFixture()
        #expect(try fixture.load(gateway: ConfigFixture.gateway()).server.maxTransfersPerClient == 64)
        #expect(try fixture.load(gateway: ConfigFixture.gateway("server:\n  max_transfers_per_client: 0")).server.maxTransfersPerClient == 0)
        #expect(try fixture.load(gateway: ConfigFixture.gateway("server:\n  max_transfers_per_client: 3")).server.maxTransfersPerClient == 3)
    }

    @Test("https upstreams: port 443 by default, ca_file relative to routes.yaml")
    func httpsRoutes() throws {
        let fixture = try ConfigFixture()
        _ = try fixture.write("upstream-ca.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
        let config = try fixture.load(gateway: ConfigFixture.gateway(), routes: """
            routes:
              - path: /a/
                upstream: https://api.internal
              - path: /b/
                upstream: HTTPS://10.0.0.7:8443/v1
                ca_file: upstream-ca.pem
            """)
        #expect(config.routes[0].upstreams == [UpstreamTarget(scheme: "https", host: "api.internal", port: 443, basePath: "")])
        #expect(config.routes[0].upstreams[0].hostHeader == "api.internal")
        #expect(config.routes[0].caFile == nil)
        #expect(config.routes[1].upstreams == [UpstreamTarget(scheme: "https", host: "10.0.0.7", port: 8443, basePath: "/v1")])
        #expect(config.routes[1].caFile == fixture.path("upstream-ca.pem"))
    }

    @Test("every key of gateway.yaml is read")
    func everyKeyRead() throws {
        let fixture = try ConfigFixture()
        let config = try fixture.load(gateway: """
            server:
              listen: ["0.0.0.0:0", "[::1]:8443"]
              max_body_bytes: 1MiB
              max_header_bytes: 8192
              request_timeout: 2m
              idle_timeout: 10s
              trusted_proxies: [10.0.0.0/8, 192.0.2.7, "fd00::/8"]
              event_loop_threads: 2
              blocking_threads: 3
              max_pending_password_checks: 5
              max_transfers_per_client: 7
              drain_grace: 0
              shutdown_timeout: 1h
            jwt:
              secret_key: k
              algorithm: HS512
              verify: true
              verify_expiration: false
              leeway: 1m
              expiration_delta: 1d
              audience: [a, b]
              issuer: me
              allow_refresh: true
              refresh_expiration_delta: 3600
              auth_header_prefix: Bearer
              auth_cookie: jwt-token
              user_secret_field: secret_field
              response_fields: [token, user_id, exp]
            endpoints:
              obtain: /login/
              refresh: null
              metrics: ~
            users:
              backend: file
              path: users.yaml
              table: my_users
              username_field: email
              email_field: mail
              cache_ttl: 0
            logging:
              level: debug
              format: json
              access_log: false
              access_log_path: logs/access.log
              access_log_buffer: 64KiB
            routes: null
            """, users: """
            users:
              - id: 550E8400E29B41D4A716446655440000
                username: u
                email: u@example.com
                password: "!unusable"
                is_active: no
                secret_field: per-user
                number: 7
            """)
        #expect(config.server.listen == [ListenAddress(host: "0.0.0.0", port: 0), ListenAddress(host: "::1", port: 8443)])
        #expect(config.server.maxBodyBytes == 1_048_576)
        #expect(config.server.maxHeaderBytes == 8192)
        #expect(config.server.requestTimeout == .seconds(120))
        #expect(config.server.idleTimeout == .seconds(10))
        #expect(config.server.trustedProxies.map(\.description) == ["10.0.0.0/8", "192.0.2.7/32", "fd00:0:0:0:0:0:0:0/8"])
        #expect(config.server.eventLoopThreads == 2)
        #expect(config.server.blockingThreads == 3)
        #expect(config.server.maxPendingPasswordChecks == 5)
        #expect(config.server.maxTransfersPerClient == 7)
        #expect(config.server.drainGrace == .zero)
        #expect(config.server.shutdownTimeout == .seconds(3600))
        #expect(config.jwt.secretKey == Secret("k"))
        #expect(config.jwt.algorithm == .hs512)
        #expect(config.jwt.verifyExpiration == false)
        #expect(config.jwt.leeway == 60)
        #expect(config.jwt.expirationDelta == 86_400)
        #expect(config.jwt.audience == .list(["a", "b"]))
        #expect(config.jwt.issuer == "me")
        #expect(config.jwt.allowRefresh)
        #expect(config.jwt.refreshExpirationDelta == 3600)
        #expect(config.jwt.authHeaderPrefix == "Bearer")
        #expect(config.jwt.authCookie == "jwt-token")
        #expect(config.jwt.userSecretField == "secret_field")
        #expect(config.jwt.responseFields == [.token, .user_id, .exp])
        #expect(config.endpoints.obtain == "/login/")
        #expect(config.endpoints.refresh == nil)
        #expect(config.endpoints.verify == "/api-token-verify/")
        #expect(config.endpoints.metrics == nil)
        #expect(config.users.table == "my_users")
        #expect(config.users.usernameField == "email")
        #expect(config.users.emailField == "mail")
        #expect(config.users.cacheTTL == .zero)
        #expect(config.logging.level == .debug)
        #expect(config.logging.format == .json)
        #expect(config.logging.accessLog == false)
        #expect(config.logging.accessLogPath?.hasSuffix("/logs/access.log") == true, "relative to the config file")
        #expect(config.logging.accessLogBuffer == 65_536)
        #expect(config.routesFile == nil)
        guard case .file(_, let users) = config.users.backend else {
            Issue.record("expected the file backend")
            return
        }
        #expect(users == [UserRecord(id: .uuid("550e8400-e29b-41d4-a716-446655440000"), username: "u",
                                     email: "u@example.com", passwordHash: "!unusable", isActive: false,
                                     fields: ["secret_field": "per-user", "number": "7"])])
    }

    @Test("relative paths are resolved against the folder of the file that names them")
    func relativePaths() throws {
        let fixture = try ConfigFixture()
        let pem = "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n"
        try fixture.write("keys/public.pem", pem)
        try fixture.write("keys/private.pem", "-----BEGIN PRIVATE KEY-----\nMIG\n-----END PRIVATE KEY-----\n")
        try fixture.write("data/users.yaml", ConfigFixture.users)
        try fixture.write("data/db.sqlite3", "SQLite format 3\0")
        try fixture.write("etc/routes.yaml", ConfigFixture.routes)
        let gateway = try fixture.write("etc/gateway.yaml", """
            jwt:
              algorithm: ES256
              public_key_file: ../keys/public.pem
              private_key_file: ../keys/private.pem
            users:
              path: ../data/users.yaml
            routes: routes.yaml
            """)
        let config = try ConfigLoader.load(path: gateway, environment: [:])
        #expect(config.jwt.publicKeyFile == fixture.path("keys/public.pem"))
        #expect(config.jwt.publicKeyPEM == pem)
        #expect(config.jwt.privateKeyPEM?.value.hasPrefix("-----BEGIN PRIVATE KEY-----") == true)
        #expect(config.routesFile == fixture.path("etc/routes.yaml"))
        guard case .file(let usersPath, _) = config.users.backend else {
            Issue.record("expected the file backend")
            return
        }
        #expect(usersPath == fixture.path("data/users.yaml"))

        let sqliteGateway = try fixture.write("etc/sqlite.yaml", """
            jwt: {secret_key: s}
            users: {backend: sqlite, path: ../data/db.sqlite3}
            """)
        let sqlite = try ConfigLoader.load(path: sqliteGateway, environment: [:])
        #expect(sqlite.users.backend == .sqlite(path: fixture.path("data/db.sqlite3")))
    }

    @Test("a verify-only RS256 gateway needs no private key")
    func verifyOnlyAsymmetric() throws {
        let fixture = try ConfigFixture()
        try fixture.write("public.pem", "-----BEGIN PUBLIC KEY-----\nx\n-----END PUBLIC KEY-----\n")
        let config = try fixture.load(gateway: """
            jwt: {algorithm: RS256, public_key_file: public.pem}
            endpoints: {obtain: null, refresh: null}
            """)
        #expect(config.jwt.privateKeyPEM == nil)
    }

    @Test("postgres takes its URL from the environment and keeps it secret")
    func postgresURL() throws {
        let fixture = try ConfigFixture()
        let url = "postgres://app:hunter2@db:5432/app"
        let config = try fixture.load(gateway: """
            jwt: {secret_key: s}
            users:
              backend: postgres
              url: "${DATABASE_URL}"
            """, environment: ["DATABASE_URL": url])
        #expect(config.users.backend == .postgres(url: Secret(url)))
    }
}
