import Testing
@testable import JWTGateCore

@Suite("throttle.store and its companions")
struct ThrottleStoreConfigTests {
    @Test("memory is the default; a redis URL, timeout, policy and key are read")
    func parsesStore() throws {
        let fixture = try ConfigFixture()
        let plain = try fixture.load(gateway: ConfigFixture.gateway())
        #expect(plain.throttle.store == .memory)
        #expect(plain.throttle.storeTimeout == .milliseconds(50))
        #expect(plain.throttle.onStoreError == .allow)
        #expect(plain.throttle.key == nil)
        let shared = try fixture.load(gateway: ConfigFixture.gateway("""
        throttle:
          obtain_per_ip: 5/min
          store: "redis://:pw@cache.internal:6380/2"
          store_timeout: 80ms
          on_store_error: deny
          key: 0123456789abcdef0123
        """))
        #expect(shared.throttle.store == .redis(RedisEndpoint(host: "cache.internal", port: 6380, database: 2, password: Secret("pw"))))
        #expect(shared.throttle.storeTimeout == .milliseconds(80))
        #expect(shared.throttle.onStoreError == .deny)
        #expect(shared.throttle.key == Secret("0123456789abcdef0123"))
    }

    @Test("Redis URLs: defaults, IPv6, password, and what is refused")
    func urls() throws {
        #expect(try RedisEndpoint.parse("redis://localhost").get() == RedisEndpoint(host: "localhost"))
        #expect(try RedisEndpoint.parse("redis://[::1]:7000/3").get() == RedisEndpoint(host: "::1", port: 7000, database: 3))
        #expect(try RedisEndpoint.parse("redis://user:s3cret@h:1/").get() == RedisEndpoint(host: "h", port: 1, password: Secret("s3cret")))
        #expect("\(try RedisEndpoint.parse("redis://:s3cret@h:1/4").get())" == "redis://h:1/4")
        for bad in ["http://h", "redis://h:0", "redis://h:99999", "redis://h/-1", "redis://", "redis://[::1"] {
            #expect(throws: RedisURLError.self) { try RedisEndpoint.parse(bad).get() }
        }
    }

    @Test("store keys are 32 hex digits of the digest; derived digests agree across instances")
    func keys() {
        let a = ThrottleKeyDigest.derived(from: Array("shared secret".utf8))
        let b = ThrottleKeyDigest.derived(from: Array("shared secret".utf8))
        let c = ThrottleKeyDigest.derived(from: Array("other secret".utf8))
        let long = String(repeating: "x", count: 1 << 20)
        #expect(a.key(for: long).hex.count == 32)
        #expect(a.key(for: "alice").hex == b.key(for: "alice").hex)
        #expect(a.key(for: "alice").hex != c.key(for: "alice").hex)
        #expect(a.key(for: "alice").hex.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(ThrottleKey(high: 0x0123_4567_89ab_cdef, low: 0xfedc_ba98_7654_3210).hex == "0123456789abcdeffedcba9876543210")
    }
}
