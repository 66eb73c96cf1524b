import JWTGateCore
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The one request pipeline: gateway-served paths first (token views, health, readiness, metrics),
/// then the route table (authenticate, then forward), else 404. Shared by every connection.
final class RequestPipeline: Sendable {
    let holder: RuntimeHolder
    var runtime: GatewayRuntime { holder.current }
    let metrics: GatewayMetrics
    let threadPool: NIOThreadPool
    let logger: Logger
    let state: GatewayState
    private let pendingPasswordChecks = Atomic<Int>(0)
    private let readiness = ReadinessProbe()

    init(holder: RuntimeHolder, metrics: GatewayMetrics, threadPool: NIOThreadPool, state: GatewayState, logger: Logger) {
        self.holder = holder
        self.metrics = metrics
        self.threadPool = threadPool
        self.state = state
        self.logger = logger
    }

    func handle(_ request: GatewayRequest) -> PipelineStep {
        // One runtime for the whole request: a reload in the middle must not mix two configurations.
        let runtime = self.runtime
        let canonical: CanonicalTarget
        switch runtime.routes.canonicalTarget(request.head.target.utf8) {
        case .success(let target): canonical = target
        case .failure(let rejection):
            logger.debug("request.rejected", metadata: ["reason": "\(rejection)"])
            return .done(.answer(DRFAnswers.badRequest("Bad request path."), metrics.unmatched))
        }
        if let kind = runtime.tokenViews.kind(of: canonical.path) {
            return handleGatewayPath(kind, request: request, runtime: runtime)
        }
        guard let match = runtime.routes.match(canonical.path) else {
            return .done(.answer(DRFAnswers.notFound, metrics.unmatched))
        }
        return handleRoute(match, query: canonical.query, request: request, runtime: runtime)
    }

    private func handleGatewayPath(_ kind: TokenViewPaths.Kind, request: GatewayRequest, runtime: GatewayRuntime) -> PipelineStep {
        switch kind {
        case .obtain: return tokenView(.obtain, request: request, runtime: runtime)
        case .verify: return tokenView(.verify, request: request, runtime: runtime)
        case .refresh: return tokenView(.refresh, request: request, runtime: runtime)
        case .health: return .done(.answer(HealthEndpoints.health(), metrics.health))
        case .ready: return readiness.answer(pipeline: self)
        case .metrics:
            let allowed = runtime.config.endpoints.metricsAllow
            guard allowed.contains(where: { $0.contains(request.peerBytes) || $0.contains(Self.unmapped(request.peerBytes)) }) else {
                return .done(.answer(DRFAnswers.notFound, metrics.unmatched))
            }
            metrics.refreshSampledGauges(perIP: runtime.obtainPerIP, perUsername: runtime.obtainPerUsername,
                                         transferClients: state.transfersPerClient.clients,
                                         ready: readiness.sample(pipeline: self),
                                         passwordChecksPending: pendingPasswordChecks.load(ordering: .relaxed))
            return .done(.answer(GatewayAnswer(status: 200, headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")],
                                               body: metrics.render()), metrics.metrics))
        }
    }

    // MARK: token views

    enum TokenView { case obtain, verify, refresh }

    private func tokenView(_ view: TokenView, request: GatewayRequest, runtime: GatewayRuntime) -> PipelineStep {
        let isTLS = request.isTLS
        let target = view == .obtain ? metrics.obtain : view == .verify ? metrics.verify : metrics.refresh
        switch request.head.method {
        case "POST": break
        case "OPTIONS":
            return .done(.answer(DRFAnswers.tokenViewOptions(TokenViewMetadata.body(for: view, usernameField: runtime.tokens.usernameField)), target))
        default:
            return .done(.answer(DRFAnswers.tokenViewMethodNotAllowed(request.head.method), target))
        }
        if view == .obtain, let throttle = runtime.obtainPerIP,
           let wait = throttle.check(clientIdentity(request, runtime: runtime), now: GatewayClock.monotonicSeconds()) {
            metrics.recordThrottled(.obtainPerIP)
            return .done(.answer(DRFAnswers.throttled(wait: wait), target))
        }
        let fieldNames = view == .obtain ? [runtime.tokens.usernameField, "password"] : ["token"]
        let body = request.body.map { Array($0.readableBytesView) } ?? []
        let fields: [String]
        switch DRFInput.readCharFields(fieldNames, contentType: request.head.first("content-type"), body: body) {
        case .success(let values): fields = values
        case .failure(let error): return .done(.answer(runtime.answers.inputError(error), target))
        }
        if view == .obtain, runtime.tokens.credentialsTooLong(username: fields[0], password: fields[1]) {
            return .done(.answer(runtime.answers.tokenViewFailed(.nonField(AuthenticationMessages.unableToLogIn)), target))
        }
        if view == .obtain, let throttle = runtime.obtainPerUsername,
           let wait = throttle.check(fields[0], now: GatewayClock.monotonicSeconds()) {
            metrics.recordThrottled(.obtainPerUsername)
            return .done(.answer(DRFAnswers.throttled(wait: wait), target))
        }
        if view == .obtain {
            // Admission control: a PBKDF2 check holds a core for ~0.5 s; past the limit, answer 429 at once.
            let pending = pendingPasswordChecks.add(1, ordering: .relaxed).newValue
            guard pending <= runtime.config.server.maxPendingPasswordChecks else {
                pendingPasswordChecks.subtract(1, ordering: .relaxed)
                metrics.passwordChecksRejected.increment()
                metrics.recordThrottled(.pendingPasswordChecks)
                return .done(.answer(runtime.answers.tokenViewFailed(.busy), target))
            }
            metrics.passwordChecks.increment()
            let clientKey = runtime.sharedPerIP == nil ? "" : clientIdentity(request, runtime: runtime)
            return .blocking { [self] () -> PipelineResult in
                defer { self.pendingPasswordChecks.subtract(1, ordering: .relaxed) }
                // A shared store is a blocking network call: checked here, on the pool, never on a loop.
                if let wait = self.sharedThrottleWait(runtime: runtime, client: clientKey, username: fields[0]) {
                    return .answer(DRFAnswers.throttled(wait: wait), target)
                }
                BackgroundPriority.lowerCurrentThreadOnce()
                let result = runtime.tokens.obtain(username: fields[0], password: fields[1], now: GatewayClock.unixSeconds())
                return .answer(Self.render(result, runtime: runtime, overTLS: isTLS), target)
            }
        }
        let work: @Sendable () -> PipelineResult = {
            let now = GatewayClock.unixSeconds()
            let result = view == .verify ? runtime.tokens.verify(token: fields[0], now: now)
                                         : runtime.tokens.refresh(token: fields[0], now: now)
            return .answer(Self.render(result, runtime: runtime, overTLS: isTLS), target)
        }
        if view == .verify ? runtime.verifyRunsInline : runtime.refreshRunsInline { return .done(work()) }
        return .blocking(work)
    }

