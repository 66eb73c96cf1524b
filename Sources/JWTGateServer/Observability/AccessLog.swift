import JWTGateCore
import Logging
import Synchronization

/// One line per finished request. The path is logged without its query (queries can carry
/// secrets); Authorization and cookies are never logged.
///
/// `serve` installs an `AccessLogSink` (`bootstrap`): lines are formatted straight into its bounded
/// buffer and written in batches off the request threads. Without one (tests, embedding), lines go
/// through swift-log as before.
public enum AccessLog {
    public enum Format: Sendable { case text, json }

    private struct Installed: Sendable {
        let sink: AccessLogSink
        let format: Format
    }

    private static let installed = Mutex<Installed?>(nil)

    /// Sends access-log lines to `sink` from now on (process-wide, like `LoggingSystem.bootstrap`).
    public static func bootstrap(_ sink: AccessLogSink, format: Format) {
        installed.withLock { $0 = Installed(sink: sink, format: format) }
    }

    /// Lines the installed sink had to drop because its buffer was full.
    public static var droppedLines: Int { installed.withLock { $0?.sink.droppedLines } ?? 0 }

    /// Flushes the installed sink and reopens its file (logrotate: SIGHUP, SIGUSR1).
    public static func reopen() throws(AccessLogError) {
        guard let sink = installed.withLock({ $0?.sink }) else { return }
        try sink.reopen()
    }

    /// Writes what the installed sink holds (drain).
    public static func flush() { installed.withLock { $0?.sink }?.flush() }

    static func record(logger: Logger, enabled: Bool, method: String, target: String, status: Int, nanoseconds: UInt64,
                       userID: String?, traceID: @autoclosure () -> String) {
        // Lines are at info level: `logging.level: warning` silences them on either path.
        guard enabled, logger.logLevel <= .info else { return }
        // Cut at the first `?` code point: Swift's `Character` view would read `?` followed by a combining
        // mark (U+0301) as one grapheme, find no `?`, and log the query.
        let scalars = target.unicodeScalars
        let path = scalars.firstIndex(of: "?").map { Substring(scalars[..<$0]) } ?? Substring(target)
        let traceID = traceID()
        if let installed = installed.withLock({ $0 }) {
            write(to: installed.sink, format: installed.format, method: method, path: path, status: status,
                  nanoseconds: nanoseconds, userID: userID, traceID: traceID)
            return
        }
        var metadata: Logger.Metadata = [
            "http.method": "\(method)",
            "http.path": "\(path)",
            "http.status": "\(status)",
            "duration.ms": "\(Double(nanoseconds / 1000) / 1000)",
        ]
        if let userID { metadata["user.id"] = "\(userID)" }
        metadata["trace.id"] = "\(traceID)"
        logger.info("request", metadata: metadata)
    }

    /// The line itself: text `2026-12-06T08:00:00.123Z info request http.method=GET http.path=/x
    /// http.status=200 duration.ms=0.412 user.id=1 trace.id=4bf92f3577b34da6a3ce929d0e0e4736`, or one JSON object in the shape of the JSON log
    /// handler's lines. Client-controlled text (the path) is escaped so a line stays one line.
    public static func write(to sink: AccessLogSink, format: Format, method: String, path: Substring, status: Int,
                             nanoseconds: UInt64, userID: String?, traceID: String) {
        let micros = Int(nanoseconds / 1000)
        let now = GatewayClock.wallClock()
        let subsecond = now.nanoseconds / 1_000_000
        sink.append(second: now.seconds) { out, stamp in
            let json = format == .json
            if json {
                out.append(contentsOf: "{\"ts\":".utf8)
                out.append(contentsOf: String(now.seconds).utf8)
                out.append(contentsOf: ",\"time\":\"".utf8)
            }
            out.append(contentsOf: stamp)
            out.append(UInt8(ascii: "."))
            appendPadded(subsecond, width: 3, to: &out)
            out.append(contentsOf: json ? "Z\",\"level\":\"info\",\"logger\":\"jwtgate\",\"msg\":\"request\"".utf8
                                        : "Z info request".utf8)
            appendField("http.method", method, json: json, to: &out)
            appendField("http.path", path, json: json, to: &out)
            openField("http.status", json: json, to: &out)
            out.append(contentsOf: String(status).utf8)
            closeField(json: json, to: &out)
            openField("duration.ms", json: json, to: &out)
            appendMillis(micros, to: &out)
            closeField(json: json, to: &out)
            if let userID { appendField("user.id", userID, json: json, to: &out) }
            appendField("trace.id", traceID, json: json, to: &out)
            if json { out.append(UInt8(ascii: "}")) }
            out.append(UInt8(ascii: "\n"))
        }
    }

    /// One `key=value` (text) or `,"key":"value"` (JSON, every value a string as the JSON log handler
    /// writes them), the value escaped for its format.
    private static func appendField(_ name: StaticString, _ value: some StringProtocol, json: Bool, to out: inout [UInt8]) {
        openField(name, json: json, to: &out)
        appendEscaped(value, quoteForJSON: json, to: &out)
        closeField(json: json, to: &out)
    }

    private static func openField(_ name: StaticString, json: Bool, to out: inout [UInt8]) {
        out.append(contentsOf: json ? ",\"".utf8 : " ".utf8)
        out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        out.append(contentsOf: json ? "\":\"".utf8 : "=".utf8)
    }

    private static func closeField(json: Bool, to out: inout [UInt8]) {
        if json { out.append(UInt8(ascii: "\"")) }
    }

    /// Microseconds as milliseconds with three decimals ("0.412").
    private static func appendMillis(_ micros: Int, to out: inout [UInt8]) {
        out.append(contentsOf: String(micros / 1000).utf8)
        out.append(UInt8(ascii: "."))
        appendPadded(micros % 1000, width: 3, to: &out)
    }

    private static func appendPadded(_ value: Int, width: Int, to out: inout [UInt8]) {
        let digits = Array(String(value).utf8)
        if digits.count < width { out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width - digits.count)) }
        out.append(contentsOf: digits)
    }

    /// Bytes below 0x20, DEL, `"` and `\` become `\u00XX` (JSON) or `\xXX` (text); text also escapes
    /// spaces, so `key=value` pairs stay split on spaces.
    static func appendEscaped(_ text: some StringProtocol, quoteForJSON: Bool, to out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        for byte in text.utf8 {
            let special = byte < 0x20 || byte == 0x7F || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
                || (!quoteForJSON && byte == UInt8(ascii: " "))
            guard special else { out.append(byte); continue }
            if quoteForJSON {
                out.append(contentsOf: "\\u00".utf8)
            } else {
                out.append(contentsOf: "\\x".utf8)
            }
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0xF)])
        }
    }
}
