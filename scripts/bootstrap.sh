#!/usr/bin/env bash
# Installs the system libraries jwtgate builds against (Debian/Ubuntu), if any are missing.
# Safe to run repeatedly; needs root (or sudo) only when something has to be installed.
set -euo pipefail
# redis-server: the tests start a private Redis for the shared throttle store (libhiredis-dev is its client).
# postgresql: the tests start a private PostgreSQL server for the postgres user backend.
packages=(libssl-dev libcurl4-openssl-dev libargon2-dev libsqlite3-dev libpq-dev libhiredis-dev libcrypt-dev pkg-config curl python3 python3-venv postgresql redis-server)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "bootstrap: installing ${missing[*]}" >&2
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"
fi
command -v swift >/dev/null || { echo "bootstrap: swift is not on PATH (Swift 6.x toolchain needed)" >&2; exit 1; }
