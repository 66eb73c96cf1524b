import Foundation

/// A real HTTPS upstream (https-upstream.py next to this file): a Python server with a throwaway CA,
/// its certificate made for `serverName`. `caFile` is the CA that signed it.
struct HTTPSUpstream {
    let directory: String
    let port: Int
    let pid: Int32
    var caFile: String { directory + "/ca.pem" }

    static func start(serverName: String = "localhost") throws(TestSupportError) -> HTTPSUpstream {
        let here = #filePath
        let script = String(here[..<here.lastIndex(of: "/")!]) + "/https-upstream.py"
        let directory = "/tmp/jwtgate-https-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        guard mkdir(directory, 0o700) == 0 else { throw TestSupportError("cannot create \(directory)") }
        let pid = try TestCommand.startInBackground(["python3", script, directory, serverName], log: directory + "/log")
        for _ in 0..<200 {
            if let port = Int(TestCommand.readFile(directory + "/port").trimmingCharacters(in: .whitespacesAndNewlines)) {
                return HTTPSUpstream(directory: directory, port: port, pid: pid)
            }
            usleep(50_000)
        }
        kill(pid, SIGKILL)
        let log = TestCommand.readFile(directory + "/log")
        throw TestSupportError("the HTTPS upstream did not start within 10 s: \(log)")
    }

    func stop() {
        kill(pid, SIGKILL)  // nothing to flush; and a blocked SIGTERM could be inherited
        _ = TestCommand.run(["rm", "-rf", directory])
    }
}
