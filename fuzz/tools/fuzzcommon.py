"""What the Swift harnesses and the Python side of the fuzz tooling must agree on."""
import os

FUZZ_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KEYS_DIR = os.path.join(FUZZ_DIR, "keys")

# JWTHarness.now and FuzzKeys.hmacSecret in fuzz/Sources/FuzzSupport.
NOW = 1_800_000_000
HMAC_SECRET = b"fuzz-hmac-secret-not-for-production"

FAMILIES = {
    "jwt-hmac": ["HS256", "HS384", "HS512"],
    "jwt-rsa": ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"],
    "jwt-ec": ["ES256", "ES384", "ES512"],
}

# The "strict" claim rules a token selects with header kid "strict" (JWTHarness.config).
STRICT = {"leeway": 10, "audience": ["jwtgate-conformance", "caf\u00e9"], "issuer": "https://issuer.example.test"}


def key_file(alg, private):
    stem = "rsa" if alg[:2] in ("RS", "PS") else alg.lower()
    return os.path.join(KEYS_DIR, "%s-%s.pem" % (stem, "private" if private else "public"))


def read_key(alg, private):
    if alg.startswith("HS"):
        return HMAC_SECRET
    with open(key_file(alg, private)) as fh:
        return fh.read()


def fnv1a64(data):
    """Verdicts.fnv1a64Hex: ties a verdict line to the input it is about."""
    h = 0xCBF29CE484222325
    for b in data:
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return "%016x" % h
