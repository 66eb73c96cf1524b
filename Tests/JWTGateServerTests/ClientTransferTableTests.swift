import JWTGateCore
import Synchronization
import Testing

@testable import JWTGateServer

@Suite("ClientTransferTable: transfers in flight per client address")
struct ClientTransferTableTests {
    static let a = ClientAddressKey(peer: [127, 0, 0, 1], forwardedFor: nil)
    static let b = ClientAddressKey(peer: [127, 0, 0, 2], forwardedFor: nil)

    @Test("a client gets at most `cap` slots; another client is not affected")
    func cap() {
        let table = ClientTransferTable()
        #expect(table.acquire(Self.a, cap: 2))
        #expect(table.acquire(Self.a, cap: 2))
        #expect(!table.acquire(Self.a, cap: 2))
        #expect(table.inFlight(Self.a) == 2, "a refusal takes nothing")
        #expect(table.acquire(Self.b, cap: 2))
        #expect(table.inFlight(Self.b) == 1)
    }

    @Test("a release frees one slot; the entry goes when its count reaches zero")
    func release() {
        let table = ClientTransferTable()
        #expect(table.acquire(Self.a, cap: 2))
        #expect(table.acquire(Self.a, cap: 2))
        #expect(table.acquire(Self.b, cap: 2))
        #expect(table.clients == 2)
        table.release(Self.a)
        #expect(table.inFlight(Self.a) == 1)
        #expect(table.acquire(Self.a, cap: 2), "the freed slot can be taken again")
        table.release(Self.a)
        table.release(Self.a)
        #expect(table.inFlight(Self.a) == 0)
        #expect(table.clients == 1, "a's entry is gone")
        table.release(Self.b)
        #expect(table.clients == 0)
    }

    @Test("a lower cap after a reload applies to new transfers only")
    func lowerCap() {
        let table = ClientTransferTable()
        for _ in 0..<3 { #expect(table.acquire(Self.a, cap: 3)) }
        #expect(!table.acquire(Self.a, cap: 2))
        table.release(Self.a)
        #expect(!table.acquire(Self.a, cap: 2), "still 2 in flight")
        table.release(Self.a)
        #expect(table.acquire(Self.a, cap: 2))
    }

    @Test("many threads acquiring and releasing for many clients leave an empty table; the size never exceeds what is held")
    func concurrent() async {
        let table = ClientTransferTable()
        let keys = (0..<50).map { ClientAddressKey(peer: [10, 0, 0, UInt8($0)], forwardedFor: nil) }
        let maximumSize = Largest()
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for round in 0..<2_000 {
                        let key = keys[(worker * 7 + round) % keys.count]
                        guard table.acquire(key, cap: 4) else { continue }
                        maximumSize.record(table.clients)
                        table.release(key)
                    }
                }
            }
        }
        #expect(table.clients == 0)
        #expect(maximumSize.value <= 8, "at most one entry per transfer in flight (8 workers)")
    }
}

/// The largest value any thread recorded.
private final class Largest: Sendable {
    private let largest = Atomic<Int>(0)
    func record(_ value: Int) { largest.max(value, ordering: .relaxed) }
    var value: Int { largest.load(ordering: .relaxed) }
}
