"""Regenerates the seed corpus fuzz/corpus/<target>/ from the conformance suite (tokens from its case
catalogue, paths, bodies and cookie headers from its tests, its profiles and users) and the shipped
config/, plus hand-written edge cases for what the suite does not exercise.

Run through fuzz/make-corpus (it needs PyJWT, Django and PyYAML: the oracle venv). Files are named by
the SHA-1 of their content, as libFuzzer names its own. A rerun changes nothing unless a source did,
except the ES* and PS* tokens: ECDSA and PSS signatures are randomised, so those seeds are re-spelt.
"""
import ast
import base64
import ctypes
import ctypes.util
import glob
import hashlib
import hmac
import json
import os
import shutil
import sys
import warnings

from fuzzcommon import FAMILIES, FUZZ_DIR, HMAC_SECRET, NOW, read_key

REPO = os.path.dirname(FUZZ_DIR)
CONFORMANCE = os.environ.get("CONFORMANCE") or os.path.join(REPO, "..", "shared", "conformance")
CORPUS = os.path.join(FUZZ_DIR, "corpus")
sys.path.insert(0, CONFORMANCE)

import yaml  # noqa: E402  (after the path set-up)
import support  # noqa: E402
import cases  # noqa: E402

seeds = {}


def add(target, data):
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    seeds.setdefault(target, set()).add(bytes(data))


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


# ----------------------------------------------------------------------------------------- tokens

USERS = {u["username"]: support.User(u)
         for u in yaml.safe_load(open(os.path.join(CONFORMANCE, "profiles", "users.yaml")))["users"]}


class Profile:
    """The slice of conformance's support.Profile that cases.py reads, for the fuzz keys."""

    def __init__(self, alg, strict):
        self.algorithm = alg
        self.is_hmac = alg.startswith("HS")
        self.strict = strict
        self.secret_key = HMAC_SECRET.decode() if self.is_hmac else "unused-hmac-secret"
        self.signing_key = read_key(alg, private=True)
        self.public_key = None if self.is_hmac else read_key(alg, private=False)
        self.verifying_key = self.signing_key if self.is_hmac else self.public_key
        self.leeway = 10 if strict else 0
        self.audience = "jwtgate-conformance" if strict else None
        self.issuer = "https://issuer.example.test" if strict else None
        self.expiration_delta = 300
        self.allow_refresh = True

    def user(self, name):
        return USERS[name]


# A token chooses the harness's strict claim rules with header kid "strict": wrap the case catalogue's
# signing helpers so every case exists in both flavours.
current = {"profile": None}
_make_token, _sign_raw = support.make_token, support.sign_raw


def _strict_header(header):
    if current["profile"].strict and isinstance(header, dict):
        header = dict(header, kid="strict")
    return header


def make_token(profile, claims, alg=None, key=None, header=None):
    if profile.strict:
        header = dict(header or {}, kid="strict")
    return _make_token(profile, claims, alg=alg, key=key, header=header)


def sign_raw(header, payload, alg, key):
    return _sign_raw(_strict_header(header), payload, alg, key)


cases.make_token, cases.sign_raw = make_token, sign_raw

# Claim values PyJWT 1.7.1 coerces with int() (or chokes on), as raw JSON so that NaN, 1e400 and
# duplicate keys survive; each replaces one claim of alice's otherwise valid payload.
CLAIM_EDGES = {
    "exp": ["%d" % (NOW + 100), "%d" % (NOW - 5), "%d" % (NOW - 11), '"  %d  "' % (NOW + 100),
            '"1_800_000_100"', '"\\u0661\\u0668\\u0660\\u0660\\u0660\\u0660\\u0660\\u0661\\u0660\\u0660"',
            "%d.5" % NOW, "1e400", "-1e400", "NaN", "Infinity", "-Infinity", "true", "false", "null", "[]",
            "{}", '"0x10"', '""', '"+1800000100"', '"1800000100.0"', "1" + "0" * 30, "-1" + "0" * 30,
            "1.8e9", '"\\ud800"', '"1__0"', '"_1"', '"\\u00a01800000100\\u2003"'],
    "nbf": ["%d" % (NOW + 5), "%d" % (NOW + 100), '"abc"', "null", "1" + "0" * 25, "NaN", "1e400", '" 5 "'],
    "iat": ['"abc"', "NaN", "null", "1e400", '"12"', "[1]", "-Infinity", "1.5"],
    "aud": ['"jwtgate-conformance"', '["x","jwtgate-conformance"]', '["x",1]', "5", "null", '"caf\\u00e9"',
            '"cafe\\u0301"', '["cafe\\u0301"]', '"\\u212a"', "{}", "[]", '"\\ud800"', '["\\udc00","caf\\u00e9"]'],
    "iss": ['"https://issuer.example.test"', '"https://issuer.example.test\\u0301"', "null", "1",
            '"https://ISSUER.example.test"'],
}

