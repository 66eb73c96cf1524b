#!/usr/bin/env bash
# Rebuilds the two SQLite fixtures of SQLiteUserStoreTests with Django's own migrations:
#   django-auth.sqlite3         default auth.User (auth_user): alice, bob (inactive), carol (no email),
#                               dave (unusable password)
#   django-custom-user.sqlite3  a custom AUTH_USER_MODEL (accounts_user): UUID pk, USERNAME_FIELD = "email",
#                               no is_active column, an extra text column jwt_secret
#   hand-written.sqlite3        not Django's: small tables for edge cases Django never creates (see the .py)
# Uses the reference oracle's venv (Django 3.2): ORACLE_VENV, default ~/.cache/jwtgate/oracle-venv.
# Re-runnable: the throw-away Django project lives in a temp dir; the .sqlite3 files are replaced.
# Passwords use pbkdf2_sha256 at 1000 iterations with fixed salts, so the hashes are the same on every run
# (the tests compare them verbatim) and checking them is fast.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYTHON="${ORACLE_VENV:-$HOME/.cache/jwtgate/oracle-venv}/bin/python"
if [ ! -x "$PYTHON" ]; then
  echo "no Python at $PYTHON: run /work/shared/oracle/setup.sh or set ORACLE_VENV" >&2
  exit 1
fi
WORK="$(mktemp -d "${TMPDIR:-/tmp}/jwtgate-fixtures.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
"$PYTHON" "$HERE/make_django_sqlite.py" "$WORK" auth "$HERE/django-auth.sqlite3"
"$PYTHON" "$HERE/make_django_sqlite.py" "$WORK" custom "$HERE/django-custom-user.sqlite3"
"$PYTHON" "$HERE/make_django_sqlite.py" "$WORK" handwritten "$HERE/hand-written.sqlite3"
