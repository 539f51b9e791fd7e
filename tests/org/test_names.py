"""Names that repeat across regions are shown with their region: departments (城关街道经济发展办公室
exists in every county with a 城关街道), towns, and cadres (shown with rank and department)."""

import ast
import re
from pathlib import Path

import pytest
from django import forms
from django.urls import reverse

from org.forms import DepartmentChoiceField, DepartmentMultipleChoiceField
from org.models import Department, Region
from tests.factories import (
    CadreFactory,
    DepartmentFactory,
    EnterpriseFactory,
    RegionFactory,
    submit_ticket,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SAME = "城关街道经济发展办公室"


@pytest.fixture
def twins(regions):
    """The same department name in two counties' towns of the same name."""
    west_chengguan = RegionFactory(
        code="370781002", name="城关街道", level=Region.Level.TOWN, parent=regions.west
    )
    east = DepartmentFactory(name=SAME, region=regions.east_town, kind="economic")
    west = DepartmentFactory(name=SAME, region=west_chengguan, kind="economic")
    return east, west


def test_a_department_is_labelled_with_its_region_and_county(twins):
    east, west = twins
    assert east.label == f"{SAME} · 潍城区城关街道"
    assert west.label == f"{SAME} · 青州市城关街道"
    # A name that already starts with its region is not repeated.
    assert DepartmentFactory(name="潍城区商务局", region=east.region.parent).label == "潍城区商务局"
    assert Department.objects.filter(name=SAME).labels() == {
        east.pk: east.label,
        west.pk: west.label,
    }


def test_every_department_dropdown_tells_the_twins_apart(client, people, companies, twins):
    east, west = twins
    client.force_login(people.office)
    ticket = submit_ticket(people.east_enterprise, companies.east)
    pages = {
        "ticket board (filter and bulk assignment)": reverse("issues:list"),
        "ticket page (assign)": reverse("issues:detail", args=[ticket.pk]),
        "assignment list": reverse("assignments:list"),
    }
    for page, url in pages.items():
        html = client.get(url).content.decode()
        for department in (east, west):
            option = re.compile(
                rf'<option value="{department.pk}"[^>]*>{re.escape(department.label)}<'
            )
            assert option.search(html), f"{page} does not name {department.label}"


def test_every_department_choice_field_of_every_form_shows_the_region():
    """Walks every form class of every app: a field choosing departments labels them."""
    offenders = []
    for path in ROOT.glob("*/forms.py"):
        module = __import__(f"{path.parent.name}.forms", fromlist=["*"])
        for name in dir(module):
            form = getattr(module, name)
            if not (isinstance(form, type) and issubclass(form, forms.BaseForm)):
                continue
            for field_name, field in form.base_fields.items():
                if not isinstance(field, forms.ModelChoiceField):
                    continue
                model = field.queryset.model if field.queryset is not None else None
                if model is Department or "department" in field_name:
                    if not isinstance(field, DepartmentChoiceField | DepartmentMultipleChoiceField):
                        offenders.append(f"{path.parent.name}.{name}.{field_name}")
    assert not offenders, offenders


def test_no_page_or_export_shows_a_bare_department_name():
    """`department.name` (and the loop variable `d.name` over departments) in a template, or
    `department.name` in code, would show a name that may repeat: use `.label`."""
    pattern = re.compile(r"department\.name\b|\bd\.name\b")
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in (ROOT / "templates").rglob("*.html")
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    for path in ROOT.glob("*/**/*.py"):
        parts = path.relative_to(ROOT).parts
        if parts[0] in (".venv", "tests", "var") or "migrations" in parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "name"
                and isinstance(node.value, ast.Attribute)
                and node.value.attr in ("department", "lead_department")
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, offenders


def test_the_cadre_picker_names_rank_department_and_region(client, people, regions, twins):
    east, west = twins
    CadreFactory(name="张伟", department=east, region=regions.east)
    CadreFactory(name="张伟", department=west, region=regions.west)
    client.force_login(people.office)
    html = client.get(reverse("assignments:search-cadres"), {"cadre_q": "张伟"}).content.decode()
    assert f"张伟 · 正科级 · {east.label}" in html
    assert f"张伟 · 正科级 · {west.label}" in html
    # The coverage table of cadres by department names each twin with its region too.
    html = client.get(reverse("assignments:coverage")).content.decode()
    assert east.label in html and west.label in html


def test_town_names_in_lists_carry_their_county(client, people, regions, twins):
    client.force_login(people.office)
    EnterpriseFactory(name="城关一号有限公司", region=regions.east_town)
    html = client.get(reverse("enterprises:list")).content.decode()
    assert "潍城区城关街道" in html


def test_enterprise_pickers_name_each_namesake_with_its_region(client, people, regions, twins):
    EnterpriseFactory(name="同名机械有限公司", region=regions.east_town)
    EnterpriseFactory(name="同名机械有限公司", region=regions.west)
    client.force_login(people.office)
    for url in (reverse("issues:search-enterprises"), reverse("assignments:search-enterprises")):
        html = client.get(url, {"enterprise_q": "同名机械"}).content.decode()
        assert "同名机械有限公司 · 潍城区城关街道" in html, url
        assert "同名机械有限公司 · 青州市" in html, url
