import Testing

@testable import JWTGateCore

private let a = UpstreamTarget(scheme: "http", host: "10.0.0.1", port: 80, basePath: "")
private let b = UpstreamTarget(scheme: "http", host: "10.0.0.2", port: 80, basePath: "")
private let c = UpstreamTarget(scheme: "http", host: "10.0.0.3", port: 80, basePath: "")

@Suite("Upstream pool")
struct UpstreamPoolTests {
    let t0 = ContinuousClock.now

    @Test("targets are used in turn")
    func roundRobin() {
        let pool = UpstreamPool([a, b, c])
        let picks = (0..<6).map { _ in pool.next(now: t0) }
        #expect(picks == [a, b, c, a, b, c])
    }

    @Test("a single target is always chosen, even when ejected")
    func single() {
        let pool = UpstreamPool([a])
        pool.reportFailure(a, now: t0)
        #expect(pool.next(now: t0) == a)
    }

    @Test("a failed target is skipped for the cool-down, then used again")
    func ejection() {
        let pool = UpstreamPool([a, b, c], baseCooldown: .seconds(10))
        pool.reportFailure(b, now: t0)
        #expect(pool.isEjected(b, now: t0))
        let during = (0..<4).map { _ in pool.next(now: t0 + .seconds(5)) }
        #expect(!during.contains(b))
        #expect(!pool.isEjected(b, now: t0 + .seconds(10)))
        let after = (0..<3).map { _ in pool.next(now: t0 + .seconds(10)) }
        #expect(Set(after.map(\.host)) == [a.host, b.host, c.host])
    }

    @Test("consecutive failures double the cool-down up to the cap; success resets it")
    func backoff() {
        let pool = UpstreamPool([a, b], baseCooldown: .seconds(10), maxCooldown: .seconds(35))
        pool.reportFailure(a, now: t0)                      // 10 s
        #expect(pool.isEjected(a, now: t0 + .seconds(9)))
        #expect(!pool.isEjected(a, now: t0 + .seconds(10)))
        pool.reportFailure(a, now: t0 + .seconds(10))       // 20 s
        #expect(pool.isEjected(a, now: t0 + .seconds(29)))
        #expect(!pool.isEjected(a, now: t0 + .seconds(30)))
        pool.reportFailure(a, now: t0 + .seconds(30))       // 40 s capped to 35 s
        #expect(pool.isEjected(a, now: t0 + .seconds(64)))
        #expect(!pool.isEjected(a, now: t0 + .seconds(65)))
        pool.reportSuccess(a)
        pool.reportFailure(a, now: t0 + .seconds(100))      // back to 10 s
        #expect(!pool.isEjected(a, now: t0 + .seconds(110)))
    }

    @Test("failures reported while already ejected do not lengthen the cool-down")
    func inFlightFailures() {
        let pool = UpstreamPool([a, b], baseCooldown: .seconds(10))
        pool.reportFailure(a, now: t0)
        pool.reportFailure(a, now: t0 + .seconds(1))
        pool.reportFailure(a, now: t0 + .seconds(2))
        #expect(!pool.isEjected(a, now: t0 + .seconds(10)))
    }

    @Test("when all are ejected the one whose ejection ends first is used")
    func allEjected() {
        let pool = UpstreamPool([a, b, c], baseCooldown: .seconds(10))
        pool.reportFailure(a, now: t0 + .seconds(2))
        pool.reportFailure(b, now: t0)
        pool.reportFailure(c, now: t0 + .seconds(1))
        #expect(pool.next(now: t0 + .seconds(3)) == b)
        #expect(pool.next(now: t0 + .seconds(3)) == b)
    }

    @Test("concurrent callers share one rotation safely")
    func concurrent() async {
        let pool = UpstreamPool([a, b, c])
        let now = t0
        let picks = await withTaskGroup(of: UpstreamTarget.self, returning: [UpstreamTarget].self) { group in
            for _ in 0..<300 { group.addTask { pool.next(now: now) } }
            var all: [UpstreamTarget] = []
            for await pick in group { all.append(pick) }
            return all
        }
        #expect(picks.filter { $0 == a }.count == 100)
        #expect(picks.filter { $0 == b }.count == 100)
    }
}
