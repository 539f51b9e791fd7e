"""English mode is English: reference data (problem categories, enterprise tags, ranks) shows
its English name, stored audit reasons and timeline roles are translated, and the user's
language is remembered for the notifications they receive."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from enterprises.models import Enterprise, EnterpriseTag
from enterprises.services import enterprises_import
from issues.models import Category
from org.models import Rank
from tests.enterprises.test_import import good_row, xlsx
from tests.factories import CadreFactory, DepartmentFactory, make_credit_code, submit_ticket

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_every_preset_has_an_english_name():
    for model in (Category, EnterpriseTag, Rank):
        missing = list(model.objects.filter(name_en="").values_list("name", flat=True))
        assert not missing, (model.__name__, missing)
    assert Category.objects.get(code="labour").name_en == "Labour"
    assert EnterpriseTag.objects.get(code="above_size").name_en == "Above designated size"


def test_english_pages_show_english_categories_tags_and_ranks(client, people, companies, regions):
    companies.east.tags.set(EnterpriseTag.objects.filter(code__in=["above_size", "high_tech"]))
    ticket = submit_ticket(people.east_enterprise, companies.east, category="labour")
    CadreFactory(name="李明", region=regions.east)
    client.force_login(people.office)

    chinese = client.get(reverse("enterprises:detail", args=[companies.east.pk])).content.decode()
    assert "规上" in chinese and "Above designated size" not in chinese

    english(client)
    pages = {
        "enterprise": reverse("enterprises:detail", args=[companies.east.pk]),
        "enterprise list": reverse("enterprises:list"),
        "ticket": reverse("issues:detail", args=[ticket.pk]),
        "board": reverse("issues:list"),
        "submit form": reverse("issues:create"),
        "assignments": reverse("assignments:list"),
        "coverage": reverse("assignments:coverage"),
        "cadre picker": reverse("assignments:search-cadres") + "?cadre_q=李明",
    }
    expected = {
        "enterprise": ["Above designated size", "High-tech"],
        "enterprise list": ["Above designated size", "High-tech"],
        "ticket": ["Labour"],
        "board": ["Labour", "Land"],
        "submit form": ["Labour", "Environment"],
        "assignments": ["Section level, principal", "Department level"],
        "coverage": ["Section level, principal"],
        "cadre picker": ["Section level, principal"],
    }
    for page, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, page
        html = response.content.decode()
        for text in expected[page]:
            assert text in html, f"{page}: {text}"
        for chinese_name in ("用工", "规上", "高新技术", "正科级", "厅级"):
            assert chinese_name not in html, f"{page} still shows {chinese_name}"


def test_no_template_shows_a_reference_name_in_one_language_only():
    pattern = re.compile(r"(category|rank|\bt|tag)\.name\b(?!_en)")
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in (ROOT / "templates").rglob("*.html")
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert not offenders, offenders


def test_the_excel_import_audit_entry_is_shown_in_the_readers_language(client, people, regions):
    enterprises_import(upload=xlsx([good_row(1)]), actor=people.office)
    enterprise = Enterprise.objects.get(credit_code=make_credit_code(5001))
    assert enterprise.history.get().history_change_reason == "Excel import"  # the msgid
    client.force_login(people.office)
    url = reverse("enterprises:detail", args=[enterprise.pk])
    assert "Excel 导入" in client.get(url).content.decode()
    english(client)
    html = client.get(url).content.decode()
    assert "Excel import" in html and "Excel 导入" not in html
    # The admin's history page too.
    client.force_login(people.superuser)
    history = reverse("admin:enterprises_enterprise_history", args=[enterprise.pk])
    assert "Excel import" in client.get(history).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert "Excel 导入" in client.get(history).content.decode()


def test_the_timeline_names_who_acted_in_english(client, people, companies, regions):
    from issues.services import ticket_assign

    land = DepartmentFactory(name="市自然资源和规划局", region=regions.city)
    ticket = submit_ticket(people.east_enterprise, companies.east)
    ticket_assign(actor=people.office, ticket=ticket, department=land)
    client.force_login(people.office)
    english(client)
    timeline = client.get(reverse("issues:detail", args=[ticket.pk])).content.decode()
    timeline = timeline[timeline.index('id="timeline"') :]
    assert "the liaison office" in timeline and "the enterprise" in timeline


def test_the_language_switch_is_remembered_for_the_user(client, people):
    client.force_login(people.office)
    assert people.office.language == "zh-hans"
    client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    people.office.refresh_from_db()
    assert people.office.language == "en"
    # In a new browser (no language cookie) the portal speaks the user's language.
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    assert '<html lang="en">' in client.get(reverse("home")).content.decode()
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"}, follow=True)
    people.office.refresh_from_db()
    assert people.office.language == "zh-hans"


def test_the_sweeps_timeline_notes_are_shown_in_the_readers_language(
    client, people, companies, regions
):
    import datetime

    from issues.models import Ticket
    from issues.services import ticket_acknowledge, ticket_assign, ticket_reply
    from issues.sweep import sweep
    from tests.factories import UserFactory

    land = DepartmentFactory(name="市自然资源和规划局", region=regions.city)
    handler = UserFactory(roles=["department"], region=land.region, department=land)
    ticket = ticket_assign(
        actor=people.office,
        ticket=submit_ticket(people.east_enterprise, companies.east),
        department=land,
    )
    ticket_reply(
        actor=handler, ticket=ticket_acknowledge(actor=handler, ticket=ticket), outcome="已办"
    )
    Ticket.objects.filter(pk=ticket.pk).update(
        replied_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    )
    assert sweep().counts["closed_unrated"] == 1
    client.force_login(people.office)
    url = reverse("issues:detail", args=[ticket.pk])
    assert "企业在评价期限内未评价" in client.get(url).content.decode()
    english(client)
    html = client.get(url).content.decode()
    assert "No rating within the rating window." in html and "企业在评价期限内未评价" not in html
