import Testing

@testable import JWTGateCore

private let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
private let parentID = "00f067aa0ba902b7"
private let valid = "00-\(traceID)-\(parentID)-01"

private func isLowerHex(_ text: String, count: Int) -> Bool {
    text.utf8.count == count && text.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
}

@Suite("W3C trace context: traceparent parsing, tracestate bounds, the gateway's span")
struct TraceContextTests {
    @Test("a version 00 traceparent is read field by field, flags kept as sent")
    func validParent() throws {
        let parent = try #require(TraceContext.parseTraceparent(valid))
        #expect(parent.traceID == traceID)
        #expect(parent.parentID == parentID)
        #expect(parent.flags == 0x01)
        #expect(TraceContext.parseTraceparent("00-\(traceID)-\(parentID)-00")?.flags == 0)
        #expect(TraceContext.parseTraceparent("00-\(traceID)-\(parentID)-03")?.flags == 0x03)
    }

    @Test("malformed traceparents are refused", arguments: [
        "",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",  // upper-case trace-id
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01",  // upper-case parent-id
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0A",  // upper-case flags
        "0A-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  // upper-case version
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",  // all-zero trace-id
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",  // all-zero parent-id
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  // version ff
        "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",  // trace-id one short
        "00-4bf92f3577b34da6a3ce929d0e0e47366-00f067aa0ba902b7-01",  // trace-id one long
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-01",  // parent-id one short
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",  // flags one short
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-",  // version 00 with a trailer
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",  // version 00 with extra fields
        "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",  // wrong separators
        "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",  // not hex
        " 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  // leading space
        "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",  // future version, no dash after flags
        "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",  // future version, too short
    ])
    func malformed(value: String) {
        #expect(TraceContext.parseTraceparent(value) == nil, "\(value)")
    }

    @Test("a future version is read by the forward-compatibility rule, keeping only the sampled flag")
    func futureVersion() throws {
        let exact = try #require(TraceContext.parseTraceparent("01-\(traceID)-\(parentID)-03"))
        #expect(exact.traceID == traceID && exact.parentID == parentID && exact.flags == 0x01)
        let longer = try #require(TraceContext.parseTraceparent("cc-\(traceID)-\(parentID)-02-what-the-future-holds"))
        #expect(longer.traceID == traceID && longer.flags == 0)
        let context = TraceContext.forRequest(traceparents: ["fe-\(traceID)-\(parentID)-01-x"], tracestates: [])
        #expect(context.traceparent.hasPrefix("00-\(traceID)-"), "forwarded as version 00")
        #expect(context.traceparent.utf8.count == 55)
    }

    @Test("a valid traceparent is continued: same trace and flags, a new span, tracestate kept")
    func continued() {
        let context = TraceContext.forRequest(traceparents: [valid], tracestates: ["congo=t61rcWkgMzE", "rojo=00f067aa0ba902b7"])
        #expect(context.continued)
        #expect(context.traceID == traceID)
        #expect(context.flags == 0x01)
        #expect(context.spanID != parentID)
        #expect(isLowerHex(context.spanID, count: 16) && context.spanID != "0000000000000000")
        #expect(context.traceState == "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7")
        #expect(context.traceparent == "00-\(traceID)-\(context.spanID)-01")
        let unsampled = TraceContext.forRequest(traceparents: ["00-\(traceID)-\(parentID)-00"], tracestates: [])
        #expect(unsampled.traceparent.hasSuffix("-00"))
        #expect(unsampled.traceState == nil)
    }

