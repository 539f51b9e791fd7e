import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse

from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_and_logout(client, people):
    response = login(client, "office", PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_wrong_password_gets_a_translated_error(client, people):
    response = login(client, "office", "wrong-password")
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_five_failures_lock_the_account_even_with_the_right_password(client, people):
    for _ in range(5):
        login(client, "office", "wrong-password")
    response = login(client, "office", PASSWORD)
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    # Another account from the same address is not locked.
    assert login(client, "leader", PASSWORD).status_code == 302


def test_a_session_ends_after_30_idle_minutes_and_activity_keeps_it(client, people):
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        assert login(client, "office", PASSWORD).status_code == 302
        # Active every 20 minutes for an hour: still logged in.
        for _ in range(3):
            clock.shift(datetime.timedelta(minutes=20))
            assert client.get(reverse("home")).status_code == 200
        # Then 31 idle minutes: logged out.
        clock.shift(datetime.timedelta(minutes=31))
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert reverse("login") in response["Location"]


def test_the_session_is_not_written_on_every_request(client, people, django_assert_max_num_queries):
    login(client, "office", PASSWORD)
    client.get(reverse("home"))
    with django_assert_max_num_queries(20) as captured:
        client.get(reverse("home"))
    assert not [
        q for q in captured.captured_queries if q["sql"].startswith('UPDATE "django_session"')
    ]


def test_weak_passwords_are_refused_on_change(client, people):
    client.force_login(people.office)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "太常见" in html and "只包含数字" in html


def test_pages_carry_a_content_security_policy_without_inline_scripts(client, people):
    client.force_login(people.office)
    response = client.get(reverse("home"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    html = response.content.decode()
    assert "<script>" not in html and "<style>" not in html
    assert "//cdn" not in html and "https://" not in html


def test_forms_need_a_csrf_token(people):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(people.office)
    assert strict.post(reverse("enterprises:import"), {}).status_code == 403


def run_manage(*args, env_extra):
    keep_out = {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DEBUG"}
    env = {k: v for k, v in os.environ.items() if k not in keep_out}
    env.update(env_extra)
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_extra={
            "DJANGO_SETTINGS_MODULE": "liaison.settings.production",
            "SECRET_KEY": "x" * 20 + "-production-secret-for-the-check-" + "y" * 20,
            "ALLOWED_HOSTS": "portal.example.gov.cn",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_the_default_secret_key():
    result = run_manage(
        "check",
        env_extra={"DJANGO_SETTINGS_MODULE": "liaison.settings.production", "SECRET_KEY": ""},
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_off_refuses_the_development_key(tmp_path):
    from liaison.settings.base import INSECURE_DEFAULT_SECRET_KEY

    local = {"DJANGO_SETTINGS_MODULE": "liaison.settings.local", "VAR_DIR": str(tmp_path)}
    result = run_manage("check", env_extra={**local, "SECRET_KEY": INSECURE_DEFAULT_SECRET_KEY})
    assert result.returncode != 0
    assert "liaison.E001" in result.stderr
    ok = run_manage(
        "check", env_extra={**local, "SECRET_KEY": "a-real-secret-for-this-check-" + "z" * 30}
    )
    assert ok.returncode == 0, ok.stderr


def test_make_run_generates_its_own_key_once_and_keeps_it(tmp_path):
    """`make run` (local settings, DEBUG off by default) never runs on a published key: it
    generates one into VAR_DIR/secret_key, readable by its owner only, and keeps it."""
    local = {"DJANGO_SETTINGS_MODULE": "liaison.settings.local", "VAR_DIR": str(tmp_path)}
    show = [
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG, settings.SECRET_KEY)",
    ]
    first = run_manage(*show, env_extra=local)
    assert first.returncode == 0, first.stderr
    debug, key = first.stdout.split()[-2:]
    assert debug == "False"
    key_file = tmp_path / "secret_key"
    assert key_file.read_text().strip() == key and len(key) >= 50
    assert key_file.stat().st_mode & 0o777 == 0o600
    from liaison.settings.base import INSECURE_DEFAULT_SECRET_KEY

    assert key != INSECURE_DEFAULT_SECRET_KEY
    again = run_manage(*show, env_extra=local)
    assert again.stdout.split()[-1] == key
    assert run_manage(*show, env_extra={**local, "DEBUG": "1"}).stdout.split()[-2] == "True"
