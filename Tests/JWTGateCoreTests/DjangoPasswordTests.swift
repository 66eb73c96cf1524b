import JWTGateCore
import Testing

/// Reference hashes. The spec §7.1 lines come from Django's own check_password; the others were
/// made with Python's hashlib, argon2-cffi 25.1, bcrypt 5.0 and crypt (libxcrypt) using Django's formats.
private enum Vectors {
    /// Spec §7.1, password `secret123`: each must verify for it and fail for `secret124`.
    static let spec = [
        "pbkdf2_sha256$260000$abcdefghijklmnopqrstuv$Kd5CNSLbcxXqibKMESVUZKFo3xl9OrCjQ4wd7zAH6L0=",
        "pbkdf2_sha256$1000$abcdefghijklmnopqrstuv$WUeWaPptslGTAofDfT4dObEzdoXnjpkayrOvnZ/gLH8=",
        "pbkdf2_sha1$260000$abcdefghijklmnopqrstuv$012e2W5kLEM89RANPHtNKS1DQaI=",
        "argon2$argon2id$v=19$m=102400,t=2,p=8$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg$jxJxJu5dEBMT/KAGu068tDhjjcKUM2U9D5tQUoDdTGA",
        "argon2$argon2i$v=19$m=512,t=2,p=2$YWJjZGVmZ2hpamts$pgmfxCF5f8Rts8e5YaKnaQ",
        "bcrypt_sha256$$2b$12$abcdefghijklmnopqrstuun8DlW8mDV.cSp9JOlqTDG8daqJWXIpa",
        "bcrypt$$2b$12$abcdefghijklmnopqrstuuiw7cXzHo2/adp5.av4HmyMnjH1TiBtu",
        "scrypt$16384$abcdefghijklmnopqrstuv$8$1$0tC5DPedk/wCPq/W2aV7RqqkpuGzTnh33O+PSUSBwoGqUzrudtKxSe/6jqZR/880zmmj2Ul/lYpoCZOrBNcghw==",
        "scrypt$16384$abcdefghijklmnopqrstuv$8$5$1t6UMjDNZNE1Mp7H6Iqp6wCYwTAGO6QQAG/DLzt5DcQl5TpX1zOGPNeJqFUrOJm1hRUcCEDkMyvnZjdZrPuFyg==",
        "sha1$abcdefghijkl$40450c34e3d52ac5f635571430e4dd5605394038",
        "md5$abcdefghijkl$ee2ae4a48cbc4e7c4f88d94f0bd3b145",
        "sha1$$f2b14f68eb995facb3a1c35287b778d5bd785511",
        "5d7845ac6ee7cfffafc5fe5f35cf666d",
        "md5$$5d7845ac6ee7cfffafc5fe5f35cf666d",
    ]

    /// Cheap extra hashes of `secret123` covering variants the spec lines do not.
    static let extraForSecret123 = [
        // Argon2 v1.0 without the `v=` part (argon2-cffi, version=16, then "$v=16" removed).
        "argon2$argon2i$m=512,t=2,p=2$YWJjZGVmZ2hpamts$lqX1cSXzsWXsfBmzfLVR/Q",
        // argon2id with a 32-byte hash and small cost.
        "argon2$argon2id$v=19$m=256,t=1,p=1$YWJjZGVmZ2hpamts$KB0Ki7gLb/PJA9W4BUI3zPCNQGd+h+8734UI+EJd3fw",
        // Old $2a$ and $2y$ bcrypt prefixes at cost 4, and bcrypt_sha256 at cost 4.
        "bcrypt$$2a$04$abcdefghijklmnopqrstuuZakPDp6bZDRlgfrhVHiZC/4c843smaK",
        "bcrypt$$2y$04$abcdefghijklmnopqrstuuZakPDp6bZDRlgfrhVHiZC/4c843smaK",
        "bcrypt$$2b$04$abcdefghijklmnopqrstuuZakPDp6bZDRlgfrhVHiZC/4c843smaK",
        "bcrypt_sha256$$2b$04$abcdefghijklmnopqrstuuiJ1gAZkpHxAJt5pHOYstU/A0CTu5WIq",
        // scrypt with N=1024.
        "scrypt$1024$abcdefghijklmnopqrstuv$8$1$IMynJbqeHgYnxLiqs2cqFs3yA9hZkiZVon0eSdCICaIVfWlemIlZ0P0Ic+QIhQMn1fhAB9uSfhl8Ul2Uf7yAlA==",
        // pbkdf2 with a different salt (the platform-measurements probe salt) and a non-ASCII salt.
        "pbkdf2_sha256$1000$probesalt123$Z7yWDSo1pRgn+3uCxd8WWNKCsudL31MO4xojVCKzO/Y=",
        "pbkdf2_sha256$1000$sälz$YWLm7rq+/ZLP/A98fRbtEAK/TvQ5dKLlqJBVP4KAtHI=",
        "pbkdf2_sha1$1000$abcdefghijklmnopqrstuv$VHdltc1x8JE7duBpVGczByA5Hg8=",
    ]

