/// The default `JWT_PAYLOAD_HANDLER` (spec §2.1): claims in insertion order user_id, username, exp,
/// email, <USERNAME_FIELD>, orig_iat, aud, iss.
public struct PayloadBuilder: Sendable {
    public var expirationDelta: Int64
    public var allowRefresh: Bool
    public var audience: AudienceSetting?
    public var issuer: String?
    public var usernameField: String

    public init(config: JWTConfig, usernameField: String) {
        expirationDelta = config.expirationDelta
        allowRefresh = config.allowRefresh
        audience = config.audience
        issuer = config.issuer
        self.usernameField = usernameField
    }

    public func payload(for user: UserRecord, now: Int64) -> JSONObject {
        var payload = JSONObject()
        switch user.id {
        case .integer(let id): payload["user_id"] = .integer(id)
        case .uuid(let id): payload["user_id"] = .string(id)
        }
        payload["username"] = .string(user.username)
        payload["exp"] = .integer(now &+ expirationDelta)
        if let email = user.email { payload["email"] = .string(email) }
        // `username`/`email` are overwritten in place; any other USERNAME_FIELD is appended here.
        payload[usernameField] = .string(user.username)
        if allowRefresh { payload["orig_iat"] = .integer(now) }
        switch audience {
        case .single(let value)?: payload["aud"] = .string(value)
        case .list(let values)?: payload["aud"] = .array(values.map(JSONValue.string))
        case nil: break
        }
        if let issuer { payload["iss"] = .string(issuer) }
        return payload
    }
}
