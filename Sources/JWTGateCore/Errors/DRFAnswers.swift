/// Every answer jwtgate writes itself, in DRF's shapes: `{"detail": …}`, `{"non_field_errors": […]}`,
/// field-error dicts, `WWW-Authenticate`, `Allow`. Errors become HTTP answers here and nowhere else.
public struct DRFAnswers: Sendable {
    public let headerPrefix: String
    public let cookieName: String?
    public let expirationDelta: Int64
    public let responseFields: [ResponseField]

    public init(jwt: JWTConfig) {
        headerPrefix = jwt.authHeaderPrefix
        cookieName = jwt.authCookie
        expirationDelta = jwt.expirationDelta
        responseFields = jwt.responseFields
    }

    /// What a stock Django project's SecurityMiddleware adds to the views' answers.
    static let securityHeaders: [(name: String, value: String)] = [
        ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "same-origin"),
    ]
    static let tokenViewHeaders: [(name: String, value: String)] = [("Vary", "Accept"), ("Allow", "POST, OPTIONS")]

    public static func json(_ status: Int, _ value: JSONValue, headers: [(name: String, value: String)] = [],
                            close: Bool = false) -> GatewayAnswer {
        var all: [(name: String, value: String)] = [("Content-Type", "application/json")]
        all.append(contentsOf: headers)
        all.append(contentsOf: securityHeaders)
        return GatewayAnswer(status: status, headers: all, body: PythonJSON.serialize(value, ensureASCII: false),
                             closeConnection: close)
    }

    public static func detail(_ status: Int, _ message: String, headers: [(name: String, value: String)] = [],
                              close: Bool = false) -> GatewayAnswer {
        json(status, .object(JSONObject([("detail", .string(message))])), headers: headers, close: close)
    }

    // MARK: token views

    /// `secureCookie`: the request came over TLS and `jwt.auth_cookie_secure` is on (Morsel's sorted
    /// attributes put `Secure` last).
    public func tokenIssued(_ issued: IssuedToken, now: Int64, secureCookie: Bool = false) -> GatewayAnswer {
        var body = JSONObject()
        for field in responseFields {
            switch field {
            case .token: body["token"] = .string(issued.token)
            case .user_id:
                switch issued.user.id {
                case .integer(let id): body["user_id"] = .integer(id)
                case .uuid(let id): body["user_id"] = .string(id)
                }
            case .username: body["username"] = .string(issued.user.username)
            case .email: body["email"] = issued.user.email.map(JSONValue.string) ?? .null
            case .exp: body["exp"] = issued.payload["exp"] ?? .null
            }
        }
        var headers = Self.tokenViewHeaders
        if let cookieName {
            // Django 3.2 set_cookie(expires=utcnow()+delta, httponly=True): attributes sorted as Python's Morsel does.
            headers.append(("Set-Cookie", "\(cookieName)=\(issued.token); expires=\(HTTPDate.format(unixSeconds: now + expirationDelta)); HttpOnly; Max-Age=\(expirationDelta); Path=/\(secureCookie ? "; Secure" : "")"))
        }
        return Self.json(200, .object(body), headers: headers)
    }

    public func tokenViewFailed(_ failure: TokenViewFailure) -> GatewayAnswer {
        switch failure {
        case .nonField(let message):
            return Self.json(400, .object(JSONObject([("non_field_errors", .array([.string(message)]))])),
                             headers: Self.tokenViewHeaders)
        case .input(let error):
            return inputError(error)
        case .storeUnavailable:
            return Self.detail(503, "User store unavailable.", headers: Self.tokenViewHeaders + [("Retry-After", "1")])
        case .cannotSign:
            return Self.detail(503, "Token signing is not configured.", headers: Self.tokenViewHeaders)
        case .busy:
            return Self.detail(429, "Request was throttled. Expected available in 1 second.",
                               headers: Self.tokenViewHeaders + [("Retry-After", "1")])
        }
    }

    /// DRF's 429 for a throttled view, with `Retry-After`.
    public static func throttled(wait: Double) -> GatewayAnswer {
        let (message, retryAfter) = RateThrottle.message(wait: wait)
        return detail(429, message, headers: tokenViewHeaders + [("Retry-After", String(retryAfter))])
    }

    public func inputError(_ error: DRFInputError) -> GatewayAnswer {
        switch error {
        case .unsupportedMediaType(let mediaType):
            return Self.detail(415, "Unsupported media type \"\(mediaType)\" in request.", headers: Self.tokenViewHeaders)
        case .parseError(let message):
            return Self.detail(400, message, headers: Self.tokenViewHeaders)
        case .nonFieldErrors(let messages):
            return Self.json(400, .object(JSONObject([("non_field_errors", .array(messages.map(JSONValue.string)))])),
                             headers: Self.tokenViewHeaders)
        case .fieldErrors(let fields):
            let object = JSONObject(fields.map { ($0.field, JSONValue.array($0.messages.map(JSONValue.string))) })
            return Self.json(400, .object(object), headers: Self.tokenViewHeaders)
        }
    }

    /// Any method other than POST/OPTIONS on a token view; HEAD gets the status without a body.
    public static func tokenViewMethodNotAllowed(_ method: String) -> GatewayAnswer {
        var answer = detail(405, "Method \"\(method)\" not allowed.", headers: tokenViewHeaders)
        if method == "HEAD" { answer.body = [] }
        return answer
    }

    public static func tokenViewOptions(_ metadata: JSONValue) -> GatewayAnswer {
        json(200, metadata, headers: tokenViewHeaders)
    }

    // MARK: proxied requests

    public func authenticationFailed(_ message: String) -> GatewayAnswer {
        Self.detail(401, message, headers: [("WWW-Authenticate", "\(headerPrefix) realm=\"api\"")])
    }

    public static let notFound = detail(404, "Not found.")
    /// A route's client-certificate requirement not met: DRF's `PermissionDenied` text, as a view whose
    /// permission class refused the caller would answer.
    public static let permissionDenied = detail(403, "You do not have permission to perform this action.")
    public static func routeMethodNotAllowed(_ method: String, allowed: [String]) -> GatewayAnswer {
        detail(405, "Method \"\(method)\" not allowed.", headers: [("Allow", allowed.joined(separator: ", "))])
    }
    public static let badGateway = detail(502, "Bad gateway.")
    public static let gatewayTimeout = detail(504, "Gateway timeout.")
    public static let storeUnavailable = detail(503, "User store unavailable.", headers: [("Retry-After", "1")])
    /// `server.max_transfers_per_client` reached: 503 with `Retry-After`, as nginx's `limit_conn` answers
    /// (a 429 would tell the client its rate is wrong; it is its concurrency). The connection stays usable.
    public static let tooManyTransfers = detail(503, "Too many concurrent requests from this client.", headers: [("Retry-After", "1")])
    public static func badRequest(_ message: String) -> GatewayAnswer { detail(400, message, close: true) }
    public static let payloadTooLarge = detail(413, "Request body too large.", close: true)
    public static let headersTooLarge = detail(431, "Request header fields too large.", close: true)
    public static let requestTimeout = detail(408, "Request timeout.", close: true)
    public static let shuttingDown = detail(503, "Shutting down.", headers: [("Retry-After", "1")], close: true)
}
