"""The house plan of ARCHITECTURE.md: an app never imports an app on a higher floor."""

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FLOORS = {
    "org": 1,
    "enterprises": 2,
    "notifications": 2,
    "assignments": 3,
    "issues": 4,
    "visits": 5,
    "invitations": 5,
    "liaison": 6,
}


def imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names & set(FLOORS)


def violations() -> list[str]:
    found = []
    for app, floor in FLOORS.items():
        for path in (ROOT / app).rglob("*.py"):
            for other in imported_apps(path):
                if FLOORS[other] > floor:
                    found.append(
                        f"{path.relative_to(ROOT)} (floor {floor}) imports {other} "
                        f"(floor {FLOORS[other]})"
                    )
                # Apps on the same floor do not pull on each other either.
                elif FLOORS[other] == floor and other != app:
                    found.append(
                        f"{path.relative_to(ROOT)} imports {other} on its own floor {floor}"
                    )
    return found


def test_no_app_imports_a_higher_floor():
    assert violations() == []


def test_the_check_catches_an_upward_import(tmp_path, monkeypatch):
    # The checker itself must be able to fail: an org module importing issues is reported.
    fake = tmp_path / "org"
    fake.mkdir()
    (fake / "bad.py").write_text("from issues import services\n", encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    for app in FLOORS:
        (tmp_path / app).mkdir(exist_ok=True)
    assert any("imports issues" in v for v in violations())


@pytest.mark.parametrize("app", sorted(FLOORS))
def test_every_app_of_the_plan_exists(app):
    assert (ROOT / app / "apps.py").exists()
