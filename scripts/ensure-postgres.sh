#!/usr/bin/env bash
# Makes sure the tests have a PostgreSQL: DATABASE_URL if set, else the local server on
# 127.0.0.1:5432, starting Debian's cluster if it is installed but stopped.
set -euo pipefail

[ -n "${DATABASE_URL:-}" ] && exit 0

ready() { .venv/bin/python - <<'PY'
import psycopg, sys
try:
    psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=2).close()
except psycopg.OperationalError:
    sys.exit(1)
PY
}

ready && exit 0
if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
  for version in $(ls /etc/postgresql); do
    echo "Démarrage de PostgreSQL $version…"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  done
  for _ in $(seq 30); do ready && exit 0; sleep 1; done
fi
echo "PostgreSQL n'est pas joignable sur 127.0.0.1:5432 : définissez DATABASE_URL." >&2
exit 1
