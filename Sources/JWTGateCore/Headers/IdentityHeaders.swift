/// The headers that tell the upstream who the caller is. Only the gateway may set them, so a client copy
/// is removed in every spelling that any upstream stack could read as the same name.
public enum IdentityHeaders {
    public static let userID = "X-Auth-User-Id"
    public static let username = "X-Auth-Username"
    public static let email = "X-Auth-Email"

    static func isIdentityVariant(_ name: String) -> Bool {
        HeaderName.normalizedEquals(name, "x-auth-user-id")
            || HeaderName.normalizedEquals(name, "x-auth-username")
            || HeaderName.normalizedEquals(name, "x-auth-email")
    }
}
