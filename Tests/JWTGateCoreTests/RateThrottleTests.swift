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
        let good = "jwt:\n  secret_key: s\nthrottle:\n  obtain_per_ip: 10/min\n  obtain_per_username: 5/hour\n"
        try good.write(toFile: "\(folder)/gateway.yaml", atomically: true, encoding: .utf8)
        let config = try ConfigLoader.load(path: "\(folder)/gateway.yaml")
        #expect(config.throttle.obtainPerIP == ThrottleRate(requests: 10, periodSeconds: 60))
        #expect(config.throttle.obtainPerUsername == ThrottleRate(requests: 5, periodSeconds: 3600))

        try "jwt:\n  secret_key: s\nthrottle:\n  obtain_per_ip: ten per minute\n".write(
            toFile: "\(folder)/gateway.yaml", atomically: true, encoding: .utf8)
        #expect {
            try ConfigLoader.load(path: "\(folder)/gateway.yaml")
        } throws: { error in
            (error as? ConfigError)?.issues.contains { $0.key == "throttle.obtain_per_ip" && $0.line == 4 } == true
        }
    }
}