    /// Non-ASCII (and NUL-containing) passwords, hashed as UTF-8 by the Python references.
    static let otherPasswords: [(password: String, encoded: String)] = [
        ("pässwörd€", "pbkdf2_sha256$1000$abcdefghijklmnopqrstuv$6D/l8+Epwk2PfGW7aiJ+K39XAICQkXmV6J1m5O3/NvU="),
        ("日本語パスワード", "pbkdf2_sha256$1000$abcdefghijklmnopqrstuv$6kmXz1z/2JnmZDxE4FRhEdhmzUkkmAfCLrB4o7JpAJA="),
        ("emoji🔑x", "pbkdf2_sha256$1000$abcdefghijklmnopqrstuv$lM0cDN0f22zcl5fTFjk+rEAk8HSd2DgbJsLLGE/TaOo="),
        ("sec\u{0}ret123", "pbkdf2_sha256$1000$abcdefghijklmnopqrstuv$c8m0d6JA4OpuqcdRh0mlhWcZYh3/hXCLWkqDKtMBPco="),
        ("pässwörd€", "argon2$argon2d$v=19$m=256,t=1,p=1$YWJjZGVmZ2hpamts$vE6+Wr/BqwrppRNbGpIlBQ"),
        ("pässwörd€", "bcrypt$$2b$04$abcdefghijklmnopqrstuulP40mix1kMuKfwOhZkUR3VAjfP8IpDK"),
        ("pässwörd€", "scrypt$1024$abcdefghijklmnopqrstuv$8$2$Aw8xtqbPGikf2BRnxIXws+cMdLyurLkFj59fYlBoQlTsXAefUkxfx/MZEkfGfio4b1WC1uWYNyDAyI8CGeKkOg=="),
        ("pässwörd€", "md5$salt$71bb583e2711290d297cf2dd78e0ddd0"),
        ("pässwörd€", "sha1$salt$89d871e4c79c4b99148087d2e6eae47ccfb00734"),
        ("pässwörd€", "crypt$$xyn1r77gvFX.M"),
    ]
}

@Suite("Django password verification")
struct DjangoPasswordTests {
    @Test("every spec §7.1 vector verifies secret123 and rejects secret124", arguments: Vectors.spec)
    func specVector(encoded: String) {
        #expect(DjangoPassword.verify("secret123", against: encoded))
        #expect(!DjangoPassword.verify("secret124", against: encoded))
    }

    @Test("other formats and variants verify secret123 and reject secret124", arguments: Vectors.extraForSecret123)
    func extraVector(encoded: String) {
        #expect(DjangoPassword.verify("secret123", against: encoded))
        #expect(!DjangoPassword.verify("secret124", against: encoded))
    }

    @Test("non-ASCII passwords are hashed as UTF-8", arguments: Vectors.otherPasswords)
    func otherPassword(password: String, encoded: String) {
        #expect(DjangoPassword.verify(password, against: encoded))
        #expect(!DjangoPassword.verify("x" + password, against: encoded))
        #expect(!DjangoPassword.verify("secret123", against: encoded))
    }

