#!/usr/bin/env bash
# `make run`: the portal with demo data on the embedded default (SQLite, a filesystem Celery
# broker, console e-mail), with a Celery worker and beat beside the web server.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-liaison.settings.local}"
PORT="${PORT:-8000}"
PY=.venv/bin/python
mkdir -p var/celery/out var/celery/processed var/celery/control var/media

$PY manage.py migrate --no-input -v 0
$PY manage.py seed_demo --scale demo --if-empty

.venv/bin/celery -A liaison worker --beat --loglevel=warning --concurrency=2 \
  --schedule var/celerybeat-schedule &
WORKER=$!
trap 'kill $WORKER 2>/dev/null || true; wait $WORKER 2>/dev/null || true' EXIT INT TERM

cat <<MSG

  Liaison portal: http://127.0.0.1:${PORT}/
  Demo accounts, all with the password Liaison#2026:
    admin (administrator) · office (city liaison office) · countyoffice (county liaison office)
    cadre · enterprise · department · specialgroup · leader · officepoint

MSG
$PY manage.py runserver "127.0.0.1:${PORT}" --noreload
