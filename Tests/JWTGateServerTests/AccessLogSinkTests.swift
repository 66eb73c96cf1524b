import JWTGateCore
@testable import JWTGateServer
import Logging
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The access log's buffered sink: lines formatted into a bounded buffer, written in batches by a
/// writer thread, dropped and counted when the buffer is full, reopened for logrotate.
@Suite("The access log writes in batches, bounded, and reopens its file")
struct AccessLogSinkTests {
    static func temporaryPath() -> String {
        "/tmp/jwtgate-accesslog-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).log"
    }

    static func contents(_ path: String) -> String {
        TestCommand.run(["/bin/cat", path]).output
    }

    @Test("a text line and a JSON line, with the client's path escaped so a line stays one line")
    func formats() throws {
        let path = Self.temporaryPath()
        defer { unlink(path) }
        let sink = try AccessLogSink(destination: .file(path))
        AccessLog.write(to: sink, format: .text, method: "GET", path: "/a b\"c\n", status: 200,
                        nanoseconds: 1_234_567, userID: "42", traceID: "4bf92f3577b34da6a3ce929d0e0e4736")
        AccessLog.write(to: sink, format: .json, method: "POST", path: "/x\"y\u{7}", status: 401,
                        nanoseconds: 500, userID: nil, traceID: "0af7651916cd43dd8448eb211c80319c")
        sink.flush()
        let lines = Self.contents(path).split(separator: "\n", omittingEmptySubsequences: false)
        try #require(lines.count == 3, "two lines and the final newline: \(lines)")
        let text = String(lines[0])
        #expect(text.hasSuffix(#"Z info request http.method=GET http.path=/a\x20b\x22c\x0a http.status=200 duration.ms=1.234 user.id=42 trace.id=4bf92f3577b34da6a3ce929d0e0e4736"#),
                "\(text)")
        #expect(text.utf8.count > 24 && text.utf8[text.utf8.index(text.utf8.startIndex, offsetBy: 4)] == UInt8(ascii: "-"))
        let json = try #require(try PythonJSON.parse(Array(lines[1].utf8)).objectValue)
        #expect(json["msg"] == .string("request"))
        #expect(json["http.method"] == .string("POST"))
        #expect(json["http.path"] == .string("/x\"y\u{7}"))
        #expect(json["http.status"] == .string("401"))
        #expect(json["duration.ms"] == .string("0.000"))
        #expect(json["user.id"] == nil)
        #expect(json["trace.id"] == .string("0af7651916cd43dd8448eb211c80319c"))
    }

    @Test("a full buffer drops lines and counts them instead of growing")
    func bounded() throws {
        let path = Self.temporaryPath()
        defer { unlink(path) }
        let sink = try AccessLogSink(destination: .file(path), capacity: 4096)
        for i in 0..<1_000 {
            AccessLog.write(to: sink, format: .text, method: "GET", path: Substring("/item/\(i)"), status: 200,
                            nanoseconds: 1000, userID: nil, traceID: "0af7651916cd43dd8448eb211c80319c")
        }
        #expect(sink.droppedLines > 900)
        sink.flush()
        let written = Self.contents(path).split(separator: "\n").count
        #expect(written + sink.droppedLines == 1_000)
        #expect(Self.contents(path).utf8.count < 4096 + 200, "at most the capacity plus the line that crossed it")
    }

    @Test("the writer thread writes within its flush interval; stop flushes and refuses later lines")
    func writerThread() throws {
        let path = Self.temporaryPath()
        defer { unlink(path) }
        let sink = try AccessLogSink(destination: .file(path), flushInterval: .milliseconds(20))
        try sink.start()
        AccessLog.write(to: sink, format: .text, method: "GET", path: "/first", status: 200, nanoseconds: 1, userID: nil, traceID: "0af7651916cd43dd8448eb211c80319c")
        var waited = 0
        while !Self.contents(path).contains("/first") && waited < 200 {
            usleep(10_000)
            waited += 1
        }
        #expect(Self.contents(path).contains("/first"), "written by the writer, without a flush")
        AccessLog.write(to: sink, format: .text, method: "GET", path: "/second", status: 200, nanoseconds: 1, userID: nil, traceID: "0af7651916cd43dd8448eb211c80319c")
        sink.stop()
        #expect(Self.contents(path).contains("/second"), "stop flushed it")
        AccessLog.write(to: sink, format: .text, method: "GET", path: "/late", status: 200, nanoseconds: 1, userID: nil, traceID: "0af7651916cd43dd8448eb211c80319c")
        sink.flush()
        #expect(!Self.contents(path).contains("/late"))
        #expect(sink.droppedLines == 1)
    }

    @Test("after logrotate renames the file, reopen sends new lines to a new file at the path")
    func reopen() throws {
        let path = Self.temporaryPath()
        let rotated = path + ".1"
        defer { unlink(path); unlink(rotated) }
        let sink = try AccessLogSink(destination: .file(path))
        AccessLog.write(to: sink, format: .text, method: "GET", path: "/before", status: 200, nanoseconds: 1, userID: nil, traceID: "0af7651916cd43dd8448eb211c80319c")
        sink.flush()
        #expect(rename(path, rotated) == 0)
        AccessLog.write(to: sink, format: .text, method: "GET", path: "/between", status: 200, nanoseconds: 1, userID: nil, traceID: "0af7651916cd43dd8448eb211c80319c")
        try sink.reopen()
        AccessLog.write(to: sink, format: .text, method: "GET", path: "/after", status: 200, nanoseconds: 1, userID: nil, traceID: "0af7651916cd43dd8448eb211c80319c")
        sink.flush()
        let old = Self.contents(rotated)
        let new = Self.contents(path)
        #expect(old.contains("/before") && old.contains("/between"), "what was buffered before the reopen goes to the old file")
        #expect(new.contains("/after") && !new.contains("/before"))
    }

    @Test("an access log path that cannot be opened is an error naming it")
    func unopenable() {
        #expect(throws: AccessLogError.self) { _ = try AccessLogSink(destination: .file("/nonexistent-dir/x/access.log")) }
    }

    @Test("the logged path ends at the first `?` code point, a combining mark after it or not")
    func pathCutBeforeCombiningMark() {
        let lines = AccessLines()  // with `CapturingHandler`, in TraceContextProxyTests
        var logger = Logger(label: "access-test") { _ in CapturingHandler(lines: lines) }
        logger.logLevel = .info
        // `?` then U+0301 is one Swift Character: a grapheme split would find no `?` and log the query.
        AccessLog.record(logger: logger, enabled: true, method: "GET", target: "/api/x?\u{0301}token=secret", status: 200,
                         nanoseconds: 1000, userID: nil, traceID: "t")
        AccessLog.record(logger: logger, enabled: true, method: "GET", target: "/api/y?a=1", status: 200,
                         nanoseconds: 1000, userID: nil, traceID: "t")
        AccessLog.record(logger: logger, enabled: true, method: "GET", target: "/api/z", status: 200,
                         nanoseconds: 1000, userID: nil, traceID: "t")
        #expect(lines.all.map { $0["http.path"].map { "\($0)" } } == ["/api/x", "/api/y", "/api/z"])
    }
}

