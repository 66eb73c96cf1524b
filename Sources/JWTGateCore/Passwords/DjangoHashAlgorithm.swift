/// The password hashers Django has shipped, by the name that starts a stored hash (spec §7.1).
///
/// The two unsalted legacy forms have no name of their own in the stored value; Django recognises
/// them by length (`<32 hex>` or `md5$$<32 hex>`, and `sha1$$<40 hex>`).
public enum DjangoHashAlgorithm: String, Sendable, CaseIterable {
    case pbkdf2_sha256
    case pbkdf2_sha1
    case argon2
    case bcrypt_sha256
    case bcrypt
    case scrypt
    case sha1
    case md5
    case unsalted_sha1
    case unsalted_md5
    case crypt
}
