import CJWTGateCurl
import CJWTGateCurlShims

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Process-wide libcurl set-up, done once before the first driver thread starts.
enum CurlGlobal {
    /// `curl_global_init(CURL_GLOBAL_ALL)` once per process (Swift runs a `static let` initialiser
    /// exactly once, thread-safely), plus ignoring SIGPIPE: every easy handle sets CURLOPT_NOSIGNAL,
    /// and with it libcurl no longer shields the process from SIGPIPE on a peer's reset.
    private static let initResult: Int = {
        _ = signal(SIGPIPE, SIG_IGN)
        return Int(curl_global_init(jwtgate_curl_global_all()).rawValue)
    }()

    /// Initialises libcurl if needed; throws when `curl_global_init` failed.
    static func ensureInitialised() throws(UpstreamClientError) {
        let code = Self.initResult
        if code != 0 { throw UpstreamClientError(message: "curl_global_init failed (curl code \(code))") }
    }

    /// libcurl's version string, for the start-up log line.
    static var version: String {
        guard let text = curl_version() else { return "unknown" }
        return String(cString: text)
    }
}

/// The client could not start (libcurl could not be initialised, or the driver thread not created).
public struct UpstreamClientError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { self.message }
}
