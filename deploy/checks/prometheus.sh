#!/usr/bin/env bash
# Checks deploy/prometheus and deploy/grafana against the real gateway:
#   1. promtool check rules + promtool test rules (unit tests of some alerts);
#   2. the Grafana dashboard is valid JSON;
#   3. a real jwtgate (JWTGATE_BIN) is started on a free loopback port with the sample config, sent
#      a few requests (health, ready, a failed and a good login, a proxied request to a closed
#      upstream port), and its /metrics scrape goes through `promtool check metrics`;
#   4. every jwtgate_* metric and every label value matched literally (=, =~, !~ "a|b") in the rules
#      and the dashboard appears in that scrape, so renaming a metric or a label value fails here.
# Needs promtool: Debian package `prometheus` (installed with apt-get when missing and run as root).
# Env: JWTGATE_BIN (default .build/debug/jwtgate).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
rules="$root/deploy/prometheus/jwtgate-rules.yml"
tests="$root/deploy/prometheus/jwtgate-rules.test.yml"
dashboard="$root/deploy/grafana/jwtgate-dashboard.json"
bin=${JWTGATE_BIN:-.build/debug/jwtgate}
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac

fail() { echo "prometheus check FAILED: $*" >&2; exit 1; }

[ -x "$bin" ] || fail "jwtgate binary not found at $bin (set JWTGATE_BIN)"
if ! command -v promtool > /dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
        echo "== installing promtool (Debian package prometheus)"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus > /dev/null \
            || fail "apt-get install prometheus failed (is Debian's prometheus package available here?)"
    fi
    command -v promtool > /dev/null || fail "promtool not found: install Debian's prometheus package"
fi
echo "== $(promtool --version 2>&1 | head -1)"

# 1. rules ----------------------------------------------------------------------------------------
promtool check rules "$rules" || fail "promtool check rules"
(cd "$(dirname "$tests")" && promtool test rules "$(basename "$tests")") || fail "promtool test rules"

# 2. dashboard JSON -------------------------------------------------------------------------------
python3 -m json.tool "$dashboard" > /dev/null || fail "$dashboard is not valid JSON"
echo "dashboard: valid JSON"

# 3. a real scrape --------------------------------------------------------------------------------
tmp=$(mktemp -d)
pid=
cleanup() {
    if [ -n "$pid" ]; then kill "$pid" 2> /dev/null || true; wait "$pid" 2> /dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT

read -r port upstream_port tls_port < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(3)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])')
cp "$root/config/gateway.yaml" "$root/config/routes.yaml" "$root/config/users.yaml" "$tmp/"
# A self-signed certificate for a TLS listener beside the plain one (the TLS metrics need one).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$tmp/tls.key" -out "$tmp/tls.pem" \
    -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost" -addext "extendedKeyUsage=serverAuth" -days 30 2> /dev/null \
    || fail "openssl could not make a test certificate"
# Listen on the free ports; upstreams on a port nobody listens on (every proxied request: 502, connect error).
sed -i "s|listen: \"127.0.0.1:8080\"|listen: [\"127.0.0.1:$port\", {address: \"127.0.0.1:$tls_port\", tls: {cert_file: tls.pem, key_file: tls.key}}]|" "$tmp/gateway.yaml"
sed -i "s|http://127.0.0.1:9001|http://127.0.0.1:$upstream_port|" "$tmp/routes.yaml"
grep -q "127.0.0.1:$port" "$tmp/gateway.yaml" || fail "could not set the listen port in the sample config"

"$bin" serve --config "$tmp/gateway.yaml" > "$tmp/serve.log" 2>&1 &
pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 50); do
    curl -fsS -o /dev/null "$base/healthz" 2> /dev/null && break
    kill -0 "$pid" 2> /dev/null || { cat "$tmp/serve.log"; fail "jwtgate exited at start"; }
    sleep 0.2
done
curl -fsS -o /dev/null "$base/healthz" || { cat "$tmp/serve.log"; fail "jwtgate did not answer /healthz"; }

req() { curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$@"; }
echo "== requests: healthz $(req "$base/healthz") readyz $(req "$base/readyz")" \
     "bad-login $(req -X POST -d 'username=demo&password=wrong' "$base/api-token-auth/")" \
     "login $(req -X POST -d 'username=demo&password=demo-password' "$base/api-token-auth/")" \
     "no-token $(req "$base/api/orders")" "public $(req "$base/api/public/ping")" \
     "tls $(req --cacert "$tmp/tls.pem" "https://localhost:$tls_port/healthz")"

curl -fsS --max-time 10 "$base/metrics" > "$tmp/metrics.txt" || fail "scraping /metrics"
echo "scrape: $(grep -vc '^#' "$tmp/metrics.txt") samples"
# promtool prints lint findings (naming, units, missing HELP) and parse errors; it exits 1 on either.
if promtool check metrics < "$tmp/metrics.txt" > "$tmp/lint.txt" 2>&1; then
    [ -s "$tmp/lint.txt" ] && { echo "promtool check metrics warnings:"; cat "$tmp/lint.txt"; }
    echo "promtool check metrics: ok"
else
    cat "$tmp/lint.txt"
    fail "promtool check metrics"
fi

# 4. names and label values used by the rules and the dashboard exist in the scrape ---------------
python3 - "$tmp/metrics.txt" "$rules" "$dashboard" <<'PY' || fail "rules/dashboard reference metrics or label values the gateway does not export"
import json, re, sys

scrape, rules_path, dash_path = sys.argv[1:4]
series = {}                                    # metric name -> {label: set(values)}
for line in open(scrape):
    if not line.strip() or line.startswith("#"):
        continue
    m = re.match(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s", line)
    if not m:
        sys.exit(f"unparsable scrape line: {line!r}")
    labels = series.setdefault(m.group(1), {})
    for k, v in re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(3) or ""):
        labels.setdefault(k, set()).add(v)

# Labels that Prometheus adds at scrape time, or dashboard template variables.
SKIP_LABELS = {"job", "instance", "le"}

def exprs_of_rules(path):
    # The whole file without comment lines: exprs, and the metric names quoted in annotations.
    return ["".join(l for l in open(path) if not l.lstrip().startswith("#"))]

def exprs_of_dashboard(path):
    out = []
    def walk(o):
        if isinstance(o, dict):
            for k, v in o.items():
                if k == "expr" and isinstance(v, str):
                    out.append(v)
                else:
                    walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)
    walk(json.load(open(path)))
    return out

problems, checked = [], {}
for source, texts in (("rules", exprs_of_rules(rules_path)), ("dashboard", exprs_of_dashboard(dash_path))):
    names = set()
    for text in texts:
        for name in re.findall(r"\bjwtgate_[a-zA-Z0-9_]+", text):
            names.add(name)
            if name not in series:
                problems.append(f"{source}: metric {name} is not in the scrape")
        for name, body in re.findall(r"\b(jwtgate_[a-zA-Z0-9_]+)\s*\{([^}]*)\}", text):
            for label, op, value in re.findall(r'(\w+)\s*(=~|!~|!=|=)\s*"([^"]*)"', body):
                if label in SKIP_LABELS or "$" in value:
                    continue
                if op in ("=~", "!~"):
                    if not re.fullmatch(r"[\w:/.-]+(\|[\w:/.-]+)*", value):
                        continue                     # a real regex: cannot check literally
                    wanted = value.split("|")
                else:
                    wanted = [value]
                have = series.get(name, {}).get(label, set())
                for w in wanted:
                    if w not in have:
                        problems.append(f"{source}: {name}{{{label}{op}\"{value}\"}}: no series with {label}=\"{w}\" in the scrape")
    checked[source] = len(names)

for p in sorted(set(problems)):
    print("  -", p)
if problems:
    sys.exit(1)
print(f"metric names: rules use {checked['rules']}, dashboard uses {checked['dashboard']}; all in the scrape, with their label values")
PY
echo "prometheus check: ok"
