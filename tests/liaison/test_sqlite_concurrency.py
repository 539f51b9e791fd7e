"""The embedded SQLite default serves two users at once: conflicting writes wait for each other
instead of failing with "database is locked" (WAL, a busy timeout, immediate transactions)."""

import threading
import time

import pytest
from django.conf import settings
from django.db import connections, transaction

from liaison.settings.base import SQLITE_OPTIONS

ALIAS = "concurrent_sqlite"


@pytest.fixture
def file_database(tmp_path, django_db_blocker):
    """A file-based SQLite database configured as `make run` configures its own."""
    config = connections.configure_settings(
        {
            "default": {"ENGINE": "django.db.backends.dummy"},
            ALIAS: {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(tmp_path / "db.sqlite3"),
                "OPTIONS": dict(SQLITE_OPTIONS),
            },
        }
    )[ALIAS]
    connections.settings[ALIAS] = config
    with django_db_blocker.unblock():
        with connections[ALIAS].cursor() as cursor:
            cursor.execute("CREATE TABLE counter (n INTEGER NOT NULL)")
            cursor.execute("INSERT INTO counter VALUES (0)")
        yield connections[ALIAS]
        connections[ALIAS].close()
    del connections.settings[ALIAS]


def test_the_local_settings_use_these_options():
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_two_users_writing_at_once_both_succeed(file_database, django_db_blocker):
    with file_database.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def increment():
        try:
            with django_db_blocker.unblock():
                start.wait()
                # Read, think, then write: the pattern of every form that checks before it
                # saves. Deferred transactions would both read, and the second to write would
                # fail at once with "database is locked".
                with transaction.atomic(using=ALIAS):
                    with connections[ALIAS].cursor() as cursor:
                        cursor.execute("SELECT n FROM counter")
                        n = cursor.fetchone()[0]
                        time.sleep(0.3)
                        cursor.execute("UPDATE counter SET n = %s", [n + 1])
                connections[ALIAS].close()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=increment) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with file_database.cursor() as cursor:
        cursor.execute("SELECT n FROM counter")
        assert cursor.fetchone()[0] == 2  # neither write was lost
