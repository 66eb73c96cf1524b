import Logging
import NIOCore

/// Forwards requests to upstreams through libcurl's multi interface on one dedicated driver thread
/// ("jwtgate-curl"). Keep-alive connections are pooled per host and reused across requests.
///
/// ```swift
/// let client = UpstreamClient(logger: logger)
/// try client.start()
/// // on an event loop:
/// let transfer = client.execute(request, on: context.eventLoop, handler: self)
/// ```
public final class UpstreamClient: Sendable {
    private let driver: CurlMultiDriver

    /// - Parameters:
    ///   - maxConnectionsPerHost: open connections per upstream host:port; further transfers queue inside libcurl.
    ///   - maxTotalConnections: open connections overall, and the size of the keep-alive pool.
    public init(maxConnectionsPerHost: Int = 256, maxTotalConnections: Int = 1024, logger: Logger) {
        self.driver = CurlMultiDriver(
            maxConnectionsPerHost: maxConnectionsPerHost,
            maxTotalConnections: maxTotalConnections,
            logger: logger)
    }

    /// Initialises libcurl (once per process) and starts the driver thread.
    public func start() throws {
        try self.driver.start()
    }

    /// Fails every transfer in flight with `UpstreamError.shutdown`, stops the driver thread and frees
    /// every handle. Later `execute` calls fail with `.shutdown`. Blocks until the thread has exited;
    /// safe to call more than once.
    public func shutdown() {
        self.driver.shutdown()
    }

    /// Starts forwarding `request`. Must be called on `eventLoop`; the handler's methods are called
    /// there (see `UpstreamResponseHandler`). Never throws: a failure reaches `handler.upstreamFailed`,
    /// always on a later event-loop tick.
    @discardableResult
    public func execute(
        _ request: UpstreamRequest,
        on eventLoop: any EventLoop,
        handler: any UpstreamResponseHandler
    ) -> UpstreamTransfer {
        let core = CurlTransfer(request: request, eventLoop: eventLoop, handler: NIOLoopBound(handler, eventLoop: eventLoop))
        let transfer = UpstreamTransfer(core: core, driver: self.driver)
        if !self.driver.enqueue(.start(core)) {
            eventLoop.execute {
                var delivery = Delivery(transfer: core)
                delivery.outcome = .failed(.shutdown)
                delivery.run()
            }
        }
        return transfer
    }

    /// CPU time used so far by the driver thread (Linux; nil elsewhere or before `start`). Divide a
    /// difference by the requests served to get the curl side's cost per request.
    public var driverThreadCPUTime: Duration? {
        self.driver.driverThreadCPUTime
    }
}
