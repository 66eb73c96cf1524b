import JWTGateCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

@testable import JWTGateServer

/// The operator's series on /metrics, each driven by a real gateway into the situation it reports —
/// a dead or silent upstream, a login storm, a drain, a slow upstream — and read back from a real scrape.
@Suite("Metrics: readiness, exact gateway errors, 429 causes, pending checks, upstream time", .serialized,
       .timeLimit(.minutes(2)))
struct MetricsTests {
    /// One scrape: every sample by its series (name and labels exactly as rendered).
    static func scrape(_ client: RawHTTPClient) throws -> [String: Double] {
        let scrape = try client.request("GET", "/metrics")
        #expect(scrape.status == 200)
        var samples: [String: Double] = [:]
        for row in scrape.text.split(separator: "\n") where !row.hasPrefix("#") {
            guard let space = row.lastIndex(of: " ") else { continue }
            samples[String(row[..<space])] = Double(row[row.index(after: space)...])
        }
        return samples
    }

    /// The value of the sample `series`, nil when it is not rendered.
    static func sample(_ client: RawHTTPClient, _ series: String) throws -> Double? { try scrape(client)[series] }

    /// `jwtgate_gateway_errors_total` for 502, 503, 504, from one scrape.
    static func gatewayErrors(_ client: RawHTTPClient) throws -> [Double?] {
        let samples = try scrape(client)
        return [502, 503, 504].map { samples["jwtgate_gateway_errors_total{code=\"\($0)\"}"] }
    }

    @Test("jwtgate_ready is 1 while /readyz answers 200 and 0 from the first moment of a drain; the drain's 503 is no gateway error",
          arguments: DataPlane.allCases)
    func readiness(plane: DataPlane) async throws {
        try await GatewayHarness.withGateway(plane: plane) { gateway, _ in
            let client = try RawHTTPClient(port: gateway.port)
            #expect(try client.request("GET", "/readyz").status == 200)
            #expect(try Self.sample(client, "jwtgate_ready") == 1)
            gateway.state.startDraining()  // what SIGTERM does first (RunningGateway.drainAndStop)
            let drained = try RawHTTPClient(port: gateway.port)
            #expect(try drained.request("GET", "/readyz").status == 503)
            // A draining gateway closes each connection after its answer: one scrape per connection.
            let samples = try Self.scrape(try RawHTTPClient(port: gateway.port))
            #expect(samples["jwtgate_ready"] == 0)
            #expect(samples[#"jwtgate_gateway_errors_total{code="503"}"#] == 0, "/readyz's 503 reports readiness, it is not an error")
        }
    }

    @Test("on a database store jwtgate_ready follows the store's probe, and a request the unreadable store refuses is a counted 503")
    func readinessFollowsTheStore() async throws {
        let path = try SQLiteBackendTests.copyOfDjangoDatabase()
        defer { unlink(path) }
        try await GatewayHarness.withGateway(configure: {
            $0.users = UsersConfig(backend: .sqlite(path: path))
            $0.users.cacheTTL = .zero
        }) { gateway, _ in
            let client = try RawHTTPClient(port: gateway.port)
            /// Scrapes until `jwtgate_ready` is `value`: a scrape never waits for the store; one whose probe is
            /// older than a second starts a new probe, which the next scrape reads.
            func readyBecomes(_ value: Double) async throws -> Bool {
                for _ in 0..<100 {
                    if try Self.sample(client, "jwtgate_ready") == value { return true }
                    try await Task.sleep(for: .milliseconds(20))
                }
                return false
            }
            #expect(try await readyBecomes(1))
            #expect(try client.request("GET", "/readyz").status == 200)
            unlink(path)
            try await Task.sleep(for: .milliseconds(1100))  // the probe's verdict is kept for a second
            #expect(try await readyBecomes(0))
            #expect(try client.request("GET", "/readyz").status == 503)
            #expect(try Self.gatewayErrors(client) == [0, 0, 0])
            let refused = try client.request("GET", "/api/orders", headers: [("Authorization", "JWT \(GatewayHarness.validToken())")])
            #expect(refused.status == 503)
            #expect(try Self.gatewayErrors(client) == [0, 1, 0], "the user store could not be read: a 503 the gateway made")
        }
    }

