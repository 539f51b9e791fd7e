#!/usr/bin/env bash
# `make bench`: the Weifang scale in a dedicated PostgreSQL database (created and loaded once,
# reused afterwards), then every registered scenario. A benchmark, not a test: CI does not run it.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=liaison.settings.local
export DEBUG=0
export SECRET_KEY="${SECRET_KEY:-bench-only-key-never-deployed-$(hostname)}"
export BENCH_DATABASE_URL="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/liaison_bench}"
export DATABASE_URL="$BENCH_DATABASE_URL"
.venv/bin/python - <<'PY'
import os
from urllib.parse import urlparse

import psycopg2
from psycopg2 import sql

url = urlparse(os.environ["DATABASE_URL"])
name = url.path.lstrip("/")
conn = psycopg2.connect(
    host=url.hostname, port=url.port or 5432, user=url.username or "postgres",
    password=url.password, dbname="postgres",
)
conn.autocommit = True
with conn.cursor() as cur:
    cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    if cur.fetchone() is None:
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        print(f"created database {name}")
PY
.venv/bin/python manage.py migrate --no-input -v 0
.venv/bin/python manage.py collectstatic --no-input -v 0
.venv/bin/python manage.py bench "$@"
