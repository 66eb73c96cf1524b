#!/usr/bin/env bash
# Checks deploy/lb/: `haproxy -c` on haproxy.cfg, `nginx -t` on nginx.conf (a copy whose log paths
# point into a temp dir, with pid/error log there too: nothing is written outside it), and
# `jwtgate check-config` on gateway-behind-lb.yaml (copied beside config/routes.yaml and users.yaml,
# JWT_SECRET_KEY set to a throwaway value). Also checks the three files still agree with each other:
# the replica addresses, /readyz health checks, keep-alive and X-Forwarded-For settings.
# Files: $LB_DIR (default deploy/lb), so a broken copy can be tried.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

LB_DIR=${LB_DIR:-$REPO_ROOT/deploy/lb}
for f in haproxy.cfg nginx.conf gateway-behind-lb.yaml; do [ -f "$LB_DIR/$f" ] || fail "no $LB_DIR/$f"; done
command -v haproxy >/dev/null || ensure_apt haproxy
command -v nginx >/dev/null || ensure_apt nginx
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

out=$(haproxy -c -f "$LB_DIR/haproxy.cfg" 2>&1) || { echo "$out" >&2; fail "haproxy -c rejects haproxy.cfg"; }
# haproxy -c passes configs with warnings (e.g. a misspelt keyword in some sections); do not.
if echo "$out" | grep -q '\[WARNING\]'; then echo "$out" >&2; fail "haproxy -c warns about haproxy.cfg"; fi
note "haproxy -c: valid ($(haproxy -v | head -1 | cut -d' ' -f1-3))"

mkdir -p "$tmp/nginx/logs"
sed "s#/var/log/nginx/#$tmp/nginx/logs/#g" "$LB_DIR/nginx.conf" > "$tmp/nginx/nginx.conf"
out=$(nginx -t -q -p "$tmp/nginx" -e "$tmp/nginx/logs/error.log" -c "$tmp/nginx/nginx.conf" \
        -g "pid $tmp/nginx/nginx.pid; error_log $tmp/nginx/logs/error.log;" 2>&1) \
  || { echo "$out" | sed "s#$tmp/nginx/##g" >&2; fail "nginx -t rejects nginx.conf"; }
if [ -n "$out" ]; then echo "$out" >&2; fail "nginx -t warns about nginx.conf"; fi
note "nginx -t: valid ($(nginx -v 2>&1 | sed 's/.*: //'))"

# The pieces that make the pairing work; a config that still parses without them is still wrong.
need() { grep -qE "$2" "$LB_DIR/$1" || fail "$1 lacks $3 (/$2/)"; }
need haproxy.cfg '^\s*http-check send meth GET uri /readyz' "an active health check on /readyz"
need haproxy.cfg '^\s*http-check expect status 200\s*$' "http-check expect status 200"
need haproxy.cfg '^\s*option forwardfor' "option forwardfor"
need haproxy.cfg '^\s*retry-on .*conn-failure' "retry-on conn-failure"
need haproxy.cfg '^\s*option redispatch' "option redispatch"
need nginx.conf '^\s*keepalive [0-9]+;' "upstream keepalive"
need nginx.conf '^\s*proxy_set_header Connection "";' 'proxy_set_header Connection ""'
need nginx.conf '^\s*proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;' "X-Forwarded-For"
need nginx.conf '^\s*proxy_next_upstream error timeout' "proxy_next_upstream error timeout"
for port in 8081 8082 8083; do
  need haproxy.cfg "127\.0\.0\.1:$port" "the replica 127.0.0.1:$port"; need nginx.conf "127\.0\.0\.1:$port;? " "the replica 127.0.0.1:$port"
done
need gateway-behind-lb.yaml '^\s*listen: "127\.0\.0\.1:8081"' "a listen address among the balancers' backends"
need gateway-behind-lb.yaml '^\s*trusted_proxies: \["127\.0\.0\.1/32"\]' "trusted_proxies = the balancers' address"

bin=$(jwtgate_binary)
cp "$LB_DIR/gateway-behind-lb.yaml" "$tmp/gateway.yaml"
cp "$REPO_ROOT/config/routes.yaml" "$REPO_ROOT/config/users.yaml" "$tmp/"
out=$(JWT_SECRET_KEY=lb-check-throwaway-secret-0123456789abcdef "$bin" check-config --config "$tmp/gateway.yaml" 2>&1) \
  || { echo "$out" | sed "s#$tmp/##g" >&2; fail "jwtgate check-config rejects gateway-behind-lb.yaml"; }
note "jwtgate check-config: gateway-behind-lb.yaml valid"
