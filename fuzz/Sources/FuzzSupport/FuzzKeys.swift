/// Public keys the JWT targets verify with; the private halves in `fuzz/keys/` sign the seed tokens
/// (`fuzz/make-corpus`). Test keys only: they guard nothing.
enum FuzzKeys {
    static let hmacSecret = "fuzz-hmac-secret-not-for-production"
    static let rsaPublicPEM = """
        -----BEGIN PUBLIC KEY-----
        MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAklENQxgfyHxvNzksabQX
        7VZynf98+V/VwbHHhyga5qauBf06WBgoVLueGGLFd/spdqqcQq4UKah/P250+KDA
        EzygWREUl67JNLm8CT5PcaYlErYA0lSkEaHiAtju4K25F1aRtxZV6JpFuvRFphks
        IkBTJr3IGuP9IwoiKWhn4/wwadE6AJCL9vwDSJxsNwAlvpgpDPUHw+H4NTTwC1Sj
        znbzbiCgZU/AoVLMOk0KgZJCyuo5Tv7Jvvv3UjPsb1CXo2wiGQakW9JYoNhyDDzC
        GvIrmTiysxLnp0rZdn4VLITI9aNma1FcttF+B/JhIaWXecvzCrl4n3n2RIdm9x1v
        +QIDAQAB
        -----END PUBLIC KEY-----
        """
    static let es256PublicPEM = """
        -----BEGIN PUBLIC KEY-----
        MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE4XsuoaZNskprY6mmQEL9d90UUMzt
        sumeeoUU8pgSrXWPOH27WgqG3VgiJc1misALFDBSnLCM2Am7X6UXCzFO5Q==
        -----END PUBLIC KEY-----
        """
    static let es384PublicPEM = """
        -----BEGIN PUBLIC KEY-----
        MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAE+JMvg8EvNdtCSrruWXoWuiZ3znrqsqw2
        v5jVoEZnPyArvcrYgSQTEZY8NpZUlFhhu9FsG+iA/0+9Qnpuk3cVsSv2BWAto/W6
        LW0AQI07QPETGrBuw/X1/oLVyvxVB4Ht
        -----END PUBLIC KEY-----
        """
    static let es512PublicPEM = """
        -----BEGIN PUBLIC KEY-----
        MIGbMBAGByqGSM49AgEGBSuBBAAjA4GGAAQBODGAcBV9H2BFYzMvoS3TgBqXHghd
        jbKB4yo5rW3+UXRemWSdtWOTFsNGc8+wvKvgdvGWHbkaX0BPW5tsFOJYf58Bf8kh
        ohxcdiRtvsL1e5tpWmvKyC6XJVwrgqQMgdK/1K2f6N8Z+c8SyZMSVc/fnWivnD3W
        AQuqrW76YjwraCoi/dI=
        -----END PUBLIC KEY-----
        """
}