    @Test("unusable, empty and garbage stored values never match", arguments: [
        "",
        "!",
        "!abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN",
        "!pbkdf2_sha256$1000$abcdefghijklmnopqrstuv$WUeWaPptslGTAofDfT4dObEzdoXnjpkayrOvnZ/gLH8=",
        "secret123",
        "$",
        "$$$$$",
        "pbkdf2_sha256",
        "pbkdf2_sha256$",
        "pbkdf2_sha256$1000$abcdefghijklmnopqrstuv",
        "argon2$",
        "argon2$argon2id$",
        "bcrypt$",
        "bcrypt$$2b$04$",
        "scrypt$1024$abcdefghijklmnopqrstuv$8$1",
        "crypt$$",
        "md5$",
        "sha1$abc",
        "\u{0}\u{0}\u{0}",
    ])
    func neverMatches(encoded: String) {
        #expect(!DjangoPassword.verify("secret123", against: encoded))
    }

    @Test("unknown algorithm names never match", arguments: [
        "pbkdf2_sha512$1000$abcdefghijklmnopqrstuv$WUeWaPptslGTAofDfT4dObEzdoXnjpkayrOvnZ/gLH8=",
        "PBKDF2_SHA256$1000$abcdefghijklmnopqrstuv$WUeWaPptslGTAofDfT4dObEzdoXnjpkayrOvnZ/gLH8=",
        "sha256$abcdefghijkl$40450c34e3d52ac5f635571430e4dd5605394038",
        "unsalted_md5$5d7845ac6ee7cfffafc5fe5f35cf666d",
        "bcrypt_sha512$$2b$04$abcdefghijklmnopqrstuuZakPDp6bZDRlgfrhVHiZC/4c843smaK",
        "argon2id$v=19$m=256,t=1,p=1$YWJjZGVmZ2hpamts$KB0Ki7gLb/PJA9W4BUI3zPCNQGd+h+8734UI+EJd3fw",
        "$argon2id$v=19$m=256,t=1,p=1$YWJjZGVmZ2hpamts$KB0Ki7gLb/PJA9W4BUI3zPCNQGd+h+8734UI+EJd3fw",
        "$2b$04$abcdefghijklmnopqrstuuZakPDp6bZDRlgfrhVHiZC/4c843smaK",
    ])
    func unknownAlgorithm(encoded: String) {
        #expect(DjangoPassword.identify(encoded) == nil)
        #expect(!DjangoPassword.verify("secret123", against: encoded))
    }

    @Test("an empty supplied password never matches, even a hash of the empty string")
    func emptyPassword() {
        // MD5("") and a 1000-iteration PBKDF2 of "" with the usual salt.
        let emptyMD5 = "d41d8cd98f00b204e9800998ecf8427e"
        let emptyPBKDF2 = DjangoPassword.makePBKDF2SHA256("", iterations: 1000, salt: "abcdefghijklmnopqrstuv")
        #expect(!DjangoPassword.verify("", against: emptyMD5))
        #expect(!DjangoPassword.verify("", against: emptyPBKDF2))
        #expect(!DjangoPassword.verify("", against: Vectors.spec[1]))
    }

