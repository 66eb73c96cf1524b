import JWTGateCore

/// Every way jwtgate's parser deliberately differs from llhttp as SwiftNIO configures it (llhttp 9.3,
/// no lenient flags), with the reason. The differential tests assert each row on its examples and
/// require every disagreement in the generated corpus to be explained by a row — nothing is skipped.
///
/// | row | we | llhttp | why |
/// |---|---|---|---|
/// | hostRequired | 400 without Host, or with two | accepts | RFC 9112 §3.2 MUST; the route and the upstream must agree on one authority |
/// | hostSyntax | 400 unless host[:port] | accepts anything | RFC 9112 §3.2 MUST; a Host like `a/b` or `a@b` is how virtual-host confusion starts |
/// | transferEncodingInHTTP10 | 400 | reads chunked | RFC 9112 §6.1: a 1.0 recipient may not know chunked; an intermediary must not guess |
/// | unimplementedCoding | 501 for `gzip, chunked` | de-chunks, ignores gzip | RFC 9112 §6.1; forwarding a body we cannot decode would misrepresent it |
/// | emptyTransferEncoding | 400 | treats as absent | an empty framing field is either an attack or a bug (HAProxy CVE-2023-40225's lesson for CL) |
/// | singleSpaces | 400 for `GET  /` or `/  HTTP/1.1` | accepts runs of spaces | RFC 9112 §3 grammar; whitespace-word parsing is where parsers split targets differently |
/// | bareLineFeedBeforeRequestLine | 400 | skips it | bare LF is refused everywhere in the head; only full CRLF empty lines are skipped |
/// | asteriskOnlyWithOptions | 400 for `GET *` | accepts | RFC 9112 §3.2.4 |
/// | extensionMethods | accepts any token (`FOO`, `get`) | refuses methods not in its list | RFC 9110 §9.1: methods are tokens; the gateway answers 405 itself |
/// | codingWithTrailingTab | accepts `chunked\t` | refuses a HTAB after `chunked` (a trailing SP it accepts) | RFC 9110 §5.5 excludes trailing OWS, HTAB included; the gateway rebuilds framing toward the upstream, so no one downstream reads the raw value |
/// | trailingWhitespaceInValues | trims | keeps it in the value | RFC 9110 §5.5 (compared after trimming llhttp's values; nothing else may differ) |
/// | dataAfterClose | reads nothing after a request that is not keep-alive | refuses bytes there | the connection answers and closes; the bytes are never parsed (compared up to that message) |
/// | upgradeHandover | keeps parsing | stops after CONNECT / Upgrade | llhttp hands the connection over; the gateway refuses both (compared up to that message) |
enum LLHTTPDivergence: CaseIterable, CustomStringConvertible {
    case hostRequired, hostSyntax, transferEncodingInHTTP10, unimplementedCoding, emptyTransferEncoding
    case singleSpaces, bareLineFeedBeforeRequestLine, asteriskOnlyWithOptions, extensionMethods
    case codingWithTrailingTab, trailingWhitespaceInValues, dataAfterClose, upgradeHandover

    var description: String {
        switch self {
        case .hostRequired: "hostRequired"
        case .hostSyntax: "hostSyntax"
        case .transferEncodingInHTTP10: "transferEncodingInHTTP10"
        case .unimplementedCoding: "unimplementedCoding"
        case .emptyTransferEncoding: "emptyTransferEncoding"
        case .singleSpaces: "singleSpaces"
        case .bareLineFeedBeforeRequestLine: "bareLineFeedBeforeRequestLine"
        case .asteriskOnlyWithOptions: "asteriskOnlyWithOptions"
        case .extensionMethods: "extensionMethods"
        case .codingWithTrailingTab: "codingWithTrailingTab"
        case .trailingWhitespaceInValues: "trailingWhitespaceInValues"
        case .dataAfterClose: "dataAfterClose"
        case .upgradeHandover: "upgradeHandover"
        }
    }

