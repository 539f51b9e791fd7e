"""docker-compose.yml describes the production shape, and every command it runs exists here."""

import importlib
import shlex
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def load():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def test_the_production_services_are_all_there():
    services = load()["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)


def test_each_app_service_command_exists_in_the_project():
    services = load()["services"]
    for name in ("web", "worker", "beat"):
        command = services[name]["command"]
        argv = shlex.split(command) if isinstance(command, str) else list(command)
        if argv[0] == "gunicorn":
            module, _, attr = argv[-1].partition(":")
            assert module == "liaison.wsgi"
            assert attr == "application"
            assert (ROOT / "liaison" / "wsgi.py").exists()
        else:
            assert argv[:3] == ["celery", "-A", "liaison"], argv
            assert argv[3] in {"worker", "beat"}
            importlib.import_module("liaison.celery")
        env = services[name].get("environment", {})
        assert "DATABASE_URL" in env and "REDIS_URL" in env and "SECRET_KEY" in env


def test_the_image_is_built_from_the_projects_dockerfile():
    assert (ROOT / "Dockerfile").exists()
    for name in ("web", "worker", "beat"):
        assert load()["services"][name]["build"] in (".", {"context": "."})
