#!/usr/bin/env bash
# A private PostgreSQL server for the tests, on 127.0.0.1 and a free port, trust authentication,
# fsync off; nothing of the machine's own clusters is touched.
#   postgres-test-server.sh start DIR   → prints the admin URL (postgres://jwtgate@127.0.0.1:PORT/postgres)
#   postgres-test-server.sh stop DIR    → stops it and removes DIR
# Run as root (CI), the server runs as the `postgres` user, which refuses to run as root.
set -euo pipefail
cmd=${1:?start or stop}; dir=${2:?directory}
bin=""
for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
  [ -x "$candidate/initdb" ] && { bin=$candidate; break; }
done
[ -n "$bin" ] || bin=$(dirname "$(command -v initdb || echo /nonexistent/initdb)")
[ -x "$bin/initdb" ] || { echo "postgres-test-server: initdb not found (apt-get install postgresql; scripts/bootstrap.sh does)" >&2; exit 3; }
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case $cmd in
start)
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir" && chmod 755 "$dir"  # its parents must be searchable too (not mktemp -d)
  as_owner "$bin/initdb" -D "$dir/data" -A trust -U jwtgate -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/data/server.log" -w -t 30 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" start >/dev/null \
    || { cat "$dir/data/server.log" >&2; exit 1; }
  echo "postgres://jwtgate@127.0.0.1:$port/postgres"
  ;;
stop)
  [ -d "$dir/data" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  ;;
*) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
