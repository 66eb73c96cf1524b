# Shared helpers for deploy/checks/*.sh (sourced, not run: deploy/check only runs checks/*.sh).
# shellcheck shell=bash

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
DEPLOY_CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/jwtgate
_apt_updated=0

fail() { echo "FAIL: $*" >&2; exit 1; }
note() { echo "  $*"; }

# ensure_apt PACKAGE...: installs the Debian packages that are not installed yet (as root, or via sudo).
ensure_apt() {
  local missing=() p sudo=""
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || fail "needs Debian packages ${missing[*]} (run as root, or install them)"
    sudo="sudo"
  fi
  note "installing ${missing[*]} (apt-get)"
  if [ $_apt_updated -eq 0 ]; then $sudo apt-get update -q >/dev/null; _apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null \
    || fail "apt-get install ${missing[*]} failed"
}

# jwtgate_binary: the binary the checks inspect: $JWTGATE_BIN, else the repo's release, else debug build.
jwtgate_binary() {
  local b
  for b in "${JWTGATE_BIN:-}" "$REPO_ROOT/.build/release/jwtgate" "$REPO_ROOT/.build/debug/jwtgate"; do
    [ -n "$b" ] && [ -x "$b" ] && { echo "$b"; return 0; }
  done
  fail "no jwtgate binary: run scripts/build-release.sh, or set JWTGATE_BIN=/path/to/jwtgate"
}
