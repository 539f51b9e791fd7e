#!/usr/bin/env bash
# `make test`: the whole suite. With DATABASE_URL / REDIS_URL set it runs on PostgreSQL and a
# Redis-backed Celery worker; without them on SQLite, and the tests that need a live service
# skip — unless REQUIRE_SERVICES=1, when a missing service fails them.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=liaison.settings.test
.venv/bin/python -m pytest "$@"
