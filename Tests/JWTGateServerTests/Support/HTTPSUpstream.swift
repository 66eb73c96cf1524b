import Foundation
import JWTGateCore

/// A real HTTPS upstream (https-upstream.py next to this file): a Python server with a throwaway CA,
/// its certificate made for `serverName`. `caFile` is the CA that signed it.
///
/// `requireClientCertificate`: mutual TLS — a client must present a certificate signed by `caFile`;
/// `clientCertificate` is one, `otherCAClientCertificate` one from another CA. `maxTLS12`: the server
/// speaks TLS 1.2 at most.
struct HTTPSUpstream {
    let directory: String
    let port: Int
    let pid: Int32
    var caFile: String { directory + "/ca.pem" }
    var clientCertificate: UpstreamClientCertificate {
        UpstreamClientCertificate(certFile: directory + "/client.pem", keyFile: directory + "/client.key")
    }
    var otherCAClientCertificate: UpstreamClientCertificate {
        UpstreamClientCertificate(certFile: directory + "/other-client.pem", keyFile: directory + "/other-client.key")
    }

    static func start(serverName: String = "localhost", requireClientCertificate: Bool = false,
                      maxTLS12: Bool = false) throws(TestSupportError) -> HTTPSUpstream {
        let here = #filePath
        let script = String(here[..<here.lastIndex(of: "/")!]) + "/https-upstream.py"
        let directory = "/tmp/jwtgate-https-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        guard mkdir(directory, 0o700) == 0 else { throw TestSupportError("cannot create \(directory)") }
        var command = ["python3", script, directory, serverName]
        if requireClientCertificate { command.append("--require-client-cert") }
        if maxTLS12 { command += ["--max-tls", "1.2"] }
        let pid = try TestCommand.startInBackground(command, log: directory + "/log")
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
