/// The headers that tell the upstream who the caller is. Only the gateway may set them, so a client copy
/// is removed in every spelling that any upstream stack could read as the same name.
public enum IdentityHeaders {
    public static let userID = "X-Auth-User-Id"
    public static let username = "X-Auth-Username"
    public static let email = "X-Auth-Email"
    /// The subject of the client certificate a TLS listener verified (`verify_client`), RFC 2253.
    public static let clientSubject = "X-Auth-Client-Subject"

    static func isIdentityVariant(_ name: String) -> Bool {
        HeaderName.normalizedEquals(name, "x-auth-user-id")
            || HeaderName.normalizedEquals(name, "x-auth-username")
            || HeaderName.normalizedEquals(name, "x-auth-email")
            || HeaderName.normalizedEquals(name, "x-auth-client-subject")
    }
}
