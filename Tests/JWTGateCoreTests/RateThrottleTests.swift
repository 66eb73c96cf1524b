import Foundation
import JWTGateCore
import Testing

@Suite("DRF SimpleRateThrottle semantics")
struct RateThrottleTests {
    @Test("allows N per period, then reports DRF's wait until a slot frees up")
    func slidingWindow() {
        let throttle = RateThrottle(rate: ThrottleRate(requests: 3, periodSeconds: 60))
        #expect(throttle.check("1.2.3.4", now: 1000) == nil)
        #expect(throttle.check("1.2.3.4", now: 1010) == nil)
        #expect(throttle.check("1.2.3.4", now: 1020) == nil)
        // full: remaining = 60 - (1030 - 1000) = 30; available = 3 - 3 + 1 = 1 → wait 30
        #expect(throttle.check("1.2.3.4", now: 1030) == 30)
        #expect(throttle.check("5.6.7.8", now: 1030) == nil, "keys are independent")
        #expect(throttle.check("1.2.3.4", now: 1060.5) == nil, "the first request left the window")
    }

    @Test("thousands of distinct multi-megabyte usernames leave the table within its configured bound")
    func storm() {
        let throttle = RateThrottle(rate: ThrottleRate(requests: 5, periodSeconds: 60), maxKeys: 256)
        var name = [UInt8](repeating: UInt8(ascii: "a"), count: 2 * 1024 * 1024)
        for i in 0..<2_000 {
            let tag = Array(String(i).utf8)
            name.replaceSubrange(0..<tag.count, with: tag)
            #expect(throttle.check(String(decoding: name, as: UTF8.self), now: 1000 + Double(i) / 100) == nil)
            let usage = throttle.usage
            if usage.keys > 256 || usage.timestamps > 256 * 5 {
                Issue.record("table grew past its bound: \(usage)")
                break
            }
        }
        #expect(throttle.usage.keys == 256)
        #expect(throttle.usage.evictions == 2_000 - 256)
        #expect(RateThrottle.memoryBound(maxKeys: 256, rate: throttle.rate) < 64 * 1024, "bytes, whatever the usernames")
    }

    @Test("a key's history goes when its window has passed, as DRF's cache entry expires")
    func expiry() {
        let throttle = RateThrottle(rate: ThrottleRate(requests: 2, periodSeconds: 60))
        for i in 0..<5 { #expect(throttle.check("user\(i)", now: 1000) == nil) }
        #expect(throttle.usage.keys == 5)
        #expect(throttle.check("late", now: 1060) == nil, "one window later")
        #expect(throttle.usage.keys == 1, "the five expired keys were dropped")
        #expect(throttle.usage.timestamps == 1)
    }

    @Test("the periodic sweep empties a table whose windows have all passed, with no request to push them out")
    func sweep() {
        let throttle = RateThrottle(rate: ThrottleRate(requests: 2, periodSeconds: 60))
        for i in 0..<500 { #expect(throttle.check("user\(i)", now: 1000 + Double(i) / 10) == nil) }
        #expect(throttle.sweep(now: 1059) == 0, "still inside every window")
        #expect(throttle.sweep(now: 1080, limit: 100) == 100, "bounded work per sweep")
        #expect(throttle.sweep(now: 1200) == 400)
        #expect(throttle.usage.keys == 0)
        #expect(throttle.usage.timestamps == 0)
    }

    @Test("a full table evicts the least recently used key, not an active one")
    func leastRecentlyUsed() {
        let throttle = RateThrottle(rate: ThrottleRate(requests: 1, periodSeconds: 60), maxKeys: 3)
        #expect(throttle.check("a", now: 1) == nil)
        #expect(throttle.check("b", now: 2) == nil)
        #expect(throttle.check("c", now: 3) == nil)
        #expect(throttle.check("a", now: 4) != nil, "a is throttled, and now the most recently used")
        #expect(throttle.check("d", now: 5) == nil, "evicts b")
        #expect(throttle.usage.evictions == 1)
        #expect(throttle.check("a", now: 6) != nil, "a kept its history")
        #expect(throttle.check("c", now: 7) != nil, "c kept its history")
        #expect(throttle.check("b", now: 8) == nil, "b starts afresh")
    }

    @Test("NFC and NFD spellings of a username are two keys, as they are two users")
    func exactKeys() {
        let throttle = RateThrottle(rate: ThrottleRate(requests: 1, periodSeconds: 60))
        #expect(throttle.check("zo\u{EB}", now: 1) == nil)
        #expect(throttle.check("zoe\u{308}", now: 1) == nil)
        #expect(throttle.check("zo\u{EB}", now: 2) != nil)
    }

    @Test("the message is DRF's, rounded up, singular at one second", arguments: [
        (30.0, "Request was throttled. Expected available in 30 seconds.", 30),
        (0.2, "Request was throttled. Expected available in 1 second.", 1),
        (1.5, "Request was throttled. Expected available in 2 seconds.", 2),
    ])
    func message(wait: Double, text: String, retryAfter: Int) {
        #expect(RateThrottle.message(wait: wait) == (text, retryAfter))
    }

    @Test("rates are read as DRF reads them; anything else is a config error with the key")
    func configuration() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("jwtgate-throttle-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let hash = "pbkdf2_sha256$1000$abcdefghijklmnopqrstuv$WUeWaPptslGTAofDfT4dObEzdoXnjpkayrOvnZ/gLH8="
        try "users:\n  - id: 1\n    username: a\n    password: \"\(hash)\"\n".write(toFile: "\(folder)/users.yaml", atomically: true, encoding: .utf8)
        let good = "jwt:\n  secret_key: s\nthrottle:\n  obtain_per_ip: 10/min\n  obtain_per_username: 5/hour\n  max_keys: 5000\n"
        try good.write(toFile: "\(folder)/gateway.yaml", atomically: true, encoding: .utf8)
        let config = try ConfigLoader.load(path: "\(folder)/gateway.yaml")
        #expect(config.throttle.obtainPerIP == ThrottleRate(requests: 10, periodSeconds: 60))
        #expect(config.throttle.obtainPerUsername == ThrottleRate(requests: 5, periodSeconds: 3600))
        #expect(config.throttle.maxKeys == 5000)

        try "jwt:\n  secret_key: s\nthrottle:\n  obtain_per_ip: ten per minute\n".write(
            toFile: "\(folder)/gateway.yaml", atomically: true, encoding: .utf8)
        #expect {
            try ConfigLoader.load(path: "\(folder)/gateway.yaml")
        } throws: { error in
            (error as? ConfigError)?.issues.contains { $0.key == "throttle.obtain_per_ip" && $0.line == 4 } == true
        }
    }
}