RAW_PAYLOADS = [
    b'{"username":"alice","exp":1,"exp":%d}' % (NOW + 100),
    b'{"username":"alice","exp":%d,"exp":1}' % (NOW + 100),
    b'{"username":"\\ud800","exp":%d}' % (NOW + 100),
    b'{"caf\\u00e9":1,"cafe\\u0301":2}',
    b'{"\\ud800":1,"\\udc00":2}',
    b"{}", b"[]", b"null", b'"x"', b"{\"a\":" * 40 + b"1" + b"}" * 40, b"\xff\xfe{}", b'{"a":"\xc3"}',
    b' {"exp": 1800000100 } ', b'{"exp":1800000100}\n', b'{"exp":1800000100} x',
]


def base_claims(profile):
    return support.library_claims(profile, USERS["alice"], NOW, orig_iat=NOW)


def raw_claims_with(profile, claim, raw):
    claims = base_claims(profile)
    claims.pop(claim, None)
    body = json.dumps(claims, separators=(",", ":"))
    return (body[:-1] + ',"%s":%s}' % (claim, raw)).encode("utf-8")


def token_variants(token):
    """Encodings the library's lenient base64 accepts and jwtgate refuses (interface difference 5)."""
    head, payload, sig = token.split(".")
    return [token + "==", token + "=", "%s.%s.%s" % (head, payload, sig.replace("-", "+").replace("_", "/")),
            "%s.%s.%s" % (head, payload + "!", sig), "%s.%s.%s.%s" % (head, payload, "x", sig),
            " " + token, token + "\n", "%s..%s" % (head, sig), "%s.%s." % (head, payload), ".." + token]


def jwt_seeds():
    for target, algorithms in FAMILIES.items():
        for alg in algorithms:
            for strict in (False, True):
                profile = Profile(alg, strict)
                current["profile"] = profile
                for case in cases.applicable(profile):
                    try:
                        add(target, case.build(profile, NOW))
                    except TypeError:
                        pass  # wrong-key signs with the suite's other RSA key, which cannot sign ES*
                # Edge claims and raw payloads: every HS algorithm, and the first of the other families.
                if alg != algorithms[0] and not alg.startswith("HS"):
                    continue
                for claim, raws in CLAIM_EDGES.items():
                    for raw in raws:
                        add(target, make_token(profile, raw_claims_with(profile, claim, raw)))
                for raw in RAW_PAYLOADS:
                    add(target, make_token(profile, raw))
                for variant in token_variants(make_token(profile, base_claims(profile))):
                    add(target, variant)
    for vector in SPEC_TOKENS:
        add("jwt-hmac", vector)


# drf-jwt-behaviour.md §3.3 (signed with the spec's secret, so "decode" here: still good shapes).
SPEC_TOKENS = [
    "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoxLCJ1c2VybmFtZSI6ImFsaWNlIiwiZXhwIjoxNzk1OTQxODU3LC"
    "JlbWFpbCI6ImFsaWNlQGV4YW1wbGUuY29tIn0.hvW8Mxzc0lnXdr0LnUCN3MY3VzuW33A8P_SORrffds0",
    "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjo3LCJ1c2VybmFtZSI6Impvc1x1MDBlOS9cdTAwZmMiLCJleHAiOj"
    "E3MDAwMDAzMDAsImVtYWlsIjoiIiwib3JpZ19pYXQiOjE3MDAwMDAwMDAsImF1ZCI6InN2YyIsImlzcyI6Im1lIn0."
    "8Z5IiQ9k-srHNWiF30c4K0eWvk6IwjBfuxgTM5_Z8UA",
]

# ------------------------------------------------------------------------------------------- JSON

