#!/usr/bin/env bash
# Checks deploy/jwtgate.service: `systemd-analyze verify` must accept it without a single warning,
# TimeoutStopSec must exceed server.drain_grace + server.shutdown_timeout of config/gateway.yaml,
# and the `systemd-analyze security` exposure score is printed (informational).
# verify insists that ExecStart's binary exists; the unit is checked as a temporary copy whose
# /usr/local/bin/jwtgate points at a stub executable, so nothing is installed or enabled anywhere.
# Unit: $UNIT (default deploy/jwtgate.service), so a broken copy can be tried.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

UNIT=${UNIT:-$REPO_ROOT/deploy/jwtgate.service}
[ -f "$UNIT" ] || fail "no $UNIT"
command -v systemd-analyze >/dev/null || ensure_apt systemd

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
printf '#!/bin/sh\nexit 0\n' > "$tmp/jwtgate"; chmod +x "$tmp/jwtgate"
sed "s#/usr/local/bin/jwtgate#$tmp/jwtgate#g" "$UNIT" > "$tmp/jwtgate.service"
# verify prints problems (unknown keys, bad values, missing binaries) but exits 0 for many of them.
if ! out=$(systemd-analyze verify "$tmp/jwtgate.service" 2>&1) || [ -n "$out" ]; then
  echo "$out" | sed "s#$tmp/##g" >&2
  fail "systemd-analyze verify rejects $(basename "$UNIT")"
fi
note "systemd-analyze verify: clean ($(systemd-analyze --version | head -1))"

# Durations as jwtgate reads them (seconds, or 250ms / 30s / 5m) -> milliseconds.
ms() { case $1 in *ms) echo "${1%ms}";; *s) echo $(( ${1%s} * 1000 ));; *m) echo $(( ${1%m} * 60000 ));; *) echo $(( $1 * 1000 ));; esac; }
cfg=$REPO_ROOT/config/gateway.yaml
grace=$(sed -n 's/^ *drain_grace: *\([0-9a-z]*\).*/\1/p' "$cfg"); shutdown=$(sed -n 's/^ *shutdown_timeout: *\([0-9a-z]*\).*/\1/p' "$cfg")
stop=$(sed -n 's/^TimeoutStopSec=//p' "$UNIT")
[ -n "$grace" ] && [ -n "$shutdown" ] && [ -n "$stop" ] || fail "cannot read drain_grace/shutdown_timeout/TimeoutStopSec"
[ "$(ms "$stop")" -gt $(( $(ms "$grace") + $(ms "$shutdown") )) ] \
  || fail "TimeoutStopSec=$stop does not exceed drain_grace $grace + shutdown_timeout $shutdown: SIGKILL would cut the drain"
for key in KillSignal=SIGTERM 'ExecReload=/bin/kill -HUP $MAINPID' DynamicUser=yes NoNewPrivileges=yes ProtectSystem=strict; do
  grep -qxF "$key" "$UNIT" || fail "$(basename "$UNIT") lacks $key"
done
note "TimeoutStopSec=$stop > drain_grace $grace + shutdown_timeout $shutdown"

if score=$(systemd-analyze security --offline=true "$tmp/jwtgate.service" 2>/dev/null | grep 'Overall exposure'); then
  note "systemd-analyze security (informational): ${score#→ }"
fi
