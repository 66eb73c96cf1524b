#!/usr/bin/env bash
# Checks the scripts under deploy/ that operators and CI run: each Python one compiles and answers
# --help (deploy/fleet/run, deploy/demo-upstream.py is a server: compile only), and every shell script
# parses (`bash -n`). The fleet script itself runs in .ci/run (deploy/fleet/run --short).
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for py in "$REPO_ROOT/deploy/demo-upstream.py" "$REPO_ROOT/deploy/fleet/run"; do
  python3 -c 'import sys, py_compile; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)' \
    "$py" "$tmp/out.pyc" || fail "$py does not compile"
done
"$REPO_ROOT/deploy/fleet/run" --help >/dev/null || fail "deploy/fleet/run --help fails"
for sh in "$REPO_ROOT/deploy/check" "$REPO_ROOT"/deploy/checks/*.sh "$REPO_ROOT"/deploy/checks/lib/*.sh; do
  bash -n "$sh" || fail "$sh does not parse"
done
note "python scripts compile, fleet/run --help answers, shell scripts parse"
