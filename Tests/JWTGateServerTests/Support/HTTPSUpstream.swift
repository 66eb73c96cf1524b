import Foundation

/// A real HTTPS upstream (https-upstream.py next to this file): a Python server with a throwaway CA,
/// its certificate made for `serverName`. `caFile` is the CA that signed it.
struct HTTPSUpstream {
    let directory: String
    let port: Int
    var caFile: String { directory + "/ca.pem" }

    static func start(serverName: String = "localhost") throws -> HTTPSUpstream {
        let here = #filePath
        let script = String(here[..<here.lastIndex(of: "/")!]) + "/https-upstream.py"
        let directory = "/tmp/jwtgate-https-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        guard mkdir(directory, 0o700) == 0 else { throw HTTPSUpstreamError("cannot create \(directory)") }
        // system(3), not Foundation's Process (whose exit monitoring hangs here); the server goes to the background.
        let status = system("python3 '\(script)' '\(directory)' '\(serverName)' >'\(directory)/log' 2>&1 </dev/null & echo $! >'\(directory)/pid'")
        guard status == 0 else { throw HTTPSUpstreamError("cannot start \(script)") }
        for _ in 0..<200 {
            if let text = try? String(contentsOfFile: directory + "/port", encoding: .utf8), let port = Int(text) {
                return HTTPSUpstream(directory: directory, port: port)
            }
            usleep(50_000)
        }
        let log = (try? String(contentsOfFile: directory + "/log", encoding: .utf8)) ?? ""
        throw HTTPSUpstreamError("the HTTPS upstream did not start within 10 s: \(log)")
    }

    func stop() {
        if let text = try? String(contentsOfFile: directory + "/pid", encoding: .utf8),
           let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            kill(pid, SIGKILL)  // nothing to flush; and a blocked SIGTERM could be inherited
        }
        _ = system("rm -rf '\(directory)'")
    }
}

struct HTTPSUpstreamError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
