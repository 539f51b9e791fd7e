"""`make run` as its users see it: scripts/run.sh on a temporary folder and port serves pages
with DEBUG off (styles load, error pages are the portal's own), keeps a generated secret key in
its folder, and stops — web server, Celery worker and beat — within seconds of SIGTERM."""

import os
import signal
import socket
import stat
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - local test URL
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def members(pgid: int) -> list[str]:
    """The command lines of the live (not zombie) processes of a process group."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[2]) == pgid and fields[0] != "Z":
                    found.append((entry / "cmdline").read_text().replace("\0", " "))
            except (FileNotFoundError, ProcessLookupError, PermissionError, IndexError):
                continue
    return found


def group_alive(process) -> bool:
    process.poll()  # reap run.sh itself once it has exited
    return bool(members(process.pid))


@pytest.fixture
def run_script(tmp_path):
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "CELERY_BROKER_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="liaison.settings.local",
        VAR_DIR=str(tmp_path / "var"),
        PORT=str(port),
        STATIC_ROOT=str(tmp_path / "var" / "staticfiles"),
        MEDIA_ROOT=str(tmp_path / "var" / "media"),
        CELERY_FS_ROOT=str(tmp_path / "var" / "celery"),
    )
    process = subprocess.Popen(  # noqa: S603
        ["/bin/bash", str(ROOT / "scripts" / "run.sh")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        yield process, f"http://127.0.0.1:{port}", tmp_path / "var"
    finally:
        if group_alive(process):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def test_make_run_serves_without_debug_and_stops_within_seconds(run_script):
    process, base, var = run_script
    deadline = time.monotonic() + 240  # migrations and the demo data on two shared cores
    while True:
        assert process.poll() is None, "run.sh exited before serving"
        try:
            status, _ = get(f"{base}/accounts/login/")
            if status == 200:
                break
        except OSError:
            pass
        assert time.monotonic() < deadline, "run.sh did not serve within 4 minutes"
        time.sleep(1)

    # DEBUG is off: a missing page is the portal's own page in Chinese, styles still load.
    status, body = get(f"{base}/no-such-page/")
    assert status == 404
    assert "该页面不存在" in body and "Django" not in body and "Traceback" not in body
    status, css = get(f"{base}/static/css/portal.css")
    assert status == 200 and css
    # The secret key of this installation, readable by its owner only.
    key = var / "secret_key"
    assert len(key.read_text().strip()) >= 50
    assert stat.S_IMODE(key.stat().st_mode) == 0o600

    # Let the worker and beat come up before stopping everything.
    deadline = time.monotonic() + 60
    while not any("celery" in cmd and "worker" in cmd for cmd in members(process.pid)):
        assert time.monotonic() < deadline, "the Celery worker did not start"
        time.sleep(0.5)
    time.sleep(5)

    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    while group_alive(process) and time.monotonic() - started < 15:
        time.sleep(0.2)
    took = time.monotonic() - started
    assert not group_alive(process), f"still running after {took:.1f} s: {members(process.pid)}"
    assert took < 10