JSON_EDGES = [
    b"", b" ", b"0", b"-0", b"-0.0", b"1e5", b"1E-7", b"1.5e300", b"1e400", b"-1e400", b"123456789012345678901234567890",
    b"9" * 4300, b"9" * 4301, b"-" + b"9" * 4301, b"0.1", b"1.0", b"100000000000000000.0", b"5e-324", b"01", b"1.",
    b".5", b"+1", b"NaN", b"-NaN", b"Infinity", b"-Infinity", b"nan", b"true", b"True", b"null", b"nul",
    b'"\\u0000"', b'"\\ud83d\\ude00"', b'"\\ud83d"', b'"\\ude00\\ud83d"', b'"\\uD83D\\uDE00"', b'"\\u00e9"',
    b'"\xc3\xa9"', b'"\xed\xa0\x80"', b'"\xf0\x9f\x98\x80"', b'"\xff"', b'"\xc3"', b'"\x1f"', b'"\x7f"',
    b'"\\x"', b'"\\/"', b'"\\u12"', b'"abc', b"[1,]", b"[,1]", b'{"a":1,}', b'{"a" 1}', b"{'a':1}",
    b'{"a":1,"a":2}', b'{"a":1,"b":2,"a":3}', b'{"\\u00e9":1,"e\\u0301":2}', b'{"\\ud800":1,"\\udc00":2}',
    b"[" * 994 + b"]" * 994, b"[" * 995 + b"]" * 995, b"[" * 996 + b"]" * 996, b'{"a":' * 600 + b"1" + b"}" * 600,
    b"\xef\xbb\xbf{}", b"\t\n\r {}\t\n\r ", b"{}\x00", b"{} {}", b"[1 2]", b"\xe2\x80\xa8[]", b'"\xe2\x80\xa8"',
    b"[1e1000000]", b"[-]", b"[--1]", b"[0x10]", b"[1_0]", b"[\"\t\"]", b"{\"a\":[{},[],\"\",0,0.0,false]}",
]

# ---------------------------------------------------------------------------------------- helpers


def python_constants(pattern):
    """Every str and bytes literal in the conformance tests' Python files."""
    found = []
    for path in sorted(glob.glob(os.path.join(CONFORMANCE, pattern))):
        for node in ast.walk(ast.parse(open(path).read())):
            if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
                found.append(node.value)
    return found


TEST_LITERALS = python_constants("test_*.py") + python_constants("support.py")


def multipart(fields, boundary="XyZzy", files=()):
    parts = []
    for name, value in fields:
        parts.append(b"--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n"
                     % (boundary.encode(), name.encode(), value.encode()))
    for name, filename, content in files:
        parts.append(b"--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                     b"Content-Type: application/octet-stream\r\n\r\n%s\r\n"
                     % (boundary.encode(), name.encode(), filename.encode(), content))
    return b"".join(parts) + b"--%s--\r\n" % boundary.encode()


def drf_seeds(token):
    content_types = {s for s in TEST_LITERALS if isinstance(s, str)
                     and s.split(";")[0].strip().lower() in ("application/json", "text/plain",
                                                            "application/x-www-form-urlencoded")}
    content_types |= {"application/json", "application/json; charset=utf-8", "Application/JSON",
                      "application/json; charset=latin-1", "application/json; charset=ascii",
                      "application/json; charset=bogus", "application/*", "*/*", "application/vnd.api+json",
                      "application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=iso-8859-1",
                      "application/x-www-form-urlencoded; charset=utf-16", "text/plain", "application/json;;",
                      'application/json; charset="utf-8"'}
    json_bodies = [b'{"username":"alice","password":"alice-secret-1"}', b'{"token":"%s"}' % token.encode(),
                   b"null", b"[]", b'"x"', b"NaN", b'{"username":" alice ","password":""}',
                   b'{"username":null,"password":1}', b'{"username":"caf\xe9","password":"x"}',
                   b'{"username":"\\ud800","password":"\\u0000"}', b'{"username":"alice","password":"alice-secret-1"',
                   b'{"username":"a","password":"b"}\xc3', b'{"token":["a"]}', b'{"token":{"a":1}}']
    json_bodies += [s for s in TEST_LITERALS if isinstance(s, bytes)]
    form_bodies = [b"username=alice&password=alice-secret-1", b"token=" + token.encode(), b"username=%C3%A9&password=a+b",
                   b"username=alice&username=bob&password=x", b"username=&password=", b"=&&=x&%zz=%",
                   b"username=caf%E9&password=%", b"username=\xe9&password=x;y"]
    for content_type in sorted(content_types):
        for body in json_bodies + form_bodies:
            add("drf-body", content_type.encode() + b"\n" + body)
    for body in json_bodies[:4] + form_bodies[:2]:
        add("drf-body", body)  # no Content-Type header
    boundary_types = ["multipart/form-data; boundary=XyZzy", 'multipart/form-data; boundary="XyZzy"',
                      "multipart/form-data; boundary=XyZzy; charset=latin-1", "multipart/form-data",
                      "Multipart/Form-Data; BOUNDARY=XyZzy"]
    bodies = [multipart([("username", "alice"), ("password", "alice-secret-1")]),
              multipart([("token", token)]),
              multipart([("username", "alice")], files=[("password", "p.txt", b"secret")]),
              multipart([("username", "caf\u00e9"), ("password", " x ")]),
              multipart([]), b"--XyZzy\r\n\r\n", b"garbage"]
    for content_type in boundary_types:
        for body in bodies:
            add("drf-body", content_type.encode() + b"\n" + body)


