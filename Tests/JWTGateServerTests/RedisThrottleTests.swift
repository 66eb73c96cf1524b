import Foundation
import JWTGateCore
import JWTGateServer
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The shared throttle store against a real `redis-server` each test starts for itself.
@Suite("Redis throttle store", .serialized)
struct RedisThrottleTests {
    private static func throttle(_ server: RedisTestServer, rate: ThrottleRate, scope: String = "obtain_per_ip",
                                 timeout: Duration = .milliseconds(200), policy: ThrottleConfig.StoreErrorPolicy = .allow,
                                 digest: ThrottleKeyDigest = .derived(from: Array("test secret".utf8)),
                                 errorHook: @escaping @Sendable () -> Void = {}) throws -> RedisRateThrottle {
        let endpoint = try RedisEndpoint.parse(server.url).get()
        return RedisRateThrottle(rate: rate, scope: scope, endpoint: endpoint, timeout: timeout, digest: digest,
                                 onStoreError: policy, errorHook: errorHook)
    }

    @Test("the Lua sliding window answers as the in-memory throttle, call for call")
    func differential() throws {
        let server = try RedisTestServer()
        var generator = SystemRandomNumberGenerator()
        // Windows of 10 s and more: the sets' PEXPIRE runs on the real clock while these times are
        // made up, so a window must outlast the test's real duration.
        for rate in [ThrottleRate(requests: 3, periodSeconds: 10), ThrottleRate(requests: 1, periodSeconds: 30),
                     ThrottleRate(requests: 7, periodSeconds: 60)] {
            let digest = ThrottleKeyDigest.derived(from: Array("differential \(rate)".utf8))
            let memory = RateThrottle(rate: rate, digest: digest)
            let redis = try Self.throttle(server, rate: rate, scope: "diff\(rate.requests)x\(rate.periodSeconds)", digest: digest)
            var now = 1_700_000_000.0 + Double.random(in: 0..<1000, using: &generator)
            var refusals = 0
            for step in 0..<300 {
                // Mostly short gaps (to hit the limit), rarely equal times or a whole window.
                switch Int.random(in: 0..<40, using: &generator) {
                case 0: break
                case 1: now += Double(rate.periodSeconds) * Double.random(in: 0.5...1.5, using: &generator)
                case 2: now += Double(rate.periodSeconds) // exactly one window: DRF's `<=` edge
                default: now += Double.random(in: 0..<(Double(rate.periodSeconds) / Double(rate.requests) / 3), using: &generator)
                }
                let key = ["alice", "bob", "10.0.0.1"][Int.random(in: 0..<3, using: &generator)]
                let expected = memory.check(key, now: now)
                let got = try redis.checkStore(key, now: now).get()
                #expect(got == expected, "step \(step) at \(now) for \(key) (rate \(rate))")
                if expected != nil { refusals += 1 }
            }
            #expect(refusals > 10, "the sequence should reach the limit often (\(refusals) refusals for \(rate))")
        }
        // Keys are bounded: one sorted set per digest, at most `requests` members each.
        let keys = server.cli(["--scan", "--pattern", "jwtgate:throttle:*"]).split(separator: "\n")
        #expect(!keys.isEmpty)
        for key in keys {
            let parts = key.split(separator: ":")
            #expect(parts.count == 4 && parts[3].count == 32, "\(key)")
            let members = Int(server.cli(["zcard", String(key)]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 99
            #expect(members <= 7)
        }
    }

    @Test("two replicas sharing one Redis reach the limit together, on Redis's clock")
    func twoReplicas() throws {
        let server = try RedisTestServer()
        let rate = ThrottleRate(requests: 5, periodSeconds: 60)
        let a = try Self.throttle(server, rate: rate)
        let b = try Self.throttle(server, rate: rate)
        var answers: [Double?] = []
        for i in 0..<8 { answers.append((i % 2 == 0 ? a : b).check("203.0.113.9")) }
        #expect(answers.prefix(5).allSatisfy { $0 == nil })
        #expect(answers.dropFirst(5).allSatisfy { ($0 ?? 0) > 59 && ($0 ?? 99) <= 60 })
        // Another key is its own window; another scope too.
        #expect(a.check("203.0.113.10") == nil)
        let other = try Self.throttle(server, rate: rate, scope: "obtain_per_username")
        #expect(other.check("203.0.113.9") == nil)
        #expect(a.storeErrors == 0 && b.storeErrors == 0)
        // The stored key is the digest's, not the address.
        let keys = server.cli(["--scan", "--pattern", "jwtgate:throttle:obtain_per_ip:*"])
        #expect(!keys.contains("203.0.113"))
        let ttl = Int(server.cli(["pttl", String(keys.split(separator: "\n")[0])]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        #expect(ttl > 0 && ttl <= 60_000)
    }

    @Test("Redis stopped mid-run: allow lets requests through, deny refuses; both count the errors")
    func redisStopped() throws {
        let server = try RedisTestServer()
        let rate = ThrottleRate(requests: 2, periodSeconds: 60)
        let hooked = Atomic<Int>(0)
        let allow = try Self.throttle(server, rate: rate, policy: .allow, errorHook: { hooked.add(1, ordering: .relaxed) })
        let deny = try Self.throttle(server, rate: rate, scope: "obtain_per_username", policy: .deny)
        #expect(allow.check("k") == nil)
        #expect(deny.check("k") == nil)
        server.stop()
        for _ in 0..<5 {
            let start = ContinuousClock.now
            #expect(allow.check("k") == nil)
            #expect(deny.check("k") == RedisRateThrottle.deniedWait)
            #expect(ContinuousClock.now - start < .seconds(1))
        }
        #expect(allow.storeErrors == 5)
        #expect(deny.storeErrors == 5)
        #expect(hooked.load(ordering: .relaxed) == 5)
        #expect(DRFAnswers.throttled(wait: RedisRateThrottle.deniedWait).status == 429)
        // Back again (an empty Redis: the histories went with it): checks reconnect after the backoff.
        try server.start()
        usleep(300_000)
        #expect(try allow.checkStore("k").get() == nil)
        #expect(try deny.checkStore("k").get() == nil)
    }

    @Test("a stalled Redis costs one timeout, not a hang")
    func stalledRedis() throws {
        let server = try RedisTestServer()
        let rate = ThrottleRate(requests: 100, periodSeconds: 60)
        let throttle = try Self.throttle(server, rate: rate, timeout: .milliseconds(100), policy: .deny)
        #expect(throttle.check("k") == nil) // a pooled connection, script loaded
        server.pause()
        defer { server.resume() }
        let start = ContinuousClock.now
        #expect(throttle.check("k") == RedisRateThrottle.deniedWait)
        let elapsed = ContinuousClock.now - start
        #expect(elapsed >= .milliseconds(90) && elapsed < .milliseconds(600), "took \(elapsed)")
        #expect(throttle.storeErrors == 1)
        server.resume()
        #expect(try throttle.checkStore("k").get() == nil) // the timed-out connection was dropped, a new one works
    }

    @Test("a slow script (DEBUG SLEEP) is bounded by the timeout too")
    func debugSleep() throws {
        let server = try RedisTestServer()
        let throttle = try Self.throttle(server, rate: ThrottleRate(requests: 100, periodSeconds: 60), timeout: .milliseconds(100))
        #expect(throttle.check("k") == nil)
        let sleeper = Thread { _ = server.cli(["DEBUG", "SLEEP", "1"]) }
        sleeper.start()
        usleep(100_000)
        let start = ContinuousClock.now
        #expect(throttle.check("k") == nil) // allow: through, and counted
        #expect(ContinuousClock.now - start < .milliseconds(600))
        #expect(throttle.storeErrors == 1)
        usleep(1_000_000)
    }
}

@Suite("Two gateways sharing a Redis throttle", .serialized)
struct SharedThrottleGatewayTests {
    @Test("obtain attempts alternating between two gateways get 429 exactly when one gateway alone would")
    func alternating() async throws {
        let server = try RedisTestServer()
        let endpoint = try RedisEndpoint.parse(server.url).get()
        let configure: (inout GatewayConfig) -> Void = {
            $0.throttle.obtainPerIP = ThrottleRate(requests: 3, periodSeconds: 60)
            $0.throttle.obtainPerUsername = ThrottleRate(requests: 2, periodSeconds: 3600)
            $0.throttle.store = .redis(endpoint)
            $0.throttle.storeTimeout = .milliseconds(200)
        }
        try await GatewayHarness.withGateway(configure: configure) { first, _ in
            try await GatewayHarness.withGateway(configure: configure) { second, _ in
                let clients = [try RawHTTPClient(port: first.port), try RawHTTPClient(port: second.port)]
                var turn = 0
                func obtain(_ username: String) throws -> RawHTTPClient.Response {
                    defer { turn += 1 }
                    return try clients[turn % 2].request("POST", "/api-token-auth/", headers: [("Content-Type", "application/json")],
                                                         body: Array("{\"username\":\"\(username)\",\"password\":\"nope\"}".utf8))
                }
                #expect(try obtain("alice").status == 400)
                #expect(try obtain("alice").status == 400)
                let perUser = try obtain("alice")
                #expect(perUser.status == 429, "the third attempt for alice, across both gateways")
                #expect(perUser.text.hasPrefix(#"{"detail":"Request was throttled. Expected available in "#))
                #expect(perUser.header("Retry-After").flatMap(Int.init).map { $0 > 3000 } == true)
                let perAddress = try obtain("carol")
                #expect(perAddress.status == 429, "the fourth request from this address, across both gateways")

                // Redis gone: on_store_error allow (the default) lets logins through, counted in /metrics.
                server.stop()
                #expect(try obtain("dave").status == 400)
                let metrics = try clients[0].request("GET", "/metrics").text + clients[1].request("GET", "/metrics").text
                #expect(metrics.contains(#"jwtgate_throttle_store_errors_total{throttle="obtain_per_ip"} 1"#))
                // Each gateway counted the 429 it answered under the shared throttle that refused it.
                #expect(metrics.contains(#"jwtgate_throttled_total{reason="obtain_per_username"} 1"#))
                #expect(metrics.contains(#"jwtgate_throttled_total{reason="obtain_per_ip"} 1"#))
            }
        }
    }

    @Test("a redis store replaces the in-memory throttles (no connection made at start)")
    func runtimeShape() throws {
        var config = GatewayHarness.config(routes: [])
        config.throttle.store = .redis(RedisEndpoint(host: "127.0.0.1", port: 1))
        config.throttle.obtainPerIP = ThrottleRate(requests: 3, periodSeconds: 60)
        let runtime = try GatewayRuntime(config: config)
        #expect(runtime.obtainPerIP == nil && runtime.obtainPerUsername == nil)
        #expect(runtime.sharedPerIP?.scope == "obtain_per_ip" && runtime.sharedPerUsername == nil)
    }
}
