"""A real Celery worker on the Redis broker runs the portal's tasks against the real database."""

import socket
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from tests.conftest import need_service


def redis_reachable() -> tuple[bool, str]:
    if not settings.REDIS_URL:
        return False, "REDIS_URL is not set"
    parsed = urlparse(settings.REDIS_URL)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=2):
            return True, ""
    except OSError as exc:
        return False, f"cannot connect to {settings.REDIS_URL}: {exc}"


@pytest.fixture
def celery_worker_on_redis(transactional_db):
    available, why = redis_reachable()
    need_service("Redis", available, why)
    from celery.contrib.testing.worker import start_worker

    from liaison.celery import app

    app.conf.broker_url = settings.REDIS_URL
    app.conf.task_always_eager = False
    assert app.conf.result_backend == settings.REDIS_URL  # test settings read results there
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker


def test_the_worker_clears_expired_sessions(celery_worker_on_redis):
    from org.tasks import clear_expired_sessions

    live = SessionStore()
    live.create()
    old = SessionStore()
    old.create()
    Session.objects.filter(session_key=old.session_key).update(
        expire_date=timezone.now() - timedelta(days=1)
    )
    result = clear_expired_sessions.delay()
    assert result.get(timeout=30) == 1
    assert Session.objects.filter(session_key=live.session_key).exists()
    assert not Session.objects.filter(session_key=old.session_key).exists()
    # Idempotent: a second run finds nothing more to delete.
    assert clear_expired_sessions.delay().get(timeout=30) == 0


@pytest.mark.django_db
def test_beat_schedule_is_in_the_database():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="org.tasks.clear_expired_sessions")
    assert task.enabled and task.crontab is not None


def test_the_worker_runs_the_escalation_sweep(celery_worker_on_redis):
    from issues.tasks import escalation_sweep

    counts = escalation_sweep.delay().get(timeout=30)
    assert counts == {}  # nothing to do on an empty database, and no error


@pytest.mark.django_db
def test_the_sweep_is_scheduled_every_15_minutes():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="issues.tasks.escalation_sweep")
    assert (task.interval.every, task.interval.period) == (15, "minutes")