    @Test("non-canonical or altered fields do not match, as Django compares the re-encoded hash", arguments: [
        "pbkdf2_sha256$01000$abcdefghijklmnopqrstuv$WUeWaPptslGTAofDfT4dObEzdoXnjpkayrOvnZ/gLH8=",
        "pbkdf2_sha256$+1000$abcdefghijklmnopqrstuv$WUeWaPptslGTAofDfT4dObEzdoXnjpkayrOvnZ/gLH8=",
        "pbkdf2_sha256$1000$abcdefghijklmnopqrstuv$WUeWaPptslGTAofDfT4dObEzdoXnjpkayrOvnZ/gLH8",
        "pbkdf2_sha256$1000$abcdefghijklmnopqrstuv$WUeWaPptslGTAofDfT4dObEzdoXnjpkayrOvnZ/gLH8=\n",
        "pbkdf2_sha256$1000$abcdefghijklmnopqrstuw$WUeWaPptslGTAofDfT4dObEzdoXnjpkayrOvnZ/gLH8=",
        "pbkdf2_sha256$1000$$WUeWaPptslGTAofDfT4dObEzdoXnjpkayrOvnZ/gLH8=",
        "pbkdf2_sha256$0$abcdefghijklmnopqrstuv$WUeWaPptslGTAofDfT4dObEzdoXnjpkayrOvnZ/gLH8=",
        "pbkdf2_sha256$1000$ab$cd$K7/C/VrPxYAUXU/xJvLkIowlntgmuT5rSUDt7n19Vzs=",
        "pbkdf2_sha1$1000$abcdefghijklmnopqrstuv$WUeWaPptslGTAofDfT4dObEzdoXnjpkayrOvnZ/gLH8=",
        "md5$abcdefghijkl$EE2AE4A48CBC4E7C4F88D94F0BD3B145",
        "5D7845AC6EE7CFFFAFC5FE5F35CF666D",
        "md5$$5d7845ac6ee7cfffafc5fe5f35cf666",
        "sha1$$f2b14f68eb995facb3a1c35287b778d5bd78551",
        "bcrypt$$2x$04$abcdefghijklmnopqrstuuZakPDp6bZDRlgfrhVHiZC/4c843smaK",
        "bcrypt$$2b$4$abcdefghijklmnopqrstuuZakPDp6bZDRlgfrhVHiZC/4c843smaK",
        "bcrypt$$2b$04$abcdefghijklmnopqrstuuZakPDp6bZDRlgfrhVHiZC/4c843sma",
        "bcrypt$$2b$03$abcdefghijklmnopqrstuuZakPDp6bZDRlgfrhVHiZC/4c843smaK",
        "bcrypt_sha256$$2b$04$abcdefghijklmnopqrstuuZakPDp6bZDRlgfrhVHiZC/4c843smaK",
        "scrypt$01024$abcdefghijklmnopqrstuv$8$1$IMynJbqeHgYnxLiqs2cqFs3yA9hZkiZVon0eSdCICaIVfWlemIlZ0P0Ic+QIhQMn1fhAB9uSfhl8Ul2Uf7yAlA==",
        "scrypt$0$abcdefghijklmnopqrstuv$8$1$IMynJbqeHgYnxLiqs2cqFs3yA9hZkiZVon0eSdCICaIVfWlemIlZ0P0Ic+QIhQMn1fhAB9uSfhl8Ul2Uf7yAlA==",
        "argon2$argon2d$v=19$m=256,t=1,p=1$YWJjZGVmZ2hpamts$KB0Ki7gLb/PJA9W4BUI3zPCNQGd+h+8734UI+EJd3fw",
        "argon2$argon2id$v=16$m=256,t=1,p=1$YWJjZGVmZ2hpamts$KB0Ki7gLb/PJA9W4BUI3zPCNQGd+h+8734UI+EJd3fw",
        "argon2$argon2id$v=19$t=1,m=256,p=1$YWJjZGVmZ2hpamts$KB0Ki7gLb/PJA9W4BUI3zPCNQGd+h+8734UI+EJd3fw",
        "argon2$argon2id$v=19$m=256,t=1,p=1$YWJjZGVmZ2hpamts$KB0Ki7gLb/PJA9W4BUI3zPCNQGd+h+8734UI+EJd3fw\u{0}",
        "crypt$$abhv/ZnAzL36",
        "crypt$$abhv/ZnAzL36K",
        "crypt$$ab*v/ZnAzL36k",
    ])
    func alteredField(encoded: String) {
        #expect(!DjangoPassword.verify("secret123", against: encoded))
    }

