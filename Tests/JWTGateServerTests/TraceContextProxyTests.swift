import Foundation
import JWTGateCore
import JWTGateServer
import Logging
import NIOPosix
import Synchronization
import Testing

/// Keeps the `request` lines (the access log without an installed sink) a gateway logs.
final class AccessLines: Sendable {
    private let lines = Mutex<[Logger.Metadata]>([])

    var all: [Logger.Metadata] { lines.withLock { $0 } }

    func append(_ metadata: Logger.Metadata) { lines.withLock { $0.append(metadata) } }

    /// Waits up to two seconds for `count` lines: a line is written when the request finishes, which
    /// can be just after the client has read the last byte.
    func waitFor(_ count: Int) async -> [Logger.Metadata] {
        for _ in 0..<200 where all.count < count { try? await Task.sleep(for: .milliseconds(10)) }
        return all
    }
}

struct CapturingHandler: LogHandler {
    let lines: AccessLines
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        if event.message.description == "request", let metadata = event.metadata { lines.append(metadata) }
    }
}

@Suite("W3C trace context reaches the upstream and every access-log line", .serialized)
struct TraceContextProxyTests {
    static let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
    static let parentID = "00f067aa0ba902b7"

    /// A gateway with the access log on, its `request` lines captured, in front of one recording upstream.
    static func withGateway(plane: DataPlane,
                            _ body: (RunningGateway, TestUpstreamServer, AccessLines) async throws -> Void) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let upstream = try await TestUpstreamServer.start(group: group, reply: { _ in .json(#"{"ok":true}"#) })
        let lines = AccessLines()
        let config = GatewayHarness.config(routes: [GatewayHarness.route("/api/public/", port: upstream.port, auth: .none),
                                                    GatewayHarness.route("/api/", port: upstream.port)],
                                           plane: plane) { $0.logging.accessLog = true }
        var logger = Logger(label: "jwtgate-trace-test") { _ in CapturingHandler(lines: lines) }
        logger.logLevel = .info
        let gateway: RunningGateway
        do {
            gateway = try await RunningGateway.start(runtime: try GatewayRuntime(config: config), logger: logger)
        } catch {
            try? await upstream.stop()
            try? await group.shutdownGracefully()
            throw error
        }
        var failure: (any Error)?
        do { try await body(gateway, upstream, lines) } catch { failure = error }
        await gateway.drainAndStop(grace: .zero, timeout: .seconds(2))
        try? await upstream.stop()
        try? await group.shutdownGracefully()
        if let failure { throw failure }
    }

    static func loggedTraceID(_ line: Logger.Metadata?) -> String? {
        line?["trace.id"].map { "\($0)" }
    }

    @Test("a valid traceparent is continued upstream: same trace and flags, a new parent-id, tracestate kept",
          arguments: [DataPlane.loop, .nio])
    func continued(plane: DataPlane) async throws {
        try await Self.withGateway(plane: plane) { gateway, upstream, lines in
            let client = try RawHTTPClient(port: gateway.port)
            let response = try client.request("GET", "/api/orders", headers: [
                ("Authorization", "JWT \(GatewayHarness.validToken())"),
                ("Traceparent", "00-\(Self.traceID)-\(Self.parentID)-01"),
                ("tracestate", "congo=t61rcWkgMzE"), ("tracestate", "rojo=00f067aa0ba902b7"),
            ])
            #expect(response.status == 200)
            let seen = try #require(upstream.requests.last)
            let sent = seen.values("traceparent")
            try #require(sent.count == 1, "\(seen.headers)")
            let parent = try #require(TraceContext.parseTraceparent(sent[0]), "\(sent[0])")
            #expect(sent[0].hasPrefix("00-"))
            #expect(parent.traceID == Self.traceID)
            #expect(parent.parentID != Self.parentID, "the gateway's own span is the upstream's parent")
            #expect(parent.flags == 0x01)
            #expect(seen.values("tracestate") == ["congo=t61rcWkgMzE,rojo=00f067aa0ba902b7"])
            let logged = await lines.waitFor(1)
            #expect(Self.loggedTraceID(logged.last) == Self.traceID, "\(logged)")
        }
    }

    @Test("a malformed traceparent is replaced and its tracestate dropped; none gets a new trace",
          arguments: [DataPlane.loop, .nio])
    func replacedAndGenerated(plane: DataPlane) async throws {
        try await Self.withGateway(plane: plane) { gateway, upstream, lines in
            let client = try RawHTTPClient(port: gateway.port)
            let malformed = try client.request("GET", "/api/public/ping", headers: [
                ("traceparent", "00-\(Self.traceID.uppercased())-\(Self.parentID)-01"), ("tracestate", "congo=t61rcWkgMzE"),
            ])
            #expect(malformed.status == 200)
            let replaced = try #require(upstream.requests.last)
            let replacedParent = try #require(TraceContext.parseTraceparent(replaced.values("traceparent").first ?? ""))
            #expect(replaced.values("traceparent").count == 1)
            #expect(replacedParent.traceID != Self.traceID.lowercased() && replacedParent.traceID != Self.traceID)
            #expect(replacedParent.flags == TraceContext.newTraceFlags)
            #expect(replaced.values("tracestate").isEmpty)

            let none = try client.request("GET", "/api/public/ping")
            #expect(none.status == 200)
            let generated = try #require(upstream.requests.last)
            let generatedParent = try #require(TraceContext.parseTraceparent(generated.values("traceparent").first ?? ""))
            #expect(generatedParent.traceID != replacedParent.traceID)

            let logged = await lines.waitFor(2)
            try #require(logged.count == 2, "\(logged)")
            #expect(Self.loggedTraceID(logged[0]) == replacedParent.traceID, "the log names the trace the upstream saw")
            #expect(Self.loggedTraceID(logged[1]) == generatedParent.traceID)
        }
    }

    @Test("requests the gateway answers itself are logged under the client's trace id, or a new one",
          arguments: [DataPlane.loop, .nio])
    func answeredByGateway(plane: DataPlane) async throws {
        try await Self.withGateway(plane: plane) { gateway, upstream, lines in
            let client = try RawHTTPClient(port: gateway.port)
            let unauthorized = try client.request("GET", "/api/secret", headers: [
                ("traceparent", "00-\(Self.traceID)-\(Self.parentID)-00"),
            ])
            #expect(unauthorized.status == 401)
            let missing = try client.request("GET", "/nowhere")
            #expect(missing.status == 404)
            #expect(upstream.requests.isEmpty)
            let logged = await lines.waitFor(2)
            try #require(logged.count == 2, "\(logged)")
            #expect(Self.loggedTraceID(logged[0]) == Self.traceID)
            let generated = try #require(Self.loggedTraceID(logged[1]))
            #expect(generated.utf8.count == 32 && generated != Self.traceID)
        }
    }
}