    @Test("absent, malformed or duplicated traceparents start a new sampled trace and drop tracestate", arguments: [
        [String](), ["00-00000000000000000000000000000000-00f067aa0ba902b7-01"], [valid, valid],
        [valid, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"],
    ])
    func replaced(traceparents: [String]) {
        let context = TraceContext.forRequest(traceparents: traceparents, tracestates: ["congo=t61rcWkgMzE"])
        #expect(!context.continued)
        #expect(context.traceID != traceID)
        #expect(isLowerHex(context.traceID, count: 32))
        #expect(isLowerHex(context.spanID, count: 16))
        #expect(context.flags == TraceContext.newTraceFlags)
        #expect(context.traceState == nil)
        #expect(TraceContext.parseTraceparent(context.traceparent) != nil, "what the gateway sends is valid itself")
    }

    @Test("each request gets its own ids")
    func distinct() {
        let a = TraceContext.forRequest(traceparents: [], tracestates: [])
        let b = TraceContext.forRequest(traceparents: [], tracestates: [])
        #expect(a.traceID != b.traceID && a.spanID != b.spanID)
        #expect(TraceContext.traceID(traceparents: [valid]) == traceID)
        #expect(TraceContext.traceID(traceparents: [valid, valid]) != traceID)
    }

    @Test("tracestate lines are joined, empty members dropped, multi-tenant keys accepted")
    func traceStateValid() {
        #expect(TraceContext.validTraceState(["a=1, b=2", "c=3"]) == "a=1,b=2,c=3")
        #expect(TraceContext.validTraceState(["a=1,,  ,b=2"]) == "a=1,b=2")
        #expect(TraceContext.validTraceState(["tenant1@vendor=x y"]) == "tenant1@vendor=x y")
        #expect(TraceContext.validTraceState(["k*/_-9=v"]) == "k*/_-9=v")
        #expect(TraceContext.validTraceState([]) == nil)
        #expect(TraceContext.validTraceState([" , "]) == nil)
        let thirtyTwo = (0..<32).map { "k\($0)=v" }.joined(separator: ",")
        #expect(TraceContext.validTraceState([thirtyTwo]) == thirtyTwo)
    }

    @Test("a tracestate breaking a rule is dropped whole", arguments: [
        ["A=1"], ["1a=1"], ["a=1,a=2"], ["a=1", "a=2"], ["a"], ["=1"], ["a="], ["a=x,y"], ["a=1=2"], ["a=x\u{7f}"],
        ["a=é"], ["@v=1"], ["t@=1"], ["t@V=1"], ["t@v@w=1"], ["a=" + String(repeating: "x", count: 257)],
        [(0..<33).map { "k\($0)=v" }.joined(separator: ",")],
        ["a=" + String(repeating: "x", count: 200), "b=" + String(repeating: "x", count: 200),
         "c=" + String(repeating: "x", count: 200)],
    ])
    func traceStateDropped(lines: [String]) {
        #expect(TraceContext.validTraceState(lines) == nil, "\(lines)")
    }

    @Test("the upstream gets the gateway's traceparent and tracestate, never the client's copies")
    func upstreamHeaders() {
        let upstream = UpstreamTarget(scheme: "http", host: "127.0.0.1", port: 9001, basePath: "")
        let route = Route(RouteConfig(path: "/api/", upstreams: [upstream]), position: 0)
        let trace = TraceContext(traceID: traceID, spanID: "b7ad6b7169203331", flags: 1, traceState: "congo=1", continued: true)
        let context = ForwardingContext(clientAddress: [127, 0, 0, 1], clientAddressText: "127.0.0.1", isTLS: false,
                                        requestID: "id", trace: trace)
        let out = UpstreamRequestHeaders.build(
            clientHeaders: [("TraceParent", valid), ("traceparent", valid), ("TRACESTATE", "rojo=1"), ("Accept", "*/*")],
            context: context, route: route, upstream: upstream, trustedProxies: [])
        #expect(out.filter { $0.name.lowercased() == "traceparent" }.map(\.name) == ["traceparent"])
        #expect(out.first { $0.name == "traceparent" }?.value == "00-\(traceID)-b7ad6b7169203331-01")
        #expect(out.filter { $0.name.lowercased() == "tracestate" }.map(\.value) == ["congo=1"])
        #expect(out.contains { $0.name == "Accept" })

        // Without a decided trace, build derives one from the client's headers.
        let derived = UpstreamRequestHeaders.build(
            clientHeaders: [("traceparent", valid), ("tracestate", "rojo=1")],
            context: ForwardingContext(clientAddress: [127, 0, 0, 1], clientAddressText: "127.0.0.1", isTLS: false, requestID: "id"),
            route: route, upstream: upstream, trustedProxies: [])
        let sent = derived.first { $0.name == "traceparent" }?.value ?? ""
        #expect(TraceContext.parseTraceparent(sent)?.traceID == traceID)
        #expect(TraceContext.parseTraceparent(sent)?.parentID != parentID)
        #expect(derived.filter { $0.name == "tracestate" }.map(\.value) == ["rojo=1"])
    }

    @Test("tracestate members split at `,` code points and are trimmed of SP/HTAB code points")
    func traceStateByCodePoint() {
        // Split at the `,` before U+0301, the second member's key is not a valid key: all dropped.
        #expect(TraceContext.validTraceState(["rojo=1,\u{0301}congo=2"]) == nil)
        #expect(TraceContext.validTraceState(["rojo=1, \u{0301}congo=2"]) == nil)
        #expect(TraceContext.validTraceState(["rojo=\u{0301}1"]) == nil)
        // Ordinary lists read as before.
        #expect(TraceContext.validTraceState(["rojo=1,\t congo=2 ", " ,a=b"]) == "rojo=1,congo=2,a=b")
    }
}

@Suite("Random trace and span ids, drawn in batches per thread")
struct RandomIdentifierTests {
    static func isLowerHex(_ text: String, count: Int) -> Bool {
        text.utf8.count == count && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    @Test("ids are hex of the right length and never repeat, across batch refills and threads")
    func uniqueAcrossBatchesAndThreads() async {
        // 3,000 draws per task cross the 64-draw batch many times; four tasks run on other threads.
        let perTask = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<4 {
                group.addTask { (0..<1_000).flatMap { _ in [TraceContext.randomTraceID(), TraceContext.randomSpanID()] } }
            }
            var all: [[String]] = []
            for await ids in group { all.append(ids) }
            return all
        }
        let ids = perTask.flatMap { $0 }
        #expect(ids.count == 8_000)
        #expect(Set(ids).count == ids.count, "no id repeats")
        #expect(ids.allSatisfy { Self.isLowerHex($0, count: 32) || Self.isLowerHex($0, count: 16) })
        #expect(ids.filter { $0.utf8.count == 32 }.count == 4_000)
    }

    @Test("the generator's bits are balanced (a stuck or zeroed pool would not be)")
    func bitsBalanced() {
        var rng = FastSecureRandom()
        var ones = 0
        for _ in 0..<4_096 { ones += rng.next().nonzeroBitCount }
        // 262,144 bits: the mean is 131,072 with a standard deviation of 256; 10 deviations either way.
        #expect(abs(ones - 131_072) < 2_560, "\(ones) one bits")
    }
}
