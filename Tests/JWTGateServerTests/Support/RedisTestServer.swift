import Foundation
import CJWTGateCurlShims  // SOCK_STREAM resolves through the curl shims in this test module (see RawHTTPClient)
import Glibc

/// A private `redis-server` for one test: a free port on 127.0.0.1, no persistence, in a temporary
/// directory; daemonized (so `system(3)` returns and no descriptor of ours is held open), readiness
/// checked by polling the port with PING, killed by `stop()` or at the latest on deinit.
final class RedisTestServer: @unchecked Sendable {
    let port: Int
    let directory: String
    private(set) var pid: Int32 = 0

    var url: String { "redis://127.0.0.1:\(port)/0" }

    init() throws(TestSupportError) {
        directory = "/tmp/jwtgate-redis-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        guard mkdir(directory, 0o700) == 0 else { throw TestSupportError("cannot create \(directory)") }
        port = try Self.freePort()
        try start()
    }

    deinit {
        if pid > 0 { kill(pid, SIGCONT); kill(pid, SIGKILL) }
        _ = TestCommand.run(["rm", "-rf", directory])
    }

    /// Starts (or restarts, on the same port) the server and waits until it answers PING.
    func start() throws(TestSupportError) {
        let (status, output) = TestCommand.run([
            "redis-server", "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", directory, "--daemonize", "yes", "--pidfile", directory + "/redis.pid",
            "--logfile", directory + "/redis.log", "--enable-debug-command", "local",
        ])
        guard status == 0 else { throw TestSupportError("redis-server did not start: \(output)") }
        for _ in 0..<200 {
            if ping(), let pid = Int32(TestCommand.readFile(directory + "/redis.pid").trimmingCharacters(in: .whitespacesAndNewlines)) {
                self.pid = pid
                return
            }
            usleep(25_000)
        }
        throw TestSupportError("redis-server did not answer on port \(port) within 5 s: \(TestCommand.readFile(directory + "/redis.log"))")
    }

    /// Kills the server at once (no shutdown courtesy: as a crashed or unreachable Redis).
    func stop() {
        guard pid > 0 else { return }
        kill(pid, SIGCONT)
        kill(pid, SIGKILL)
        var tries = 0
        while kill(pid, 0) == 0 && tries < 200 { usleep(10_000); tries += 1 }
        pid = 0
    }

    /// SIGSTOP / SIGCONT: a server that accepts (the kernel does) but never answers.
    func pause() { kill(pid, SIGSTOP) }
    func resume() { kill(pid, SIGCONT) }

    /// redis-cli with `arguments` against this server.
    @discardableResult
    func cli(_ arguments: [String]) -> String {
        TestCommand.run(["redis-cli", "-h", "127.0.0.1", "-p", String(port)] + arguments).output
    }

    private func ping() -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return false }
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let request = Array("PING\r\n".utf8)
        guard write(fd, request, request.count) == request.count else { return false }
        var buffer = [UInt8](repeating: 0, count: 16)
        let n = read(fd, &buffer, buffer.count)
        return n > 0 && String(decoding: buffer[0..<n], as: UTF8.self).hasPrefix("+PONG")
    }

    private static func freePort() throws(TestSupportError) -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestSupportError("socket failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p -> Bool in
                bind(fd, p, length) == 0 && getsockname(fd, p, &length) == 0
            }
        }
        guard bound else { throw TestSupportError("cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
