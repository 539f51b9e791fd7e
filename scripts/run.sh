#!/usr/bin/env bash
# `make run`: the portal with demo data on the embedded default (SQLite, a filesystem Celery
# broker, console e-mail), with a Celery worker and beat beside the web server. DEBUG is off
# unless DEBUG=1; the secret key is generated on first run into $VAR_DIR/secret_key.
# Ctrl-C or SIGTERM stops the web server and the worker within seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-liaison.settings.local}"
export VAR_DIR="${VAR_DIR:-$PWD/var}"
PORT="${PORT:-8000}"
PY="${PY:-.venv/bin/python}"
CELERY="${CELERY:-.venv/bin/celery}"
mkdir -p "$VAR_DIR"/celery/out "$VAR_DIR"/celery/processed "$VAR_DIR"/celery/control \
  "$VAR_DIR"/media

$PY manage.py migrate --no-input -v 0
$PY manage.py seed_demo --scale demo --if-empty

# One process, tasks run in turn (solo pool): on SIGTERM it finishes the task in hand and
# leaves at once, where a prefork pool with the filesystem broker lingered in warm shutdown.
$CELERY -A liaison worker --beat --pool=solo --loglevel=warning \
  --schedule "$VAR_DIR/celerybeat-schedule" &
WORKER=$!
SERVER=""

stop() {
  trap - EXIT INT TERM
  [ -n "$SERVER" ] && kill -TERM "$SERVER" 2>/dev/null || true
  kill -TERM "$WORKER" 2>/dev/null || true
  # A grace period for the task in hand, then a cold shutdown (its task goes back to the queue).
  for _ in $(seq 1 60); do
    kill -0 "$WORKER" 2>/dev/null || break
    sleep 0.1
  done
  kill -QUIT "$WORKER" 2>/dev/null || true
  sleep 0.5
  kill -KILL "$WORKER" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop EXIT
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM

cat <<MSG

  Liaison portal: http://127.0.0.1:${PORT}/
  Demo accounts, all with the password Liaison#2026:
    admin (administrator) · office (city liaison office) · countyoffice (county liaison office)
    cadre · enterprise · department · specialgroup · leader · officepoint

MSG
# In the background so that the shell's traps run as soon as a signal arrives.
$PY manage.py runserver "127.0.0.1:${PORT}" --noreload &
SERVER=$!
wait "$SERVER"
