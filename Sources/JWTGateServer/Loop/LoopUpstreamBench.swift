import CJWTGateCurlShims
import NIOCore
import NIOPosix
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A measurement, not a test (bench/loop-bench): closed-loop GETs from `concurrency` virtual clients
/// through one `IOLoop` + `LoopCurlMulti`, or through today's path (a NIO event loop + the curl driver
/// thread), and the CPU each costs per request. Package access only: the bench executable calls it.
package enum LoopUpstreamBench {
    package struct Figures: Sendable, CustomStringConvertible {
        package var path: String
        package var requests: Int
        package var errors: Int
        package var seconds: Double
        /// CPU of the threads that did the work (the loop; or the NIO loop + the curl thread), µs per request.
        package var cpuPerRequest: Double
        package var perThread: String
        package var upstreamCPUPerRequest: Double?

        package var description: String {
            let rate = Double(self.requests) / self.seconds
            var text = "\(self.path): \(self.requests) requests in \(String(format: "%.2f", self.seconds)) s "
                + "(\(Int(rate)) req/s, \(self.errors) errors), CPU \(String(format: "%.1f", self.cpuPerRequest)) µs/request [\(self.perThread)]"
            if let upstream = self.upstreamCPUPerRequest { text += ", upstream \(String(format: "%.1f", upstream)) µs/request" }
            return text
        }
    }

    /// Process CPU (utime+stime) of `pid` in seconds, from /proc.
    static func processCPU(_ pid: Int32) -> Double? {
        guard let file = fopen("/proc/\(pid)/stat", "r") else { return nil }
        defer { fclose(file) }
        var buffer = [UInt8](repeating: 0, count: 1024)
        let count = fread(&buffer, 1, buffer.count, file)
        let line = String(decoding: buffer[0..<count], as: UTF8.self)
        guard let close = line.lastIndex(of: ")") else { return nil }
        let fields = line[line.index(after: close)...].split(separator: " ")
        // fields[0] is the state (field 3); utime and stime are fields 14 and 15.
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    // MARK: IOLoop + LoopCurlMulti

    private final class LoopClient: LoopUpstreamDelegate {
        let multi: LoopCurlMulti
        let request: LoopUpstreamRequest
        let counters: LoopBox
        init(multi: LoopCurlMulti, request: LoopUpstreamRequest, counters: LoopBox) {
            self.multi = multi
            self.request = request
            self.counters = counters
        }
        func next() { _ = self.multi.start(self.request, delegate: self) }
        func upstreamHead(status: Int, headers: [(name: String, value: String)]) {}
        func upstreamBody(_ bytes: UnsafeRawBufferPointer) -> Bool { true }
        func upstreamEnd() {
            self.counters.requests += 1
            if self.counters.running { self.next() }
        }
        func upstreamFailed(_ error: UpstreamError) {
            self.counters.errors += 1
            if self.counters.running { self.next() }
        }
    }

    private final class LoopBox {
        var requests = 0
        var errors = 0
        var running = true
    }

    package static func runLoop(url: String, concurrency: Int, warmUp: Double, seconds: Double, upstreamPID: Int32?) async throws -> Figures {
        let group = try LoopGroup(count: 1, namePrefix: "bench-loop")
        defer { group.shutdown() }
        let handle = group.loops[0]
        let counters = try await handle.submit { loop -> LoopBound<LoopBox> in
            let counters = LoopBox()
            let multi = try! LoopCurlMulti(loop: loop)
            let request = LoopUpstreamRequest(method: "GET", url: url, headers: [("Host", "upstream"), ("X-Auth-User-Id", "1")])
            for _ in 0..<concurrency { LoopClient(multi: multi, request: request, counters: counters).next() }
            return LoopBound(counters, loop: loop.handle)
        }
        usleep(UInt32(warmUp * 1_000_000))
        let before = try await handle.submit { _ in (jwtgate_loop_thread_cpu_ns(), counters.value.requests, counters.value.errors) }
        let upstreamBefore = upstreamPID.flatMap(Self.processCPU)
        let start = ContinuousClock.now
        usleep(UInt32(seconds * 1_000_000))
        let after = try await handle.submit { _ in (jwtgate_loop_thread_cpu_ns(), counters.value.requests, counters.value.errors) }
        let elapsed = ContinuousClock.now - start
        let upstreamAfter = upstreamPID.flatMap(Self.processCPU)
        _ = try await handle.submit { _ in counters.value.running = false }
        let requests = after.1 - before.1
        let cpu = Double(after.0 - before.0) / 1000 / Double(max(1, requests))
        var upstream: Double?
        if let a = upstreamAfter, let b = upstreamBefore { upstream = (a - b) * 1e6 / Double(max(1, requests)) }
        return Figures(
            path: "IOLoop + LoopCurlMulti (1 thread)", requests: requests, errors: after.2 - before.2,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
            cpuPerRequest: cpu, perThread: "loop \(String(format: "%.1f", cpu))", upstreamCPUPerRequest: upstream)
    }

    // MARK: NIO event loop + curl driver thread (today's path)

    private final class DriverClient: UpstreamResponseHandler {
        let client: UpstreamClient
        let loop: any EventLoop
        let request: UpstreamRequest
        let counters: LoopBox
        init(client: UpstreamClient, loop: any EventLoop, request: UpstreamRequest, counters: LoopBox) {
            self.client = client
            self.loop = loop
            self.request = request
            self.counters = counters
        }
        func next() { self.client.execute(self.request, on: self.loop, handler: self) }
        func upstreamResponseHead(status: Int, headers: [(name: String, value: String)]) {}
        func upstreamResponseBodyPart(_ part: ByteBuffer) {}
        func upstreamResponseEnd() {
            self.counters.requests += 1
            if self.counters.running { self.next() }
        }
        func upstreamFailed(_ error: UpstreamError) {
            self.counters.errors += 1
            if self.counters.running { self.next() }
        }
    }

    package static func runDriver(url: String, concurrency: Int, warmUp: Double, seconds: Double, upstreamPID: Int32?) async throws -> Figures {
        let nio = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let client = UpstreamClient(maxConnectionsPerHost: 1024, maxTotalConnections: 1024, logger: .init(label: "bench"))
        try client.start()
        let loop = nio.next()
        let counters = try await loop.submit { () -> NIOLoopBound<LoopBox> in
            let counters = LoopBox()
            let request = UpstreamRequest(method: "GET", url: url, headers: [("Host", "upstream"), ("X-Auth-User-Id", "1")])
            for _ in 0..<concurrency { DriverClient(client: client, loop: loop, request: request, counters: counters).next() }
            return NIOLoopBound(counters, eventLoop: loop)
        }.get()
        usleep(UInt32(warmUp * 1_000_000))
        let before = try await loop.submit { (jwtgate_loop_thread_cpu_ns(), counters.value.requests, counters.value.errors) }.get()
        let driverBefore = client.driverThreadCPUTime ?? .zero
        let upstreamBefore = upstreamPID.flatMap(Self.processCPU)
        let start = ContinuousClock.now
        usleep(UInt32(seconds * 1_000_000))
        let after = try await loop.submit { (jwtgate_loop_thread_cpu_ns(), counters.value.requests, counters.value.errors) }.get()
        let driverAfter = client.driverThreadCPUTime ?? .zero
        let elapsed = ContinuousClock.now - start
        let upstreamAfter = upstreamPID.flatMap(Self.processCPU)
        try await loop.submit { counters.value.running = false }.get()
        client.shutdown()
        try await nio.shutdownGracefully()
        let requests = after.1 - before.1
        let loopCPU = Double(after.0 - before.0) / 1000 / Double(max(1, requests))
        let driverCPU = Double((driverAfter - driverBefore).loopNanoseconds) / 1000 / Double(max(1, requests))
        var upstream: Double?
        if let a = upstreamAfter, let b = upstreamBefore { upstream = (a - b) * 1e6 / Double(max(1, requests)) }
        return Figures(
            path: "NIO loop + curl driver thread", requests: requests, errors: after.2 - before.2,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
            cpuPerRequest: loopCPU + driverCPU,
            perThread: "NIO loop \(String(format: "%.1f", loopCPU)) + curl thread \(String(format: "%.1f", driverCPU))",
            upstreamCPUPerRequest: upstream)
    }
}
