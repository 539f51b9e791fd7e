"""Fixtures of the browser tests: Debian's chromium driven through Playwright's sync API.

The tests run against pytest-django's ``live_server``. Requesting ``live_server`` makes a test
transactional (pytest-django), so the data the fixtures create is committed and the server
thread sees it. Each transactional test ends with a flush of every table, which also removes the
rows the project's data migrations load (role groups, ranks, tags, quota presets...):
``migration_presets`` replays those migrations after a flush, so the tests do not depend on the
order they run in.

Playwright's sync API keeps an asyncio event loop running in the test thread from start to stop,
and Django refuses ORM calls from a thread with a running loop unless DJANGO_ALLOW_ASYNC_UNSAFE
is set. Both are confined to the browser tests: the variable is set when chromium starts and
restored when it stops, and chromium stops right after the last browser test, so later tests
(and the subprocesses they start, e.g. ``manage.py check --deploy``) see neither.
"""

import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.conftest import need_service

HERE = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
TIMEOUT_MS = 10_000
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


class _Chromium:
    """The one chromium of the session, and what must be undone when it stops."""

    playwright = None
    browser = None
    saved_env: str | None = None

    @classmethod
    def start(cls):
        from playwright.sync_api import expect, sync_playwright

        cls.saved_env = os.environ.get(ASYNC_UNSAFE)
        os.environ[ASYNC_UNSAFE] = "true"
        expect.set_options(timeout=TIMEOUT_MS)
        cls.playwright = sync_playwright().start()
        try:
            cls.browser = cls.playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
        except Exception:
            cls.stop()
            raise
        return cls.browser

    @classmethod
    def stop(cls):
        if cls.playwright is None:
            return
        try:
            if cls.browser is not None:
                cls.browser.close()
            cls.playwright.stop()
        finally:
            cls.playwright = cls.browser = None
            if cls.saved_env is None:
                os.environ.pop(ASYNC_UNSAFE, None)
            else:
                os.environ[ASYNC_UNSAFE] = cls.saved_env


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After the last browser test (and its fixtures' teardown), stop chromium.

    pytest-django runs the transactional tests together, so the browser tests are contiguous.
    """
    result = yield
    if nextitem is None or HERE not in Path(nextitem.path).resolve().parents:
        _Chromium.stop()
    return result


@pytest.fixture(scope="session")
def browser(django_db_setup):
    # django_db_setup first: the test database is created before chromium starts and
    # destroyed after it stops, never while Playwright's loop runs.
    need_service("chromium", CHROMIUM.exists(), f"{CHROMIUM} does not exist")
    yield _Chromium.start()
    _Chromium.stop()


@pytest.fixture(scope="session")
def data_migrations():
    """The RunPython functions of the project's own migrations, in the order migrate runs them."""
    from django.apps import apps
    from django.conf import settings
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations.special import RunPython

    root = Path(settings.BASE_DIR).resolve()
    local = {
        config.label
        for config in apps.get_app_configs()
        if root in Path(config.path).resolve().parents
        and "site-packages" not in Path(config.path).parts
    }
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    plan = {}
    for leaf in sorted(graph.leaf_nodes()):
        plan.update(dict.fromkeys(graph.forwards_plan(leaf)))
    return [
        operation.code
        for key in plan
        if key[0] in local
        for operation in graph.nodes[key].operations
        if isinstance(operation, RunPython)
    ]


@pytest.fixture(autouse=True)
def migration_presets(browser, transactional_db, data_migrations):
    """After a flush, load again what the project's data migrations load on an empty database.

    The role groups (org's first data migration) tell whether a flush happened. The functions
    run with the current models, which match the current schema.
    """
    from django.apps import apps
    from django.contrib.auth.models import Group
    from django.db import connection

    if Group.objects.exists():
        return
    schema_editor = SimpleNamespace(connection=connection)
    for forwards in data_migrations:
        forwards(apps, schema_editor)


@pytest.fixture
def new_page(browser):
    """Make a page in a fresh context (own cookies); every context is closed afterwards.

    Browsers send Accept-Language and Django's LocaleMiddleware honours it, so the contexts
    are Chinese (zh-CN), as the portal's users are, unless a test asks otherwise.
    """
    contexts = []

    def make(viewport=None, locale="zh-CN", **options):
        context = browser.new_context(
            viewport=viewport or DESKTOP, locale=locale, accept_downloads=True, **options
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def phone_page(new_page):
    return new_page(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
