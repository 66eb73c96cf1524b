#!/usr/bin/env bash
# conformance-over-tls.sh JWTGATE_BINARY [PROFILE ...] — the shared conformance suite (pytest) against jwtgate
# over https: what ../shared/conformance/run-against-gateway.sh does (its logic copied here; the shared files
# are only read), but every profile gets a TLS listener and the suite talks to that one.
#
#   scripts/conformance-over-tls.sh .build/debug/jwtgate                 # all five profiles
#   scripts/conformance-over-tls.sh .build/debug/jwtgate default rs256
#
# For each run it:
#   * makes a throwaway CA and certificates with scripts/make-local-ca.sh in its temp dir;
#   * copies the shared profiles and keys there and rewrites each profile's `server.listen` (a string or a list)
#     into [plain, {address, tls: {cert_file, key_file}}] on free loopback ports (a line edit, no YAML library);
#   * starts the echo upstream and one jwtgate per profile, waits for /healthz on both listeners (curl --cacert);
#   * runs pytest with --gateway, --base-url https://127.0.0.1:TLSPORT, --profile, --upstream-url, and
#     REQUESTS_CA_BUNDLE=the CA, so every request of the suite is verified https (127.0.0.1 is an IP SAN).
#
# Environment: CONFORMANCE_DIR (default $SHARED/conformance or ../shared/conformance next to the repository),
# ORACLE_VENV (the suite's Python environment, default ~/.cache/jwtgate/oracle-venv; ../shared/oracle/setup.sh
# makes it), TLS_CERT = server (ECDSA P-256, default) | rsa (RSA-2048) | chain (leaf + intermediate in one file),
# CONFORMANCE_TESTS="test_obtain.py ..." (only those files), PYTEST_ARGS, CONFORMANCE_TAIL (lines of pytest
# output shown, 15), KEEP_WORK=1 (keep the temp dir: configs, certificates, logs).
# Stops only what it started (by pid). Exit status: 0 when every profile passed (xfails allowed), 1 otherwise,
# 2 on bad usage or a missing environment.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$HERE")"
[ $# -ge 1 ] || { echo "usage: $0 JWTGATE_BINARY [PROFILE ...]" >&2; exit 2; }
BIN="$1"; shift
[ -x "$BIN" ] || { echo "not an executable: $BIN" >&2; exit 2; }
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"
if [ -n "${CONFORMANCE_DIR:-}" ]; then CONF="$CONFORMANCE_DIR"
elif [ -n "${SHARED:-}" ] && [ -d "$SHARED/conformance" ]; then CONF="$SHARED/conformance"
else CONF="$(dirname "$REPO")/shared/conformance"; fi
[ -f "$CONF/run-against-gateway.sh" ] || { echo "no conformance suite at $CONF (set CONFORMANCE_DIR)" >&2; exit 2; }
CONF="$(cd "$CONF" && pwd)"
VENV="${ORACLE_VENV:-$HOME/.cache/jwtgate/oracle-venv}"
PY="$VENV/bin/python"
[ -x "$PY" ] || { echo "no Python environment at $VENV: run $(dirname "$CONF")/oracle/setup.sh" >&2; exit 2; }
command -v curl >/dev/null || { echo "curl is needed (apt-get install curl)" >&2; exit 2; }
case "${TLS_CERT:-server}" in
  server) CERT=server.pem; KEY=server.key ;;
  rsa)    CERT=rsa.pem;    KEY=rsa.key ;;
  chain)  CERT=chain.pem;  KEY=chain.key ;;
  *) echo "TLS_CERT must be server, rsa or chain" >&2; exit 2 ;;
