import JWTGateCore

extension RequestPipeline {
    /// A matched route: authenticate as its mode says (interface.md "Route auth modes"), check the
    /// method, then plan the upstream request.
    func handleRoute(_ match: RouteMatch, query: String?, request: GatewayRequest, runtime: GatewayRuntime) -> PipelineStep {
        let route = match.route
        let target = metrics.series(forRoute: match.route.config.path)
        // The transport-level requirement comes first, as a listener's `verify_client: required` would.
        guard route.config.admitsClient(subject: request.clientSubject) else {
            metrics.recordAuthFailure(.clientCertificate)
            return .done(.answer(DRFAnswers.permissionDenied, target))
        }
        if route.config.auth == .none || (route.config.skipAuthPreflight && Self.isCORSPreflight(request.head)) {
            return .done(plan(match, query: query, request: request, user: nil, runtime: runtime))
        }
        let authorization = request.head.first("authorization")
        let cookies = request.head.values(named: "cookie")
        let cookieHeader = cookies.isEmpty ? nil : cookies.joined(separator: "; ")
        switch runtime.extractor.extract(authorization: authorization, cookieHeader: cookieHeader) {
        case .failure(let message):
            return .done(reject(message, target: target, runtime: runtime))
        case .none:
            if route.config.auth == .required {
                return .done(reject(AuthenticationMessages.notProvided, target: target, runtime: runtime))
            }
            return .done(plan(match, query: query, request: request, user: nil, runtime: runtime))
        case .token(let token):
            let outcome = runtime.authenticator.authenticate(token: token, now: GatewayClock.unixSeconds(),
                                                             monotonicNow: GatewayClock.monotonicNanoseconds(), mayBlock: false)
            if case .wouldBlock = outcome {
                return .blocking { [self] () -> PipelineResult in
                    let blocking = runtime.authenticator.authenticate(token: token, now: GatewayClock.unixSeconds(),
                                                                      monotonicNow: GatewayClock.monotonicNanoseconds(), mayBlock: true)
                    return finish(blocking, match: match, query: query, request: request, runtime: runtime)
                }
            }
            return .done(finish(outcome, match: match, query: query, request: request, runtime: runtime))
        }
    }

    /// A browser's CORS preflight: OPTIONS with `Origin` and `Access-Control-Request-Method` (Fetch standard).
    static func isCORSPreflight(_ head: RequestHead) -> Bool {
        head.method == "OPTIONS" && head.first("origin") != nil && head.first("access-control-request-method") != nil
    }

    private func finish(_ outcome: RequestAuthenticator.Outcome, match: RouteMatch, query: String?,
                        request: GatewayRequest, runtime: GatewayRuntime) -> PipelineResult {
        let target = metrics.series(forRoute: match.route.config.path)
        switch outcome {
        case .authenticated(let user): return plan(match, query: query, request: request, user: user, runtime: runtime)
        case .rejected(let message): return reject(message, target: target, runtime: runtime)
        case .wouldBlock, .storeFailed: return .answer(DRFAnswers.storeUnavailable, target)
        }
    }

    private func reject(_ message: String, target: GatewayMetrics.Series, runtime: GatewayRuntime) -> PipelineResult {
        metrics.recordAuthFailure(Self.reason(for: message))
        return .answer(runtime.answers.authenticationFailed(message), target)
    }

    private static func reason(for message: String) -> GatewayMetrics.AuthFailure {
        switch message {
        case AuthenticationMessages.notProvided: return .notProvided
        case AuthenticationMessages.expired: return .expired
        case AuthenticationMessages.decodeError: return .decode
        case AuthenticationMessages.incorrect: return .incorrect
        case AuthenticationMessages.invalidPayload: return .invalidPayload
        case AuthenticationMessages.unknownUserAuth: return .unknownUser
        case AuthenticationMessages.disabled: return .disabled
        default: return .badHeader
        }
    }

    /// Builds the upstream request: method check, upstream choice, header rules, canonical path.
    private func plan(_ match: RouteMatch, query: String?, request: GatewayRequest, user: UserRecord?,
                      runtime: GatewayRuntime) -> PipelineResult {
        let route = match.route
        let method = request.head.method
        let target = metrics.series(forRoute: match.route.config.path)
        guard route.allows(method: method) else {
            return .answer(DRFAnswers.routeMethodNotAllowed(method, allowed: (route.methods ?? []).sorted()), target)
        }
        let upstream = route.upstreams.next()
        let requestID = RequestIDGenerator.next()
        let identity = user.map {
            ForwardedIdentity(userID: $0.id.description, username: $0.username, email: $0.email ?? "")
        }
        let trace = TraceContext.forRequest(traceparents: request.head.values(named: "traceparent"),
                                            tracestates: request.head.values(named: "tracestate"))
        let context = ForwardingContext(clientAddress: request.peerBytes, clientAddressText: request.peerText,
                                        isTLS: request.isTLS, requestID: requestID, identity: identity, trace: trace,
                                        clientSubject: request.clientSubject)
        var clientHeaders: [(name: String, value: String)] = []
        clientHeaders.reserveCapacity(request.head.fields.count)
        for field in request.head.fields { clientHeaders.append((field.name, field.value)) }
        let headers = UpstreamRequestHeaders.build(clientHeaders: clientHeaders, context: context, route: route,
                                                   upstream: upstream, trustedProxies: runtime.config.server.trustedProxies)
        // The same client the X-Forwarded-For just built ends with: the peer, or what a trusted proxy saw.
        let forwardedFor = context.peerIsTrusted(runtime.config.server.trustedProxies)
            ? request.head.values(named: "x-forwarded-for").last : nil
        let client = ClientAddressKey(peer: request.peerBytes, forwardedFor: forwardedFor)
        let url = upstream.origin + match.upstreamRequestTarget(for: upstream, query: query)
        let upstreamRequest = UpstreamRequest(method: method, url: url, headers: headers, body: request.body,
                                              timeout: route.config.timeout, caFile: route.config.caFile,
                                              clientCertificate: route.config.clientCertificate,
                                              minTLSVersion: route.config.minTLSVersion)
        return .forward(ForwardPlan(request: upstreamRequest, target: target,
                                    upstream: upstream, userID: user.map { $0.id.description }, requestID: requestID,
                                    traceID: trace.traceID, client: client, match: match, query: query))
    }

    /// The same request aimed at the route's next upstream, after `plan.upstream` refused the
    /// connection (so the request cannot have reached it: retrying is safe for every method).
    /// nil when every upstream of the route was tried.
    func retarget(_ plan: ForwardPlan) -> ForwardPlan? {
        let pool = plan.match.route.upstreams
        guard plan.attempts < pool.targets.count else { return nil }
        let upstream = pool.next()
        guard upstream != plan.upstream else { return nil }
        var next = plan
        next.attempts += 1
        next.upstream = upstream
        next.request.url = upstream.origin + plan.match.upstreamRequestTarget(for: upstream, query: plan.query)
        if !plan.match.route.config.preserveHost,
           let host = next.request.headers.firstIndex(where: { $0.name.lowercased() == "host" }) {
            next.request.headers[host].value = upstream.hostHeader
        }
        return next
    }
}