    @Test("a refused upstream counts one 502, a silent one one 504, by exact code; the upstream's own 502 is not counted",
          arguments: DataPlane.allCases)
    func gatewayErrors(plane: DataPlane) async throws {
        try await GatewayHarness.withGateway(reply: { request in
            request.uri.hasPrefix("/own/") ? .json(#"{"down":true}"#, status: 502) : .never
        }, routes: { port in
            [GatewayHarness.route("/dead/", port: 1, auth: .none),
             GatewayHarness.route("/own/", port: port, auth: .none),
             GatewayHarness.route("/slow/", port: port, auth: .none) { $0.timeout = .milliseconds(300) }]
        }, plane: plane) { gateway, _ in
            let client = try RawHTTPClient(port: gateway.port)
            #expect(try Self.gatewayErrors(client) == [0, 0, 0], "every code is rendered before it happens")
            #expect(try client.request("GET", "/dead/x").status == 502)
            #expect(try Self.gatewayErrors(client) == [1, 0, 0])
            #expect(try client.request("GET", "/own/x").status == 502)
            #expect(try Self.gatewayErrors(client) == [1, 0, 0], "the upstream's 502 passes through, the gateway made none")
            #expect(try client.request("GET", "/slow/x").status == 504)
            #expect(try client.request("GET", "/slow/x").status == 504)
            #expect(try Self.gatewayErrors(client) == [1, 0, 2])
        }
    }

    @Test("each 429 of obtain is counted under its cause: per address, per username")
    func throttledByThrottle() async throws {
        try await GatewayHarness.withGateway(configure: {
            $0.throttle.obtainPerIP = ThrottleRate(requests: 3, periodSeconds: 60)
            $0.throttle.obtainPerUsername = ThrottleRate(requests: 2, periodSeconds: 3600)
        }) { gateway, _ in
            let client = try RawHTTPClient(port: gateway.port)
            func obtain(_ username: String) throws -> Int {
                try client.request("POST", "/api-token-auth/", headers: [("Content-Type", "application/json")],
                                   body: Array("{\"username\":\"\(username)\",\"password\":\"nope\"}".utf8)).status
            }
            func throttled() throws -> [Double?] {
                try ["obtain_per_ip", "obtain_per_username", "max_pending_password_checks"].map {
                    try Self.sample(client, "jwtgate_throttled_total{reason=\"\($0)\"}")
                }
            }
            #expect(try throttled() == [0, 0, 0])
            #expect(try obtain("alice") == 400)
            #expect(try obtain("alice") == 400)
            #expect(try obtain("alice") == 429)
            #expect(try throttled() == [0, 1, 0], "alice's third try: the per-username throttle")
            #expect(try obtain("carol") == 429)
            #expect(try obtain("carol") == 429)
            #expect(try throttled() == [2, 1, 0], "the address's fourth and fifth: the per-address throttle")
        }
    }

    @Test("a password check on the pool shows in jwtgate_password_checks_pending; the next one past max_pending_password_checks is a counted 429")
    func pendingPasswordChecks() async throws {
        // 600,000 PBKDF2 rounds (~0.3 s of one core): pending long enough to be scraped and refused beside,
        // short enough not to starve the timing tests of suites running in parallel on two cores (3 million did).
        let slowHash = "pbkdf2_sha256$600000$abcdefghijklmnopqrstuv$WUeWaPptslGTAofDfT4dObEzdoXnjpkayrOvnZ/gLH8="
        try await GatewayHarness.withGateway(configure: {
            $0.server.maxPendingPasswordChecks = 1
            $0.users = UsersConfig(backend: .file(path: "/tests/users.yaml", users: GatewayHarness.users + [
                UserRecord(id: .integer(7), username: "slow", email: "", passwordHash: slowHash, isActive: true),
            ]))
        }) { gateway, _ in
            let client = try RawHTTPClient(port: gateway.port)
            #expect(try Self.sample(client, "jwtgate_password_checks_pending") == 0)
            let body = Array(#"{"username":"slow","password":"secret123"}"#.utf8)
            let hashing = try RawHTTPClient(port: gateway.port)
            hashing.send("POST /api-token-auth/ HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n")
            hashing.send(body)
            var pending: Double?
            for _ in 0..<100 {
                pending = try Self.sample(client, "jwtgate_password_checks_pending")
                if pending == 1 { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(pending == 1, "the slow check is queued or running")
            let refused = try client.request("POST", "/api-token-auth/", headers: [("Content-Type", "application/json")], body: body)
            #expect(refused.status == 429)
            #expect(try Self.sample(client, #"jwtgate_throttled_total{reason="max_pending_password_checks"}"#) == 1)
            #expect(try Self.sample(client, #"jwtgate_throttled_total{reason="obtain_per_ip"}"#) == 0)
            #expect(try hashing.readResponse().status == 400, "the slow check ends (the hash is not the password's)")
            #expect(try Self.sample(client, "jwtgate_password_checks_pending") == 0)
        }
    }

    @Test("jwtgate_upstream_response_seconds: the upstream's time to its head, per route as the request series; none for the gateway's own paths",
          arguments: DataPlane.allCases)
    func upstreamResponseTime(plane: DataPlane) async throws {
        try await GatewayHarness.withGateway(reply: { request in
            request.uri.hasPrefix("/api/public/slow") ? .delayed(.milliseconds(600), .json(#"{"ok":true}"#)) : .json(#"{"ok":true}"#)
        }, routes: { port in
            [GatewayHarness.route("/api/public/", port: port, auth: .none), GatewayHarness.route("/dead/", port: 1, auth: .none)]
        }, plane: plane) { gateway, _ in
            let client = try RawHTTPClient(port: gateway.port)
            let route = #"route="/api/public/""#
            #expect(try client.request("GET", "/api/public/fast").status == 200)
            #expect(try Self.sample(client, "jwtgate_upstream_response_seconds_count{\(route)}") == 1)
            #expect(try Self.sample(client, "jwtgate_upstream_response_seconds_bucket{\(route),le=\"0.5\"}") == 1)
            #expect(try client.request("GET", "/api/public/slow").status == 200)
            #expect(try Self.sample(client, "jwtgate_upstream_response_seconds_count{\(route)}") == 2)
            #expect(try Self.sample(client, "jwtgate_upstream_response_seconds_bucket{\(route),le=\"0.5\"}") == 1,
                    "the slow upstream's 600 ms are above 0.5 s")
            #expect(try Self.sample(client, "jwtgate_upstream_response_seconds_bucket{\(route),le=\"2.5\"}") == 2)
            let sum = try #require(try Self.sample(client, "jwtgate_upstream_response_seconds_sum{\(route)}"))
            #expect(sum >= 0.6 && sum < 2.5)
            #expect(try client.request("GET", "/dead/x").status == 502)
            #expect(try Self.sample(client, #"jwtgate_upstream_response_seconds_count{route="/dead/"}"#) == 0, "no head, no sample")
            #expect(try Self.sample(client, #"jwtgate_upstream_response_seconds_count{route="health"}"#) == nil)
            #expect(try Self.sample(client, #"jwtgate_upstream_response_seconds_count{route="token:obtain"}"#) == nil)
        }
    }
}