    @Test("absurd work factors are refused at once instead of hashed", arguments: [
        "pbkdf2_sha256$1000000000$abcdefghijklmnopqrstuv$WUeWaPptslGTAofDfT4dObEzdoXnjpkayrOvnZ/gLH8=",
        "pbkdf2_sha256$99999999999999999999$abcdefghijklmnopqrstuv$WUeWaPptslGTAofDfT4dObEzdoXnjpkayrOvnZ/gLH8=",
        "argon2$argon2id$v=19$m=8388608,t=1,p=1$YWJjZGVmZ2hpamts$KB0Ki7gLb/PJA9W4BUI3zPCNQGd+h+8734UI+EJd3fw",
        "argon2$argon2id$v=19$m=4194304,t=100,p=1$YWJjZGVmZ2hpamts$KB0Ki7gLb/PJA9W4BUI3zPCNQGd+h+8734UI+EJd3fw",
        "argon2$argon2id$v=19$m=256,t=4294967295,p=1$YWJjZGVmZ2hpamts$KB0Ki7gLb/PJA9W4BUI3zPCNQGd+h+8734UI+EJd3fw",
        "argon2$argon2id$v=19$m=256,t=1,p=16777215$YWJjZGVmZ2hpamts$KB0Ki7gLb/PJA9W4BUI3zPCNQGd+h+8734UI+EJd3fw",
        "bcrypt$$2b$31$abcdefghijklmnopqrstuuZakPDp6bZDRlgfrhVHiZC/4c843smaK",
        "bcrypt_sha256$$2b$25$abcdefghijklmnopqrstuuZakPDp6bZDRlgfrhVHiZC/4c843smaK",
        "scrypt$16383$abcdefghijklmnopqrstuv$8$1$0tC5DPedk/wCPq/W2aV7RqqkpuGzTnh33O+PSUSBwoGqUzrudtKxSe/6jqZR/880zmmj2Ul/lYpoCZOrBNcghw==",
        "scrypt$1073741824$abcdefghijklmnopqrstuv$8$1$0tC5DPedk/wCPq/W2aV7RqqkpuGzTnh33O+PSUSBwoGqUzrudtKxSe/6jqZR/880zmmj2Ul/lYpoCZOrBNcghw==",
        "scrypt$16384$abcdefghijklmnopqrstuv$8$100000$0tC5DPedk/wCPq/W2aV7RqqkpuGzTnh33O+PSUSBwoGqUzrudtKxSe/6jqZR/880zmmj2Ul/lYpoCZOrBNcghw==",
        "scrypt$16384$abcdefghijklmnopqrstuv$0$1$0tC5DPedk/wCPq/W2aV7RqqkpuGzTnh33O+PSUSBwoGqUzrudtKxSe/6jqZR/880zmmj2Ul/lYpoCZOrBNcghw==",
    ])
    func absurdParameters(encoded: String) {
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            #expect(!DjangoPassword.verify("secret123", against: encoded))
        }
        // Hashing any of these would take minutes; refusing them takes microseconds.
        #expect(elapsed < .seconds(2))
    }

    @Test("DES crypt hashes verify, reading only the first 8 password bytes as crypt(3) does")
    func desCrypt() {
        // crypt.crypt("secret123", "ab"); the spec has no crypt line.
        let encoded = "crypt$$abhv/ZnAzL36k"
        #expect(DjangoPassword.verify("secret123", against: encoded))
        #expect(DjangoPassword.verify("secret12", against: encoded))
        #expect(DjangoPassword.verify("secret124", against: encoded))  // same first 8 bytes, so Django accepts it too
        #expect(!DjangoPassword.verify("secreT123", against: encoded))
        #expect(!DjangoPassword.verify("secret1", against: encoded))
        // Django ignores the middle field and takes the DES salt from the data.
        #expect(DjangoPassword.verify("secret123", against: "crypt$zz$abhv/ZnAzL36k"))
    }

    @Test("bcrypt reads only the first 72 password bytes; bcrypt_sha256 reads them all")
    func bcryptTruncation() {
        let seventyTwo = String(repeating: "a", count: 72)
        let encoded = "bcrypt$$2b$04$abcdefghijklmnopqrstuuBzzIgyKkz7xMWYSzkIjUSnxEQFQ0WNe"
        #expect(DjangoPassword.verify(seventyTwo, against: encoded))
        #expect(DjangoPassword.verify(seventyTwo + "zz", against: encoded))
        #expect(!DjangoPassword.verify(String(repeating: "a", count: 71), against: encoded))
    }

    @Test("a password with a NUL byte never matches bcrypt or crypt hashes")
    func nulInCryptPassword() {
        // Through a C string both would be cut at the NUL and match; Python's bcrypt and crypt refuse them.
        let bcrypt = "bcrypt$$2b$04$abcdefghijklmnopqrstuuZakPDp6bZDRlgfrhVHiZC/4c843smaK"
        #expect(!DjangoPassword.verify("secret123\u{0}xyz", against: bcrypt))
        #expect(!DjangoPassword.verify("secret123\u{0}", against: "crypt$$abhv/ZnAzL36k"))
    }

    @Test("makePBKDF2SHA256 reproduces Django's output for a given salt")
    func makeWithSalt() {
        #expect(DjangoPassword.makePBKDF2SHA256("secret123", iterations: 1000, salt: "abcdefghijklmnopqrstuv")
            == Vectors.spec[1])
        #expect(DjangoPassword.makePBKDF2SHA256("secret123", iterations: 260_000, salt: "abcdefghijklmnopqrstuv")
            == Vectors.spec[0])
        #expect(DjangoPassword.makePBKDF2SHA256("pässwörd€", iterations: 1000, salt: "abcdefghijklmnopqrstuv")
            == Vectors.otherPasswords[0].encoded)
    }

    @Test("makePBKDF2SHA256 with a random salt round-trips through verify")
    func makeRoundTrip() {
        let encoded = DjangoPassword.makePBKDF2SHA256("correct horse", iterations: 1000)
        #expect(DjangoPassword.identify(encoded) == .pbkdf2_sha256)
        #expect(DjangoPassword.verify("correct horse", against: encoded))
        #expect(!DjangoPassword.verify("correct horsf", against: encoded))
    }

    @Test("random salts are 22 characters of [a-zA-Z0-9] and differ between calls")
    func randomSalts() {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var seen = Set<Substring>()
        for _ in 0..<200 {
            let encoded = DjangoPassword.makePBKDF2SHA256("x", iterations: 1)
            let fields = encoded.split(separator: "$", omittingEmptySubsequences: false)
            #expect(fields.count == 4)
            #expect(fields[0] == "pbkdf2_sha256" && fields[1] == "1")
            #expect(fields[2].count == 22)
            #expect(fields[2].allSatisfy(allowed.contains))
            #expect(fields[3].count == 44 && fields[3].hasSuffix("="))
            seen.insert(fields[2])
        }
        #expect(seen.count == 200)
    }

    @Test("makePBKDF2SHA256 defaults to Django 6.1's 1,500,000 iterations")
    func defaultIterations() {
        let encoded = DjangoPassword.makePBKDF2SHA256("secret123")
        #expect(encoded.hasPrefix("pbkdf2_sha256$1500000$"))
        #expect(DjangoPassword.verify("secret123", against: encoded))
    }

    @Test("identify names the hasher of each format", arguments: [
        (Vectors.spec[0], DjangoHashAlgorithm.pbkdf2_sha256),
        (Vectors.spec[2], .pbkdf2_sha1),
        (Vectors.spec[3], .argon2),
        (Vectors.spec[4], .argon2),
        (Vectors.spec[5], .bcrypt_sha256),
        (Vectors.spec[6], .bcrypt),
        (Vectors.spec[7], .scrypt),
        (Vectors.spec[9], .sha1),
        (Vectors.spec[10], .md5),
        (Vectors.spec[11], .unsalted_sha1),
        (Vectors.spec[12], .unsalted_md5),
        (Vectors.spec[13], .unsalted_md5),
        ("crypt$$abhv/ZnAzL36k", .crypt),
        // By name only: a malformed body is still identified, as Django's identify_hasher does.
        ("md5$$5d7845ac6ee7cfffafc5fe5f35cf666", .md5),
        ("sha1$$f2b14f68eb995facb3a1c35287b778d5bd78551", .sha1),
        ("pbkdf2_sha256$garbage", .pbkdf2_sha256),
    ])
    func identify(encoded: String, expected: DjangoHashAlgorithm) {
        #expect(DjangoPassword.identify(encoded) == expected)
    }

    @Test("identify returns nil for unusable, empty and unrecognised values", arguments: [
        "", "!", "!abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN", "!5d7845ac6ee7cfffafc5fe5f35cf666",
        "hello", "pbkdf2_sha256", "unsalted_sha1$$f2b14f68eb995facb3a1c35287b778d5bd785511",
    ])
    func identifyNothing(encoded: String) {
        #expect(DjangoPassword.identify(encoded) == nil)
    }

    @Test("verification is safe from many threads at once")
    func concurrentVerification() async {
        let cheap = Vectors.extraForSecret123 + [Vectors.spec[1], Vectors.spec[4]] + Vectors.spec[9...]
        let results = await withTaskGroup(of: Bool.self) { group in
            for round in 0..<4 {
                for encoded in cheap {
                    group.addTask {
                        DjangoPassword.verify(round.isMultiple(of: 2) ? "secret123" : "secret124", against: encoded)
                            == round.isMultiple(of: 2)
                    }
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.count == cheap.count * 4)
        #expect(results.allSatisfy { $0 })
    }
}
