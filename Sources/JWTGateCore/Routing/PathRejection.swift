/// Why a request target was refused before routing. The server answers every one of them with 400.
public struct PathRejection: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case empty, notOriginForm, asteriskForm, fragment, tooLong
        case encodedSlash, encodedBackslash, backslash
        case nulByte, encodedNUL, controlCharacter, encodedControlCharacter
        case invalidPercentEncoding, climbsAboveRoot, dotSegmentWithParameters
        case invalidAuthority, invalidQuery, semicolonInPath
    }

    private let code: Code
    private init(_ code: Code) { self.code = code }

    public static let empty = PathRejection(.empty)
    /// Neither `/path` nor `http(s)://authority/path`.
    public static let notOriginForm = PathRejection(.notOriginForm)
    /// `*` (only meaningful for `OPTIONS *`); the server may answer that itself.
    public static let asteriskForm = PathRejection(.asteriskForm)
    public static let fragment = PathRejection(.fragment)
    public static let tooLong = PathRejection(.tooLong)
    public static let encodedSlash = PathRejection(.encodedSlash)
    public static let encodedBackslash = PathRejection(.encodedBackslash)
    public static let backslash = PathRejection(.backslash)
    public static let nulByte = PathRejection(.nulByte)
    public static let encodedNUL = PathRejection(.encodedNUL)
    public static let controlCharacter = PathRejection(.controlCharacter)
    public static let encodedControlCharacter = PathRejection(.encodedControlCharacter)
    public static let invalidPercentEncoding = PathRejection(.invalidPercentEncoding)
    public static let climbsAboveRoot = PathRejection(.climbsAboveRoot)
    /// `..;x` / `.;x`: a dot-segment carrying Tomcat-style matrix parameters.
    public static let dotSegmentWithParameters = PathRejection(.dotSegmentWithParameters)
    public static let invalidAuthority = PathRejection(.invalidAuthority)
    public static let invalidQuery = PathRejection(.invalidQuery)
    /// `;` anywhere in the path while routes.yaml says `path_variants.semicolon_params: reject`.
    public static let semicolonInPath = PathRejection(.semicolonInPath)

    public var description: String {
        switch code {
        case .empty: return "empty request target"
        case .notOriginForm: return "request target is not in origin form (/path) or absolute form"
        case .asteriskForm: return "asterisk-form request target (*)"
        case .fragment: return "request target contains a fragment (#)"
        case .tooLong: return "path longer than \(RequestTarget.maxPathBytes) bytes"
        case .encodedSlash: return "path contains an encoded slash (%2F)"
        case .encodedBackslash: return "path contains an encoded backslash (%5C)"
        case .backslash: return "path contains a backslash"
        case .nulByte: return "request target contains a NUL byte"
        case .encodedNUL: return "path contains an encoded NUL (%00)"
        case .controlCharacter: return "request target contains a control character"
        case .encodedControlCharacter: return "path contains an encoded control character"
        case .invalidPercentEncoding: return "invalid percent-escape in path"
        case .climbsAboveRoot: return "path climbs above the root with '..'"
        case .dotSegmentWithParameters: return "dot-segment with ';' parameters ('..;')"
        case .invalidAuthority: return "invalid authority in absolute-form request target"
        case .invalidQuery: return "query is not valid UTF-8"
        case .semicolonInPath: return "path contains ';' (path_variants.semicolon_params: reject)"
        }
    }
}
