/// Where a proxied request's token comes from: `JSONWebTokenAuthentication.get_jwt_value`
/// (spec §6.1), byte for byte.
public struct CredentialExtractor: Sendable {
    public enum Result: Sendable, Equatable {
        /// No credentials: the request is anonymous (not an error by itself).
        case none
        /// A malformed Authorization header: 401 with this detail.
        case failure(String)
        case token([UInt8])
    }

    public static let noCredentialsProvided = "Invalid Authorization header. No credentials provided."
    public static let containsSpaces = "Invalid Authorization header. Credentials string should not contain spaces."

    private let prefixLowercased: [UInt8]
    public let cookieName: String?

    public init(prefix: String, cookieName: String?) {
        prefixLowercased = Array(prefix.lowercased().utf8)
        self.cookieName = cookieName
    }

    /// `authorization`: the header's bytes (nil when absent); `cookieHeader`: the Cookie header(s).
    public func extract(authorization: some Collection<UInt8>, cookieHeader: String?) -> Result {
        // bytes.split(): runs of ASCII whitespace separate parts; leading/trailing ones are ignored.
        var parts: [ArraySlice<UInt8>] = []
        let bytes = Array(authorization)
        var start: Int?
        for (i, b) in bytes.enumerated() {
            if Self.isASCIIWhitespace(b) {
                if let s = start { parts.append(bytes[s..<i]); start = nil }
            } else if start == nil {
                start = i
            }
        }
        if let s = start { parts.append(bytes[s...]) }

        guard let first = parts.first else {
            // Header absent or blank: only then is the cookie consulted (even an empty value is "a token").
            guard let cookieName, let cookieHeader,
                  let value = DjangoCookies.value(named: cookieName, in: cookieHeader) else { return .none }
            return .token(Array(value.utf8))
        }
        guard first.count == prefixLowercased.count,
              zip(first, prefixLowercased).allSatisfy({ Self.asciiLower($0) == $1 }) else {
            return .none  // another scheme is someone else's business, and it disables the cookie
        }
        if parts.count == 1 { return .failure(Self.noCredentialsProvided) }
        if parts.count > 2 { return .failure(Self.containsSpaces) }
        return .token(Array(parts[1]))
    }

    public func extract(authorization: String?, cookieHeader: String?) -> Result {
        extract(authorization: Array((authorization ?? "").utf8), cookieHeader: cookieHeader)
    }

    @inline(__always) static func isASCIIWhitespace(_ b: UInt8) -> Bool {
        b == 0x20 || (b >= 0x09 && b <= 0x0D)
    }

    @inline(__always) static func asciiLower(_ b: UInt8) -> UInt8 {
        b >= 0x41 && b <= 0x5A ? b | 0x20 : b
    }
}