esac
if [ $# -gt 0 ]; then profiles=("$@"); else profiles=(default cookie strict norefresh rs256); fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/jwtgate-conformance-tls.XXXXXX")"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  if [ "${KEEP_WORK:-0}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { "$PY" -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 1 300); do curl -s -o /dev/null "$@" && return 0; sleep 0.1; done; return 1; }

"$REPO/scripts/make-local-ca.sh" "$WORK/tls" >/dev/null || { echo "make-local-ca.sh failed" >&2; exit 2; }
CA="$WORK/tls/ca.pem"

gport=$(free_port); tport=$(free_port); uport=$(free_port)
cp -r "$CONF/profiles" "$CONF/keys" "$WORK/"
chmod -R u+w "$WORK/profiles" "$WORK/keys"   # shared/ may come without write bits (as in CI)
sed -i "s/127.0.0.1:9001/127.0.0.1:$uport/" "$WORK"/profiles/*.yaml

# server.listen -> [plain, {address, tls}]: the string form (listen: "host:port") or a list (listen: [...] or
# block items below it). The plain address becomes 127.0.0.1:$gport, the TLS one 127.0.0.1:$tport.
add_tls_listener() {
  "$PY" - "$1" "$gport" "$tport" "$WORK/tls/$CERT" "$WORK/tls/$KEY" <<'EOF'
import re, sys
path, gport, tport, cert, key = sys.argv[1:]
lines = open(path).read().split("\n")
out, i, done, in_server = [], 0, False, False
while i < len(lines):
    line = lines[i]
    if re.match(r"^\S", line):
        in_server = line.startswith("server:")
    m = re.match(r"^(\s+)listen:\s*(.*?)\s*(#.*)?$", line) if in_server and not done else None
    if not m:
        out.append(line)
        i += 1
        continue
    ind = m.group(1)
    i += 1
    if not m.group(2):  # a block list: drop its "- item" lines
        while i < len(lines) and re.match(r"^" + ind + r"\s*-\s", lines[i]):
            i += 1
    out += [f"{ind}listen:  # rewritten by conformance-over-tls.sh: plain + TLS",
            f'{ind}  - "127.0.0.1:{gport}"',
            f'{ind}  - address: "127.0.0.1:{tport}"',
            f"{ind}    tls:",
            f'{ind}      cert_file: "{cert}"',
            f'{ind}      key_file: "{key}"']
    done = True
if not done:
    sys.exit(f"{path}: no server.listen to rewrite")
open(path, "w").write("\n".join(out))
EOF
}

"$PY" "$CONF/echo_upstream.py" "$uport" >"$WORK/upstream.log" 2>&1 & pids+=($!)

echo "conformance over TLS: jwtgate $BIN, certificate $CERT (CA $CA), suite $CONF"
status=0
for prof in "${profiles[@]}"; do
  cfg="$WORK/profiles/$prof.yaml"
  [ -f "$cfg" ] || { echo "no such profile: $prof" >&2; status=1; continue; }
  add_tls_listener "$cfg" || { status=1; continue; }
  "$BIN" serve --config "$cfg" >"$WORK/jwtgate-$prof.log" 2>&1 & gw=$!; pids+=($gw)
  if ! wait_up "http://127.0.0.1:$gport/healthz" || ! wait_up --cacert "$CA" "https://127.0.0.1:$tport/healthz"; then
    echo "=== $prof: jwtgate did not answer /healthz on http://127.0.0.1:$gport and https://127.0.0.1:$tport within 30 s each; its log:"
    tail -20 "$WORK/jwtgate-$prof.log"
    status=1; kill $gw 2>/dev/null; wait $gw 2>/dev/null; continue
  fi
  echo "=== $prof (https://127.0.0.1:$tport)"
  targets=("$CONF"); if [ -n "${CONFORMANCE_TESTS:-}" ]; then targets=(); for t in $CONFORMANCE_TESTS; do targets+=("$CONF/$t"); done; fi
  REQUESTS_CA_BUNDLE="$CA" "$VENV/bin/pytest" -q -p no:cacheprovider "${targets[@]}" --gateway \
      --base-url "https://127.0.0.1:$tport" --profile "$cfg" --upstream-url "http://127.0.0.1:$uport" ${PYTEST_ARGS:-} \
      | tail -"${CONFORMANCE_TAIL:-15}" || status=1
  kill $gw 2>/dev/null; wait $gw 2>/dev/null
done
[ "${KEEP_WORK:-0}" = 1 ] && echo "logs in $WORK"
exit $status
