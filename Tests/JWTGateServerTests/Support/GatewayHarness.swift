import Foundation
import JWTGateCore
import JWTGateServer
import Testing
import Logging
import NIOCore
import NIOPosix

/// Starts a real gateway on 127.0.0.1 port 0 in front of real test upstreams, and stops it.
struct GatewayHarness {
    static let secret = "server-test-secret"
    /// pbkdf2_sha256, 1000 iterations, password "secret123".
    static let hash = "pbkdf2_sha256$1000$abcdefghijklmnopqrstuv$WUeWaPptslGTAofDfT4dObEzdoXnjpkayrOvnZ/gLH8="
    static let users = [
        UserRecord(id: .integer(1), username: "alice", email: "alice@example.com", passwordHash: hash, isActive: true),
        UserRecord(id: .integer(2), username: "bob", email: "bob@example.com", passwordHash: hash, isActive: false),
        UserRecord(id: .integer(42), username: "carol", email: "", passwordHash: hash, isActive: true),
    ]

    /// The data plane end-to-end tests run on unless a test says otherwise: the default (loop);
    /// `JWTGATE_TEST_DATA_PLANE=nio swift test` runs every suite on the SwiftNIO fallback.
    static let defaultPlane: DataPlane = {
        guard let name = ProcessInfo.processInfo.environment["JWTGATE_TEST_DATA_PLANE"], !name.isEmpty else { return ServerConfig().dataPlane }
        guard let plane = DataPlane(rawValue: name) else { fatalError("JWTGATE_TEST_DATA_PLANE must be nio or loop, not \(name)") }
        return plane
    }()

    static func config(routes: [RouteConfig], plane: DataPlane = defaultPlane,
                       configure: (inout GatewayConfig) -> Void = { _ in }) -> GatewayConfig {
        var server = ServerConfig()
        server.dataPlane = plane
        server.listen = [ListenAddress(host: "127.0.0.1", port: 0)]
        server.eventLoopThreads = 2
        server.blockingThreads = 2
        server.drainGrace = .zero
        server.shutdownTimeout = .seconds(5)
        var jwt = JWTConfig()
        jwt.secretKey = Secret(secret)
        jwt.allowRefresh = true
        var logging = LoggingConfig()
        logging.accessLog = false
        var config = GatewayConfig(sourceFile: "/tests/gateway.yaml", server: server, jwt: jwt, endpoints: EndpointsConfig(),
                                   users: UsersConfig(backend: .file(path: "/tests/users.yaml", users: users)),
                                   logging: logging, routesFile: "/tests/routes.yaml", routes: routes)
        configure(&config)
        return config
    }

    static func route(_ path: String, port: Int, auth: RouteAuthMode = .required,
                      configure: (inout RouteConfig) -> Void = { _ in }) -> RouteConfig {
        var route = RouteConfig(path: path, upstreams: [UpstreamTarget(scheme: "http", host: "127.0.0.1", port: port, basePath: "")])
        route.auth = auth
        route.timeout = .seconds(5)
        configure(&route)
        return route
    }

    static func start(_ config: GatewayConfig) async throws -> RunningGateway {
        var logger = Logger(label: "jwtgate-test")
        logger.logLevel = .critical
        return try await RunningGateway.start(runtime: try GatewayRuntime(config: config), logger: logger)
    }

    /// Runs `body` with a gateway and one upstream; both are stopped afterwards whatever happens.
    static func withGateway(
        reply: @escaping @Sendable (TestUpstreamServer.Request) -> TestUpstreamServer.Reply = { _ in .json(#"{"ok":true}"#) },
        routes: (Int) -> [RouteConfig] = { port in [route("/api/public/", port: port, auth: .none), route("/api/", port: port)] },
        plane: DataPlane = defaultPlane,
        configure: (inout GatewayConfig) -> Void = { _ in },
        _ body: (RunningGateway, TestUpstreamServer) async throws -> Void
    ) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let upstream = try await TestUpstreamServer.start(group: group, reply: reply)
        let gateway: RunningGateway
        do {
            gateway = try await start(config(routes: routes(upstream.port), plane: plane, configure: configure))
        } catch {
            try? await upstream.stop()
            try? await group.shutdownGracefully()
            throw error
        }
        do {
            try await body(gateway, upstream)
        } catch {
            await gateway.drainAndStop(grace: .zero, timeout: .seconds(2))
            try? await upstream.stop()
            try? await group.shutdownGracefully()
            throw error
        }
        await gateway.drainAndStop(grace: .zero, timeout: .seconds(2))
        try? await upstream.stop()
        try? await group.shutdownGracefully()
    }

    /// A token for `username` signed with the harness secret.
    static func token(_ claims: String) -> String {
        var jwt = JWTConfig()
        jwt.secretKey = Secret(secret)
        let codec = try! JWTCodec(config: jwt)
        guard case .object(let payload)? = try? PythonJSON.parse(Array(claims.utf8)) else { fatalError(claims) }
        return codec.encode(payload)!
    }

    static func validToken(_ username: String = "alice") -> String {
        token("{\"username\":\"\(username)\",\"exp\":\(Int64(time(nil)) + 300)}")
    }
}

extension TestUpstreamServer.Reply {
    static func json(_ text: String, status: Int = 200, extra: [(String, String)] = []) -> TestUpstreamServer.Reply {
        let bytes = Array(text.utf8)
        return .respond(status: status, headers: [("Content-Type", "application/json"), ("Content-Length", "\(bytes.count)")] + extra,
                        body: ByteBuffer(bytes: bytes))
    }
}

#if canImport(Glibc)
import Glibc
#endif

extension GatewayHarness {
    /// For the database backends, whose fixtures hold alice (id 1, password `alice-secret-1`): she logs in
    /// through the obtain endpoint and a proxied request carries her identity. Returns her token.
    static func expectAliceLogsInAndIsForwarded(_ client: RawHTTPClient, _ upstream: TestUpstreamServer) throws -> String {
        let obtained = try client.request("POST", "/api-token-auth/", headers: [("Content-Type", "application/json")],
                                          body: Array(#"{"username":"alice","password":"alice-secret-1"}"#.utf8))
        #expect(obtained.status == 200, "\(obtained.text)")
        let token = try #require(try PythonJSON.parse(obtained.body).objectValue?["token"]?.stringValue)
        let proxied = try client.request("GET", "/api/orders", headers: [("Authorization", "JWT \(token)")])
        #expect(proxied.status == 200)
        #expect(upstream.requests.last?.values("X-Auth-Username") == ["alice"])
        #expect(upstream.requests.last?.values("X-Auth-User-Id") == ["1"])
        return token
    }
}
