import JWTGateCore
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// One JSON object per line on standard error (`logging.format: json`), for log shippers.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let level = event.level
        let message = event.message
        let explicit = event.metadata
        var object = JSONObject()
        object["ts"] = .integer(Int64(time(nil)))
        object["level"] = .string(level.rawValue)
        object["logger"] = .string(label)
        object["msg"] = .string(message.description)
        for (key, value) in metadata.merging(explicit ?? [:], uniquingKeysWith: { $1 }) {
            object[key] = .string(value.description)
        }
        var line = PythonJSON.serialize(.object(object), ensureASCII: false)
        line.append(UInt8(ascii: "\n"))
        writeToStandardError(&line)
    }
}
