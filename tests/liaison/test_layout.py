"""The shared layout's rules that every template follows."""

import re
from pathlib import Path

from django.conf import settings

TEMPLATES = sorted((Path(settings.BASE_DIR) / "templates").rglob("*.html"))
# A colon written after a translated label: the language's colon comes from the .label-colon
# class (portal.css), full-width in Chinese and ": " in English.
WRITTEN_COLON = re.compile(r"(%\}|</label>)\s*[:：]")


def test_templates_were_found():
    assert len(TEMPLATES) > 20


def test_no_template_writes_a_colon_after_a_label():
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}: {line.strip()}"
        for path in TEMPLATES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if WRITTEN_COLON.search(line)
    ]
    assert not offenders, "\n".join(offenders)
