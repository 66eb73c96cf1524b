import Logging

/// One info line per finished request. The path is logged without its query (queries can carry
/// secrets); Authorization and cookies are never logged.
enum AccessLog {
    static func record(logger: Logger, enabled: Bool, method: String, target: String, status: Int, nanoseconds: UInt64, userID: String?) {
        guard enabled, logger.logLevel <= .info else { return }
        let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        var metadata: Logger.Metadata = [
            "http.method": "\(method)",
            "http.path": "\(path)",
            "http.status": "\(status)",
            "duration.ms": "\(Double(nanoseconds / 1000) / 1000)",
        ]
        if let userID { metadata["user.id"] = "\(userID)" }
        logger.info("request", metadata: metadata)
    }
}
