import JWTGateCore

/// What `takeTransferSlot` decided for one forwarded request.
enum TransferSlotGrant {
    /// `max_transfers_per_client` is 0: nothing was counted, nothing to give back.
    case uncapped
    /// A slot was taken: give it back with `releaseTransferSlot` when the transfer ends.
    case held(ClientAddressKey)
    /// The client has its cap in flight: answer `DRFAnswers.tooManyTransfers`, do not start the transfer.
    case refused
}

/// `server.max_transfers_per_client`, the same on both planes: a connection takes a slot for the plan's
/// client just before it starts the upstream transfer (not in the pipeline, whose result may be dropped
/// on the way back from the blocking pool), and gives it back when the transfer ends.
extension RequestPipeline {
    func takeTransferSlot(for plan: ForwardPlan, cap: Int) -> TransferSlotGrant {
        guard cap > 0 else { return .uncapped }
        guard state.transfersPerClient.acquire(plan.client, cap: cap) else {
            metrics.transfersPerClientRefused.increment()
            return .refused
        }
        return .held(plan.client)
    }

    /// Gives back the slot in `slot`, if any, and empties it: calling it again does nothing, so every
    /// way a transfer can end may call it.
    func releaseTransferSlot(_ slot: inout ClientAddressKey?) {
        guard let client = slot else { return }
        slot = nil
        state.transfersPerClient.release(client)
    }
}
