import JWTGateCore
import Synchronization

/// Upstream transfers in flight per client address, process-wide (`server.max_transfers_per_client`),
/// shared by every loop (and the NIO plane's event loops): a client's connections land on any loop, and
/// a cap per loop would let one address hold loops × cap. Without it, a few hundred clients from one
/// address that ask for a large answer and stop reading hold paused transfers, each holding an upstream
/// connection, until the per-host pool is gone and everyone else's requests wait into a 504.
///
/// An entry exists only while its count is above zero, so the table holds at most one entry per
/// transfer in flight (≤ `max_connections`). Whoever acquired a slot releases it exactly once, when
/// the transfer ends for any reason; a retry on the next upstream keeps the slot it has.
final class ClientTransferTable: Sendable {
    private let counts = Mutex<[ClientAddressKey: Int]>([:])

    /// Takes a slot for `client`; false when it already holds `cap` (the request must not start).
    func acquire(_ client: ClientAddressKey, cap: Int) -> Bool {
        counts.withLock { counts in
            let held = counts[client, default: 0]
            guard held < cap else { return false }
            counts[client] = held + 1
            return true
        }
    }

    /// Gives back a slot `acquire` granted; the entry goes when its count reaches zero.
    func release(_ client: ClientAddressKey) {
        counts.withLock { counts in
            guard let held = counts[client] else {
                preconditionFailure("ClientTransferTable released more often than acquired")
            }
            counts[client] = held > 1 ? held - 1 : nil
        }
    }

    /// Transfers `client` has in flight now.
    func inFlight(_ client: ClientAddressKey) -> Int { counts.withLock { $0[client, default: 0] } }

    /// Client addresses with at least one transfer in flight (the table's size).
    var clients: Int { counts.withLock { $0.count } }
}