def path_seeds():
    for s in TEST_LITERALS:
        if isinstance(s, str) and s.startswith("/") and " " not in s:
            add("request-target", s)
    for profile in glob.glob(os.path.join(CONFORMANCE, "profiles", "*.yaml")):
        data = yaml.safe_load(open(profile)) or {}
        for value in (data.get("endpoints") or {}).values():
            if isinstance(value, str):
                add("request-target", value)
        for route in data.get("routes") or []:
            if isinstance(route, dict):
                add("request-target", route["path"])
    for edge in ["/", "/api/../admin", "/api/%2e%2e/admin", "/api/%2E./x", "/api/public/..;/admin", "/api/.;x/y",
                 "/%2F", "/%2f", "/%5C", "/a\\b", "/a//b", "//a", "/a/./b/../c", "/a/b/..", "/..", "/%41%7e%7E",
                 "/caf%c3%a9/", "/caf\xe9/", "/%zz", "/%", "/%0", "/a%00", "/\x00", "/a\x7f", "/a b", "/a\tb",
                 "/a?b#c", "/a#", "/a?q=%ff&x=\xff", "/a?\x01", "/?", "*", "", "api", "http://h", "http://h?x",
                 "HTTPS://host:8443/api/?q", "http://user@h/x", "http://h%41/", "http://[::1]:1/a", "https:/x",
                 "/a;b=c/d", "/a%3Bb", "/%ff%FE", "/~user/", "/a/" + "b/" * 100 + "..", "/x/" + "../" * 3]:
        add("request-target", edge.encode("latin-1"))


def cookie_seeds(token):
    headers = [s.replace("%s", "jwt-auth", 1).replace("%s", token).replace("%%", "%")
               for s in TEST_LITERALS if isinstance(s, str) and "%s=" in s and "Cookie" not in s]
    headers += ["jwt-auth=%s" % token, 'jwt-auth="%s"' % token, 'jwt-auth="a\\"b\\073c\\\\"', "jwt-auth=",
                "jwt-auth", "=jwt-auth", "a=1;jwt-auth=x;jwt-auth=y", " jwt-auth = x ; b", "jwt-auth=\"x",
                'jwt-auth="\\377\\400\\0"', "jwt-auth=\u00e9", "JWT-AUTH=x", ";;;", "jwt-auth=x\x0b;",
                "jwt-auth\u00a0=x", "jwt-auth=" + "\\" * 5]
    authorizations = [None, "", " ", "JWT %s" % token, "jwt\t%s" % token, "JWT", "JWT a b", "Bearer %s" % token,
                      "Basic dXNlcjpwYXNz", "JWT  %s  " % token, "JWT\x1c%s" % token, "JWT\u00a0x"]
    for header in headers:
        for auth in authorizations:
            add("cookies", header if auth is None else auth + "\n" + header)


