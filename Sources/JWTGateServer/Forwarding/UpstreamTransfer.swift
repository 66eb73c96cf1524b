/// The caller's grip on one forwarded request: flow control and cancellation. Any thread may call
/// these; they only queue a command for the driver thread.
public final class UpstreamTransfer: Sendable {
    let core: CurlTransfer
    private let driver: CurlMultiDriver

    init(core: CurlTransfer, driver: CurlMultiDriver) {
        self.core = core
        self.driver = driver
    }

    /// The client cannot take more: stop reading the response from the upstream socket
    /// (`curl_easy_pause`) until `resume()`. Parts already on their way still arrive. Time spent paused
    /// does not count towards the request's timeout.
    public func pause() {
        guard self.core.isLive else { return }
        self.driver.enqueue(.pause(self.core))
    }

    /// Undoes `pause()`.
    public func resume() {
        guard self.core.isLive else { return }
        self.driver.enqueue(.resume(self.core))
    }

    /// The client went away: abort the transfer (the upstream connection is closed, not reused) and
    /// free its handle. No handler method is called after `cancel()` returns, when it is called on the
    /// transfer's event loop. Does nothing after the transfer finished.
    public func cancel() {
        guard self.core.markCancelled() else { return }
        self.driver.enqueue(.cancel(self.core))
    }
}
