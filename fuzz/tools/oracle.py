"""The reference side of the differential runs: what PyJWT 1.7.1 (called as djangorestframework-jwt
1.11.0's jwt_decode_handler calls it) and Python's json module make of an input, in the verdict format the Swift targets print in their verdict mode (JWTGATE_FUZZ_VERDICTS=1).

  json      ok <json.dumps(value, separators=(",", ":"))>  |  error <str(exception)>  |  error recursion
  jwt-*     ok <the decoded payload, same spelling>         |  error decode|expired|invalid|malformed

Where jwtgate differs from the library on purpose (spec/interface.md "Deliberate differences"), the
reference applies the difference, so only unintended disagreements are reported:
  * lone surrogates: a Swift string cannot hold one; jwtgate keeps U+FFFD in its place (JSONValue
    .surrogateString), so strings and keys are compared with that substitution;
  * difference 2: where the library raises an uncaught exception (TypeError, OverflowError,
    RecursionError) jwtgate answers cleanly: TypeError/OverflowError are "malformed" (jwtgate's
    TokenError.malformedClaim), a RecursionError while parsing a segment is "decode";
  * difference 5: base64url segments must be canonical (no padding, no stray characters, zero trailing
    bits); a non-canonical one is "decode" here, where the library would decode it leniently.
"""
import base64
import binascii
import json
import re
import sys
from datetime import datetime as _datetime


import jwt
import jwt.api_jwt

from fuzzcommon import FAMILIES, NOW, STRICT, read_key


class _FrozenDatetime(_datetime):
    """PyJWT 1.7.1 reads the clock as datetime.utcnow(); the harness's clock is JWTHarness.now."""

    @classmethod
    def utcnow(cls):
        return _datetime.utcfromtimestamp(NOW)


jwt.api_jwt.datetime = _FrozenDatetime

# ------------------------------------------------------------------------------------------- JSON

_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_surrogates(value):
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_without_surrogates(v) for v in value]
    if isinstance(value, dict):
        # Keys that become equal collapse as in any dict: first position, last value (what jwtgate's
        # JSONObject does when it meets the repeated key while parsing).
        out = {}
        for key, item in value.items():
            out[_without_surrogates(key)] = _without_surrogates(item)
        return out
    return value


def canonical(value):
    # Documents nest up to 995 levels; walking and dumping them needs more frames than parsing did.
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20000))
    try:
        return json.dumps(_without_surrogates(value), separators=(",", ":"), ensure_ascii=True)
    finally:
        sys.setrecursionlimit(limit)


def _loads_at_top_level(text):
    """`json.loads(text)` as if called from a script's top level. CPython's RecursionError depends on how
    deep the caller already is, and jwtgate reproduces the depth limit of a bare call (995 levels):
    raise the limit by the frames this call sits under."""
    depth, frame = 0, sys._getframe()
    while frame is not None:
        depth, frame = depth + 1, frame.f_back
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(limit + depth - 1)
    try:
        return json.loads(text)
    finally:
        sys.setrecursionlimit(limit)


def json_verdict(data):
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return "error %s" % error
    try:
        value = _loads_at_top_level(text)
    except RecursionError:
        return "error recursion"
    except ValueError as error:
        return "error %s" % error
    return "ok " + canonical(value)


# -------------------------------------------------------------------------------------------- JWT

_B64URL = re.compile(rb"^[A-Za-z0-9_-]*$")


