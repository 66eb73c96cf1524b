/// Why a request was refused, and the status to answer before closing the connection. Equality is on the
/// reason, so tests can assert exactly which rule fired.
public struct HTTPParseError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case bareLineFeed, bareCarriageReturn, invalidMethod, invalidTarget, targetFormNotAllowed, targetTooLong
        case invalidVersion, unsupportedVersion, obsFold, whitespaceBeforeColon, invalidFieldName, invalidFieldValue
        case headTooLarge, tooManyFields
        case invalidContentLength, duplicateContentLength, contentLengthWithTransferEncoding, contentTooLarge
        case transferEncodingInHTTP10, chunkedNotFinal, unsupportedTransferCoding
        case missingHost, duplicateHost, invalidHost
        case invalidChunkSize, chunkLineTooLong, invalidChunkExtension, chunkDataNotTerminated
        case invalidTrailer, trailersTooLarge
    }

    private let code: Code

    private init(_ code: Code) { self.code = code }

    public static let bareLineFeed = Self(.bareLineFeed)
    public static let bareCarriageReturn = Self(.bareCarriageReturn)
    public static let invalidMethod = Self(.invalidMethod)
    public static let invalidTarget = Self(.invalidTarget)
    /// `*` without OPTIONS, authority-form without CONNECT, CONNECT without authority-form.
    public static let targetFormNotAllowed = Self(.targetFormNotAllowed)
    public static let targetTooLong = Self(.targetTooLong)
    public static let invalidVersion = Self(.invalidVersion)
    /// Well-formed `HTTP/x.y`, but neither 1.0 nor 1.1.
    public static let unsupportedVersion = Self(.unsupportedVersion)
    public static let obsFold = Self(.obsFold)
    public static let whitespaceBeforeColon = Self(.whitespaceBeforeColon)
    public static let invalidFieldName = Self(.invalidFieldName)
    public static let invalidFieldValue = Self(.invalidFieldValue)
    public static let headTooLarge = Self(.headTooLarge)
    public static let tooManyFields = Self(.tooManyFields)
    public static let invalidContentLength = Self(.invalidContentLength)
    public static let duplicateContentLength = Self(.duplicateContentLength)
    public static let contentLengthWithTransferEncoding = Self(.contentLengthWithTransferEncoding)
    public static let contentTooLarge = Self(.contentTooLarge)
    public static let transferEncodingInHTTP10 = Self(.transferEncodingInHTTP10)
    public static let chunkedNotFinal = Self(.chunkedNotFinal)
    public static let unsupportedTransferCoding = Self(.unsupportedTransferCoding)
    public static let missingHost = Self(.missingHost)
    public static let duplicateHost = Self(.duplicateHost)
    public static let invalidHost = Self(.invalidHost)
    public static let invalidChunkSize = Self(.invalidChunkSize)
    public static let chunkLineTooLong = Self(.chunkLineTooLong)
    public static let invalidChunkExtension = Self(.invalidChunkExtension)
    public static let chunkDataNotTerminated = Self(.chunkDataNotTerminated)
    public static let invalidTrailer = Self(.invalidTrailer)
    public static let trailersTooLarge = Self(.trailersTooLarge)

    /// The status to answer (the connection closes after it).
    public var status: Int {
        switch code {
        case .targetTooLong: 414
        case .headTooLarge, .tooManyFields, .trailersTooLarge: 431
        case .contentTooLarge: 413
        case .unsupportedTransferCoding: 501
        case .unsupportedVersion: 505
        default: 400
        }
    }

    public var description: String {
        switch code {
        case .bareLineFeed: "line feed without a carriage return"
        case .bareCarriageReturn: "carriage return not followed by a line feed"
        case .invalidMethod: "method is not a token followed by one space"
        case .invalidTarget: "request-target has a byte outside visible ASCII or is not followed by one space"
        case .targetFormNotAllowed: "request-target form does not match the method"
        case .targetTooLong: "request-target longer than the limit"
        case .invalidVersion: "version is not HTTP/<digit>.<digit> followed by CRLF"
        case .unsupportedVersion: "version other than HTTP/1.0 and HTTP/1.1"
        case .obsFold: "obsolete line folding"
        case .whitespaceBeforeColon: "whitespace between a field name and its colon"
        case .invalidFieldName: "field name is empty or not a token"
        case .invalidFieldValue: "control character in a field value"
        case .headTooLarge: "head larger than the limit"
        case .tooManyFields: "more field lines than the limit"
        case .invalidContentLength: "Content-Length is not a decimal number that fits"
        case .duplicateContentLength: "more than one Content-Length"
        case .contentLengthWithTransferEncoding: "both Content-Length and Transfer-Encoding"
        case .contentTooLarge: "Content-Length above the body limit"
        case .transferEncodingInHTTP10: "Transfer-Encoding in an HTTP/1.0 request"
        case .chunkedNotFinal: "Transfer-Encoding does not end with one chunked coding"
        case .unsupportedTransferCoding: "transfer coding other than chunked"
        case .missingHost: "HTTP/1.1 request without Host"
        case .duplicateHost: "more than one Host"
        case .invalidHost: "Host is not host[:port]"
        case .invalidChunkSize: "chunk size is not hexadecimal, overflows, or lacks its CRLF"
        case .chunkLineTooLong: "chunk-size line longer than the limit"
        case .invalidChunkExtension: "malformed chunk extension"
        case .chunkDataNotTerminated: "chunk data not followed by CRLF"
        case .invalidTrailer: "malformed trailer field"
        case .trailersTooLarge: "trailer section larger than the limit"
        }
    }
}