def password_seeds():
    warnings.simplefilter("ignore")
    import crypt
    from django.conf import settings
    settings.configure()
    from django.contrib.auth import hashers

    password = "alice-secret-1"
    salt = "FzDCFDcMaCOR2YwuFK5Fr3"
    encoded = [user["password"] for user in
               yaml.safe_load(open(os.path.join(CONFORMANCE, "profiles", "users.yaml")))["users"]]
    encoded += [hashers.PBKDF2PasswordHasher().encode(password, salt, iterations=1000),
                hashers.PBKDF2SHA1PasswordHasher().encode(password, salt, iterations=999),
                hashers.SHA1PasswordHasher().encode(password, "s4lt"), hashers.MD5PasswordHasher().encode(password, "s4lt"),
                hashers.UnsaltedSHA1PasswordHasher().encode(password, ""),
                hashers.UnsaltedMD5PasswordHasher().encode(password, ""),
                hashlib.md5(password.encode()).hexdigest(),
                "crypt$$" + crypt.crypt(password, "ab"),
                "bcrypt$" + crypt.crypt(password, "$2b$04$" + "abcdefghijklmnopqrstuu"),
                "bcrypt_sha256$" + crypt.crypt(
                    hmac_hex_sha256(password), "$2b$05$" + "abcdefghijklmnopqrstuu"),
                scrypt_hash(password, "s4lt", 1024, 8, 1), argon2_hash(password, b"somesalt", m=64, t=1, p=1)]
    encoded = [e for e in encoded if e]
    edges = ["", "!", "!unusable", "pbkdf2_sha256$", "pbkdf2_sha256$0$s$h", "pbkdf2_sha256$999999999999999999$s$h",
             "pbkdf2_sha256$1000$$h", "pbkdf2_sha256$+1000$s$h", "md5$$", "sha1$$", "argon2$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$",
             "argon2$argon2i$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaA", "argon2$argon2x$v=19$m=64,t=1,p=1$a$b",
             "bcrypt$$2a$04$short", "bcrypt$$2y$99$" + "a" * 53, "scrypt$1023$s$8$1$h", "scrypt$0$s$0$0$h",
             "crypt$$ab", "crypt$x$abcdefghijklm", "unknown$x", "$", "$$$$", "\u00e9" * 32, "md5$$" + "0" * 32]
    for e in encoded + edges:
        for pw in [password, "cärol pässwörd ✓", "", "wrong"]:
            add("password", pw + "\n" + e)
        add("password", e)


def hmac_hex_sha256(password):
    # Django's BCryptSHA256PasswordHasher pre-hashes the password to hex SHA-256.
    return hashlib.sha256(password.encode()).hexdigest()


def scrypt_hash(password, salt, n, r, p):
    derived = hashlib.scrypt(password.encode(), salt=salt.encode(), n=n, r=r, p=p, dklen=64)
    return "scrypt$%d$%s$%d$%d$%s" % (n, salt, r, p, base64.b64encode(derived).decode())


def argon2_hash(password, salt, m, t, p):
    """Django's Argon2PasswordHasher format, through libargon2 (argon2-cffi is not in the venv)."""
    name = ctypes.util.find_library("argon2")
    if not name:
        return None
    lib = ctypes.CDLL(name)
    size, u32 = ctypes.c_size_t, ctypes.c_uint32
    lib.argon2id_hash_encoded.argtypes = [u32, u32, u32, ctypes.c_char_p, size, ctypes.c_char_p, size, size,
                                          ctypes.c_char_p, size]
    out = ctypes.create_string_buffer(256)
    pw = password.encode()
    status = lib.argon2id_hash_encoded(t, m, p, pw, len(pw), salt, len(salt), 16, out, len(out))
    return "argon2" + out.value.decode() if status == 0 else None