    var examples: [String] {
        switch self {
        case .hostRequired:
            ["GET / HTTP/1.1\r\n\r\n", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n"]
        case .hostSyntax:
            ["GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", "GET / HTTP/1.1\r\nHost: a@b\r\n\r\n", "GET / HTTP/1.1\r\nHost: a:99999\r\n\r\n",
             "GET / HTTP/1.1\r\nHost:\r\n\r\n", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n"]
        case .transferEncodingInHTTP10:
            ["POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"]
        case .unimplementedCoding:
            ["POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
             "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity, chunked\r\n\r\n0\r\n\r\n"]
        case .emptyTransferEncoding:
            ["POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n\r\n",
             "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \r\nContent-Length: 1\r\n\r\nx"]
        case .singleSpaces:
            ["GET  / HTTP/1.1\r\nHost: a\r\n\r\n", "GET /  HTTP/1.1\r\nHost: a\r\n\r\n"]
        case .bareLineFeedBeforeRequestLine:
            ["\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", "\r\n\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"]
        case .asteriskOnlyWithOptions:
            ["GET * HTTP/1.1\r\nHost: a\r\n\r\n"]
        case .extensionMethods:
            ["FOO / HTTP/1.1\r\nHost: a\r\n\r\n", "get / HTTP/1.1\r\nHost: a\r\n\r\n"]
        case .codingWithTrailingTab:
            ["POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked \t\r\n\r\n0\r\n\r\n",
             "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\t\r\n\r\n0\r\n\r\n"]
        case .trailingWhitespaceInValues:
            ["GET / HTTP/1.1\r\nHost: a \t\r\nX: b  \r\n\r\n"]
        case .dataAfterClose:
            ["GET / HTTP/1.0\r\n\r\nGET / HTTP/1.0\r\n\r\n",
             "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"]
        case .upgradeHandover:
            ["CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\nGET / HTTP/1.1\r\n\r\n",
             "GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nGET /x HTTP/1.1\r\n\r\n"]
        }
    }

    /// The verdict the comparison gives on an example of this row.
    func expected(for example: String) -> Differential.Verdict {
        switch self {
        case .hostRequired: example.contains("Host: b") || example.contains("Host: a\r\nHost") ? .weRefuse(.duplicateHost) : .weRefuse(.missingHost)
        case .hostSyntax: .weRefuse(.invalidHost)
        case .transferEncodingInHTTP10: .weRefuse(.transferEncodingInHTTP10)
        case .unimplementedCoding: .weRefuse(.unsupportedTransferCoding)
        case .emptyTransferEncoding:
            example.contains("Content-Length") ? .weRefuse(.contentLengthWithTransferEncoding) : .weRefuse(.chunkedNotFinal)
        case .singleSpaces: example.hasPrefix("GET  ") ? .weRefuse(.invalidTarget) : .weRefuse(.invalidVersion)
        case .bareLineFeedBeforeRequestLine: .weRefuse(.bareLineFeed)
        case .asteriskOnlyWithOptions: .weRefuse(.targetFormNotAllowed)
        case .extensionMethods, .codingWithTrailingTab: .llhttpRefuses
        case .trailingWhitespaceInValues, .upgradeHandover: .agree
        case .dataAfterClose: .bothStopAfterClose
        }
    }

    /// Whether this row accounts for a disagreement seen on `bytes`: the verdict must be the row's, and
    /// the bytes must show the row's cause.
    func explains(_ verdict: Differential.Verdict, _ bytes: [UInt8]) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        let lower = text.lowercased()
        switch (self, verdict) {
        case (.hostRequired, .weRefuse(let error)): return error == .missingHost || error == .duplicateHost
        case (.hostSyntax, .weRefuse(let error)): return error == .invalidHost
        case (.transferEncodingInHTTP10, .weRefuse(let error)):
            return error == .transferEncodingInHTTP10 && lower.contains("http/1.0\r\n")
        case (.unimplementedCoding, .weRefuse(let error)): return error == .unsupportedTransferCoding
        case (.emptyTransferEncoding, .weRefuse(let error)):
            return (error == .chunkedNotFinal || error == .contentLengthWithTransferEncoding)
                && Self.hasEmptyTransferEncoding(lower)
        case (.singleSpaces, .weRefuse(let error)):
            let requestLine = text.split(separator: "\r\n", maxSplits: 1).first ?? ""
            return (error == .invalidTarget || error == .invalidVersion) && requestLine.contains("  ")
        case (.bareLineFeedBeforeRequestLine, .weRefuse(let error)):
            return error == .bareLineFeed && text.drop { $0 == "\r\n" }.hasPrefix("\n")
        case (.asteriskOnlyWithOptions, .weRefuse(let error)):
            return error == .targetFormNotAllowed && text.contains(" * HTTP/")
        case (.extensionMethods, .llhttpRefuses):
            return LLHTTPReference.ours(bytes).messages.contains { !Self.llhttpMethods.contains($0.method) }
        case (.codingWithTrailingTab, .llhttpRefuses):
            return lower.components(separatedBy: "chunked").dropFirst().contains { after in
                after.prefix { $0 == " " || $0 == "\t" }.contains("\t")
            }
        case (.dataAfterClose, .bothStopAfterClose):
            return true
        default:
            return false
        }
    }

    private static func hasEmptyTransferEncoding(_ lower: String) -> Bool {
        lower.components(separatedBy: "\r\n").contains { line in
            line.hasPrefix("transfer-encoding:") && line.dropFirst(18).allSatisfy { $0 == " " || $0 == "\t" }
        }
    }

    /// llhttp's HTTP method list (llhttp.h, HTTP_METHOD_MAP), the only methods it accepts.
    static let llhttpMethods: Set<String> = [
        "DELETE", "GET", "HEAD", "POST", "PUT", "CONNECT", "OPTIONS", "TRACE", "COPY", "LOCK", "MKCOL", "MOVE",
        "PROPFIND", "PROPPATCH", "SEARCH", "UNLOCK", "BIND", "REBIND", "UNBIND", "ACL", "REPORT", "MKACTIVITY",
        "CHECKOUT", "MERGE", "M-SEARCH", "NOTIFY", "SUBSCRIBE", "UNSUBSCRIBE", "PATCH", "PURGE", "MKCALENDAR",
        "LINK", "UNLINK", "SOURCE", "QUERY",
    ]
}
