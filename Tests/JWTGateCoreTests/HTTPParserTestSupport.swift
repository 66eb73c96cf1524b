@testable import JWTGateCore

/// Shorthands for the parser tests: requests are written as Strings (`\r\n` visible), parsed whole.
enum ParserCheck {
    enum Verdict: Equatable, CustomStringConvertible {
        case accepted(BodyFraming)
        case refused(HTTPParseError, status: Int)
        case needMore

        var description: String {
            switch self {
            case .accepted(let framing): "accepted \(framing)"
            case .refused(let error, let status): "refused \(status) (\(error))"
            case .needMore: "needs more"
            }
        }
    }

    static func parse(_ raw: String, limits: HTTPParseLimits = HTTPParseLimits()) -> HTTPParseResult {
        var parser = HTTPRequestParser(limits: limits)
        return parser.parse(Array(raw.utf8)[...])
    }

    static func verdict(_ raw: String, limits: HTTPParseLimits = HTTPParseLimits()) -> Verdict {
        switch parse(raw, limits: limits) {
        case .head(_, let framing, _): .accepted(framing)
        case .refuse(let error): .refused(error, status: error.status)
        case .needMore: .needMore
        }
    }

    static func head(_ raw: String, limits: HTTPParseLimits = HTTPParseLimits()) -> RequestHead? {
        if case .head(let head, _, _) = parse(raw, limits: limits) { return head }
        return nil
    }

    /// The transcript of a connection that receives `raw` in one read.
    static func transcript(_ raw: [UInt8], arrivals: [Int]? = nil,
                           limits: HTTPParseLimits = HTTPParseLimits()) -> [HTTPExchangeTranscript.Event] {
        raw.withUnsafeBytes { HTTPExchangeTranscript.record($0, arrivals: arrivals ?? [raw.count], limits: limits) }
    }

    static func request(_ lines: String...) -> String {
        lines.map { $0 + "\r\n" }.joined() + "\r\n"
    }
}
