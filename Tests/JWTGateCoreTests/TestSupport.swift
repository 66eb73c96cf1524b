import JWTGateCore

/// Paths and builders shared by the core tests.
enum TestSupport {
    /// `Tests/JWTGateCoreTests/Fixtures/<name>` in the source tree.
    static func fixture(_ name: String) -> String {
        let here = #filePath
        let folder = here[..<here.lastIndex(of: "/")!]
        return "\(folder)/Fixtures/\(name)"
    }

    static func read(_ path: String) -> String {
        guard let file = fopen(path, "r") else { return "" }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n <= 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func hsConfig(_ secret: String = "test-secret-key-for-spec", _ algorithm: JWTAlgorithm = .hs256) -> JWTConfig {
        var config = JWTConfig()
        config.secretKey = Secret(secret)
        config.algorithm = algorithm
        return config
    }

    static func keyConfig(_ algorithm: JWTAlgorithm, privateKey: String?, publicKey: String) -> JWTConfig {
        var config = JWTConfig()
        config.algorithm = algorithm
        config.privateKeyFile = privateKey.map(fixture)
        config.privateKeyPEM = privateKey.map { Secret(read(fixture($0))) }
        config.publicKeyFile = fixture(publicKey)
        config.publicKeyPEM = read(fixture(publicKey))
        return config
    }

    static func object(_ json: String) -> JSONObject {
        guard case .object(let object)? = try? PythonJSON.parse(Array(json.utf8)) else { fatalError("not an object: \(json)") }
        return object
    }

    static let alice = UserRecord(id: .integer(1), username: "alice", email: "alice@example.com",
                                  passwordHash: "pbkdf2_sha256$1000$abcdefghijklmnopqrstuv$WUeWaPptslGTAofDfT4dObEzdoXnjpkayrOvnZ/gLH8=",
                                  isActive: true)
    static let bob = UserRecord(id: .integer(2), username: "bob", email: "bob@example.com",
                                passwordHash: "pbkdf2_sha256$1000$abcdefghijklmnopqrstuv$WUeWaPptslGTAofDfT4dObEzdoXnjpkayrOvnZ/gLH8=",
                                isActive: false)
    static let carol = UserRecord(id: .integer(42), username: "carol", email: "",
                                  passwordHash: "pbkdf2_sha256$1000$abcdefghijklmnopqrstuv$WUeWaPptslGTAofDfT4dObEzdoXnjpkayrOvnZ/gLH8=",
                                  isActive: true, fields: ["jwt_secret": "carol-own-secret"])
}

#if canImport(Glibc)
import Glibc
#endif