def config_seeds():
    def sections(gateway, users=None, routes=None):
        text = open(gateway, "rb").read()
        if users and os.path.exists(users):
            text += b"\n#==> users.yaml\n" + open(users, "rb").read()
        if routes and os.path.exists(routes):
            text += b"\n#==> routes.yaml\n" + open(routes, "rb").read()
        return text

    shipped = os.path.join(REPO, "config")
    add("config", sections(os.path.join(shipped, "gateway.yaml"), os.path.join(shipped, "users.yaml"),
                           os.path.join(shipped, "routes.yaml")))
    add("config", open(os.path.join(shipped, "gateway.yaml"), "rb").read())
    profiles = os.path.join(CONFORMANCE, "profiles")
    for profile in sorted(glob.glob(os.path.join(profiles, "*.yaml"))):
        if os.path.basename(profile) in ("users.yaml", "routes.yaml"):
            continue
        add("config", sections(profile, os.path.join(profiles, "users.yaml"), os.path.join(profiles, "routes.yaml")))
    for edge in [b"", b"jwt:\n  algorithm: hs256\n  verify: false\n", b"jwt: [\n", b"jwt:\n  secret_key: x\n  leeway: -1\n",
                 b"jwt:\n  secret_key: ${JWT_SECRET_KEY}\n  algorithm: ES256\n", b"server:\n  listen: [\"[::1]:0\", 1]\n",
                 b"jwt:\n  secret_key: x\nthrottle:\n  obtain_per_ip: 5/min\nusers:\n  backend: sqlite\n",
                 b"jwt:\n  secret_key: x\nusers:\n  backend: postgres\n  url: ${DATABASE_URL}\n",
                 b"a: &x [*x]\n", b"jwt:\n  secret_key: x\n  expiration_delta: 1h30\n  audience: [a, 1]\n",
                 b"jwt:\n  secret_key: x\n#==> routes.yaml\nroutes:\n  - path: /a/../b\n    upstream: ftp://x\n"]:
        add("config", edge)


# Request heads for the HTTP/1.1 parser: ordinary requests and the smuggling framings it must refuse.
HTTP_SEEDS = [
    b'GET http://g/x HTTP/1.1\r\nHost: g\r\n\r\n',
    b'GET / HTTP/1.1\nHost: g\n\n',
    b'POST / HTTP/1.1\r\nHost: g\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    b'CONNECT upstream:443 HTTP/1.1\r\nHost: upstream:443\r\n\r\n',
    b'POST / HTTP/1.1\r\nHost: g\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab',
    b'POST /x HTTP/1.1\r\nHost: [::1]:8080\r\nExpect: 100-continue\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nContent-Length: 0\r\n\r\n',
    b'GET /api/orders/1?x=1 HTTP/1.1\r\nHost: gateway.test\r\nAuthorization: JWT abc.def.ghi\r\n\r\n',
    b'GET / HTTP/1.0\r\n\r\n',
    b'GET / HTTP/1.1\r\nHost: g\r\nX: a\r\n b\r\n\r\n',
    b'OPTIONS * HTTP/1.1\r\nHost: g\r\n\r\n',
    b'GET /a HTTP/1.1\r\nHost: g\r\n\r\nGET /b HTTP/1.1\r\nHost: g\r\nConnection: close\r\n\r\n',
    b'POST /api/x HTTP/1.1\r\nHost: g\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n0\r\nTrailer: v\r\n\r\n',
    b'POST /api-token-auth/ HTTP/1.1\r\nHost: g\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}',
    b'POST / HTTP/1.1\r\nHost: g\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n',
]


def main():
    jwt_seeds()
    hs_profile = Profile("HS256", False)
    current["profile"] = hs_profile
    token = make_token(hs_profile, base_claims(hs_profile))
    for target in ("jwt-hmac", "jwt-rsa", "jwt-ec"):
        for seed in seeds[target]:
            parts = seed.split(b".")
            for segment in parts[:2]:
                try:
                    add("json", base64.urlsafe_b64decode(segment + b"=" * (-len(segment) % 4)))
                except ValueError:
                    pass
    for raw in JSON_EDGES + RAW_PAYLOADS:
        add("json", raw)
    drf_seeds(token)
    path_seeds()
    cookie_seeds(token)
    password_seeds()
    config_seeds()
    for raw in HTTP_SEEDS:
        add("http-parser", raw)

    for target, found in sorted(seeds.items()):
        directory = os.path.join(CORPUS, target)
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory)
        for data in found:
            with open(os.path.join(directory, hashlib.sha1(data).hexdigest()), "wb") as fh:
                fh.write(data)
        # Reproducers of fixed crashes and mismatches live beside the generated seeds and are kept.
        kept = os.path.join(FUZZ_DIR, "regressions", target)
        for path in sorted(glob.glob(os.path.join(kept, "*"))):
            shutil.copy(path, directory)
        print("%-15s %5d seeds" % (target, len(os.listdir(directory))))


if __name__ == "__main__":
    main()