    /// The shared (Redis) throttles, per address then per username, as the in-memory ones; nil: allowed.
    /// Blocking. A store error is counted here; `throttle.on_store_error` has decided the answer. A wait
    /// (the 429 the caller answers) is counted under the throttle's scope.
    private func sharedThrottleWait(runtime: GatewayRuntime, client: String, username: String) -> Double? {
        for (throttle, key) in [(runtime.sharedPerIP, client), (runtime.sharedPerUsername, username)] {
            guard let throttle else { continue }
            let counter = metrics.throttleStoreErrors[throttle.scope]
            if let wait = throttle.check(key, onStoreError: { counter?.increment() }) {
                if let reason = GatewayMetrics.ThrottleReason(rawValue: throttle.scope) { metrics.recordThrottled(reason) }
                return wait
            }
        }
        return nil
    }

    /// `::ffff:a.b.c.d` (an IPv4 client on a dual-stack socket) as its 4 IPv4 bytes.
    static func unmapped(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF else { return bytes }
        return Array(bytes[12...])
    }

    /// Who is asking, for the per-address throttle: the peer, or — when the peer is a trusted proxy —
    /// the last address it put in X-Forwarded-For (what it saw connecting to it).
    private func clientIdentity(_ request: GatewayRequest, runtime: GatewayRuntime) -> String {
        guard ForwardingContext.isTrusted(peer: request.peerBytes, in: runtime.config.server.trustedProxies),
              let forwarded = request.head.values(named: "x-forwarded-for").last,
              let client = ForwardedForHeader.lastEntry(forwarded) else { return request.peerText }
        return String(client)
    }

    private static func render(_ result: Result<IssuedToken, TokenViewFailure>, runtime: GatewayRuntime,
                               overTLS: Bool) -> GatewayAnswer {
        switch result {
        case .success(let issued):
            return runtime.answers.tokenIssued(issued, now: GatewayClock.unixSeconds(),
                                               secureCookie: overTLS && runtime.config.jwt.authCookieSecure)
        case .failure(let failure): return runtime.answers.tokenViewFailed(failure)
        }
    }
}

/// Process-wide state the pipeline and the lifecycle share.
final class GatewayState: Sendable {
    private let drainingFlag = Atomic<Bool>(false)
    let openConnections = Atomic<Int>(0)
    /// Upstream transfers in flight per client address (`server.max_transfers_per_client`), all loops.
    let transfersPerClient = ClientTransferTable()
    private let connections = Mutex<[ObjectIdentifier: any Channel]>([:])

    var isDraining: Bool { drainingFlag.load(ordering: .relaxed) }
    func startDraining() { drainingFlag.store(true, ordering: .relaxed) }

    func register(_ channel: any Channel) { connections.withLock { $0[ObjectIdentifier(channel)] = channel } }
    func unregister(_ channel: any Channel) { _ = connections.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) } }

    /// Asks every connection to close as soon as it is between requests.
    func closeIdleConnections() { broadcast(DrainEvent()) }

    /// Asks every connection to close if it has been idle for longer than `server.idle_timeout`.
    func checkIdleConnections() { broadcast(IdleCheckEvent()) }

    private func broadcast(_ event: some Sendable) {
        for channel in connections.withLock({ Array($0.values) }) {
            channel.pipeline.fireUserInboundEventTriggered(event)
        }
    }
}

/// Sent to each connection when the drain grace is over: close once idle.
struct DrainEvent: Sendable {}

/// Sent to each connection once a second: close if idle past `server.idle_timeout`. One sweep per
/// second replaces an IdleStateHandler in every connection's pipeline, which every read passed through.
struct IdleCheckEvent: Sendable {}