def _is_canonical_b64url(segment):
    if not _B64URL.match(segment) or len(segment) % 4 == 1:
        return False
    try:
        decoded = base64.urlsafe_b64decode(segment + b"=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        return False
    return base64.urlsafe_b64encode(decoded).rstrip(b"=") == segment


def _segments_are_canonical(token):
    try:
        signing_input, signature = token.rsplit(b".", 1)
        header, payload = signing_input.split(b".", 1)
    except ValueError:
        return True  # too few dots: the library's own "Not enough segments"
    return all(_is_canonical_b64url(s) for s in (header, payload, signature))


def jwt_verdict(target, token):
    algorithms = FAMILIES[target]
    if not _segments_are_canonical(token):
        return "error decode"
    try:
        header = jwt.get_unverified_header(token)
    except jwt.DecodeError:
        return "error decode"
    except RecursionError:
        return "error decode"
    alg = header.get("alg")
    algorithm = alg if isinstance(alg, str) and alg in algorithms else algorithms[0]
    strict = header.get("kid") == "strict"
    settings = STRICT if strict else {"leeway": 0, "audience": None, "issuer": None}
    try:
        # djangorestframework-jwt's jwt_decode_handler: an unverified decode first (it parses the payload,
        # so a malformed payload is a DecodeError before the algorithm pin is checked), then the real one.
        jwt.decode(token, None, False)
        payload = jwt.decode(token, read_key(algorithm, private=False), True, options={"verify_exp": True},
                             algorithms=[algorithm], **settings)
    except jwt.ExpiredSignatureError:
        return "error expired"
    except jwt.DecodeError:
        return "error decode"
    except jwt.InvalidTokenError:
        return "error invalid"
    except RecursionError:
        return "error decode"
    except (TypeError, OverflowError):
        return "error malformed"
    return "ok " + canonical(payload)


# ---------------------------------------------------------------------------------------- cookies


def _cookie_string(value):
    return "none" if value is None else json.dumps(value, ensure_ascii=True)


def _get_jwt_value(authorization, cookie_header, prefix, cookie_name):
    """djangorestframework-jwt 1.11.0 JSONWebTokenAuthentication.get_jwt_value (spec §6.1)."""
    from django.http.cookie import parse_cookie

    auth = authorization.split()
    if not auth:
        if cookie_name:
            value = parse_cookie(cookie_header).get(cookie_name)
            return "none" if value is None else "token:" + value.encode("utf-8").hex()
        return "none"
    try:
        scheme = auth[0].lower().decode("utf-8")  # smart_text
    except UnicodeDecodeError:
        return "none"  # the library answers 500; jwtgate treats it as another scheme (difference 2)
    if scheme != prefix.lower():
        return "none"
    if len(auth) == 1:
        return "failure:" + _cookie_string("Invalid Authorization header. No credentials provided.")
    if len(auth) > 2:
        return "failure:" + _cookie_string("Invalid Authorization header. Credentials string should not contain spaces.")
    return "token:" + auth[1].hex()


def cookies_verdict(data):
    """The cookies target: Authorization bytes, newline, Cookie header (text as the server decodes it)."""
    from django.http.cookie import parse_cookie

    authorization, newline, rest = data.partition(b"\n")
    if not newline:
        authorization, rest = b"", data
    header = rest.decode("utf-8", "replace")
    cookie = parse_cookie(header).get("jwt-auth")
    return "cookie=%s jwt=%s bearer=%s" % (_cookie_string(cookie),
                                          _get_jwt_value(authorization, header, "JWT", "jwt-auth"),
                                          _get_jwt_value(authorization, header, "Bearer", None))


# --------------------------------------------------------------------------------------- password

# Hashers Django 3.2 runs in the oracle venv. argon2 and bcrypt need libraries the venv lacks, and scrypt
# arrived in Django 4.0: no reference for those here.
_DJANGO_NATIVE = ("pbkdf2_sha256", "pbkdf2_sha1", "sha1", "md5", "unsalted_md5", "unsalted_sha1", "crypt")
_django_ready = []


def _check_password(password, encoded):
    if not _django_ready:
        from django.conf import settings
        settings.configure(PASSWORD_HASHERS=[
            "django.contrib.auth.hashers.PBKDF2PasswordHasher", "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
            "django.contrib.auth.hashers.SHA1PasswordHasher", "django.contrib.auth.hashers.MD5PasswordHasher",
            "django.contrib.auth.hashers.UnsaltedSHA1PasswordHasher", "django.contrib.auth.hashers.UnsaltedMD5PasswordHasher",
            "django.contrib.auth.hashers.CryptPasswordHasher"])
        _django_ready.append(True)
    from django.contrib.auth.hashers import check_password
    return check_password(password, encoded)


def password_verdict(data, ours):
    """Django 3.2's check_password; None where there is no reference (see _DJANGO_NATIVE) or the target
    skipped the verification (work factor). Only the `verify` part is compared: which hasher jwtgate names
    for a hash that can never verify is its own business."""
    if "verify skipped" in ours:
        return None
    line, newline, rest = data.partition(b"\n")
    password, encoded = (line, rest) if newline else (b"password", data)
    password, encoded = password.decode("utf-8", "replace"), encoded.decode("utf-8", "replace")
    name = encoded.split("$", 1)[0]
    unsalted = (len(encoded) == 32 and "$" not in encoded) or (len(encoded) == 37 and encoded.startswith("md5$$")) \
        or (len(encoded) == 46 and encoded.startswith("sha1$$"))
    if not unsalted and name not in _DJANGO_NATIVE:
        return None if name in ("argon2", "bcrypt", "bcrypt_sha256", "scrypt") else ours.split(" verify ")[0] + " verify false"
    if name == "crypt":
        data_field = encoded.split("$", 2)[-1]
        if len(data_field) != 13:
            return None  # jwtgate takes only DES crypt, the only kind Django writes; libxcrypt reads others
    if password == "":
        matches = False  # spec §7.3: an empty password never matches (DRF refuses a blank one first)
    else:
        try:
            matches = _check_password(password, encoded)
        except Exception:  # the library crashes (500) on some malformed hashes; jwtgate says "no"
            matches = False
    return ours.split(" verify ")[0] + " verify %s" % ("true" if matches else "false")


def verdict(target, data, ours=None):
    if target == "json":
        return json_verdict(data)
    if target == "cookies":
        return cookies_verdict(data)
    if target == "password":
        return password_verdict(data, ours or "")
    return jwt_verdict(target, data)


# --------------------------------------------------------------------------------- known differences
# Bugs already being fixed elsewhere: the verdict jwtgate gives while the bug is there. An input on which
# jwtgate gives exactly that verdict is reported as KNOWN, not as a mismatch; every other disagreement
# still fails the run. Delete an entry once its fix has landed (its count in the summary drops to 0).


# Deliberate differences jwtgate keeps from its references, each with the verdict it gives instead.
# (Empty: the one entry, JSON object keys merged under Swift's canonical equivalence, was a bug and is
# fixed — JSONObject compares keys by code points.)
KNOWN_DIFFERENCES = []


def known_difference(target, data, ours):
    """The reason jwtgate's verdict `ours` is a known difference, or None."""
    for reason, expected in KNOWN_DIFFERENCES:
        if ours == expected(target, data):
            return reason
    return None


if __name__ == "__main__":
    # oracle.py TARGET FILE...: one "<file> <verdict>" line per file.
    for path in sys.argv[2:]:
        with open(path, "rb") as fh:
            print(path, verdict(sys.argv[1], fh.read(), ours=""))
