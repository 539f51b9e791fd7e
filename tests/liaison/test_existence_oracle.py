"""A record outside the user's area is indistinguishable from one that does not exist.

For every entry point that takes an id, a code or a name (the enterprise import, the contact
table import, the link form, its search-as-you-type pickers, the API of /api/v1/, the ticket
merge lookup, the pages of one enterprise or link), the county office's answer for a record of
the other county is compared with its answer for a record that does not exist: the same status,
the same words (the value the user typed aside), the same number of queries (the timing class),
and no name of the other county's records anywhere in the answer.
"""

from __future__ import annotations

import difflib
import io
import re
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from assignments.models import Assignment, AssignmentMode
from assignments.services import (
    ASSIGNMENT_COLUMNS,
    assignment_create,
    assignment_problems,
    assignments_import,
)
from enterprises.services import ENTERPRISE_COLUMNS, enterprises_import
from org.models import Rank
from tests.factories import (
    CadreFactory,
    KeyProjectFactory,
    UserFactory,
    make_credit_code,
    submit_ticket,
)

pytestmark = pytest.mark.django_db

MISSING_ID = 987654
MISSING_CODE = make_credit_code(999_999, "370781")
TOKEN = re.compile(r"[A-Za-z0-9]{48,}")


@pytest.fixture
def world(regions, people, companies):
    def cadre(name, region, username):
        user = UserFactory(username=username, roles=["cadre"], region=region)
        return CadreFactory(
            user=user,
            name=name,
            region=region,
            rank=Rank.objects.get(code="section_chief"),
            phone="13900000000",
        )

    east_cadre = cadre("东干部甲", regions.east, "east-cadre")
    west_cadre = cadre("西干部乙", regions.west, "west-cadre")
    city_cadre = cadre("市干部丙", regions.city, "city-cadre")
    east_project = KeyProjectFactory(name="东项目", code="XM-E1", region=regions.east)
    west_project = KeyProjectFactory(name="西项目", code="XM-W1", region=regions.west)
    west_link = assignment_create(actor=people.office, cadre=west_cadre, enterprise=companies.west)
    east_ticket = submit_ticket(people.east_enterprise, companies.east, title="东诉求")
    west_ticket = submit_ticket(people.west_enterprise, companies.west, title="西诉求")
    return SimpleNamespace(
        east_cadre=east_cadre,
        west_cadre=west_cadre,
        city_cadre=city_cadre,
        east_project=east_project,
        west_project=west_project,
        west_link=west_link,
        east_ticket=east_ticket,
        west_ticket=west_ticket,
        # What the county office must never read about the other county.
        secrets=[
            companies.west.name,
            companies.west.credit_code,
            west_cadre.name,
            west_project.name,
            regions.west.name,
            west_ticket.title,
        ],
    )


def normalized(text: str, value) -> str:
    """The answer with the value the user gave (echoed back) and the CSRF tokens put aside."""
    text = TOKEN.sub("<token>", text)
    if str(value).startswith("/"):  # a path segment: /12/
        return text.replace(str(value), "/<value>/")
    if str(value):
        text = re.sub(rf"(?<![\w-]){re.escape(str(value))}(?![\w-])", "<value>", text)
    return text


def answer(client, method, url, data=None, *, value="", as_json=False):
    """(status, normalized text, number of queries) of one request, asked twice: the first
    asking fills the per-process caches (the region-root count), the second is measured."""
    for _warm_up in range(2):
        status, text, queries = _answer(client, method, url, data, value=value, as_json=as_json)
    return status, text, queries


def _answer(client, method, url, data, *, value, as_json):
    with CaptureQueriesContext(connection) as queries:
        if method == "GET":
            response = client.get(url, data or {})
        elif as_json:
            response = client.post(url, data or {}, content_type="application/json")
        else:
            response = client.post(url, data or {})
    return response.status_code, normalized(response.content.decode(), value), len(queries)


def assert_indistinguishable(outside, missing, secrets):
    status_out, text_out, queries_out = outside
    status_missing, text_missing, queries_missing = missing
    assert status_out == status_missing
    difference = "\n".join(
        difflib.unified_diff(text_out.splitlines(), text_missing.splitlines(), lineterm="", n=0)
    )
    assert text_out == text_missing, difference[:2000]
    assert queries_out == queries_missing
    for secret in secrets:
        assert secret not in text_out


def xlsx(header, rows):
    workbook = Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("data.xlsx", buffer.getvalue())


CONTACT_HEADER = [str(c.label) for c in ASSIGNMENT_COLUMNS[:4]]
ENTERPRISE_HEADER = [str(c.label) for c in ENTERPRISE_COLUMNS[:4]]


def _problems(result, value):
    return [(p.row, p.column, normalized(p.message, value)) for p in result.problems]


def test_contact_table_import(people, world, companies):
    east = people.east_office
    cases = [
        # (row outside, row missing, value outside, value missing)
        (
            [world.west_cadre.user.username, "", companies.east.credit_code, ""],
            ["no-such-account", "", companies.east.credit_code, ""],
            world.west_cadre.user.username,
            "no-such-account",
        ),
        (
            [world.east_cadre.user.username, "", companies.west.credit_code, ""],
            [world.east_cadre.user.username, "", MISSING_CODE, ""],
            companies.west.credit_code,
            MISSING_CODE,
        ),
        (
            [world.east_cadre.user.username, "", "", world.west_project.code],
            [world.east_cadre.user.username, "", "", "XM-NONE"],
            world.west_project.code,
            "XM-NONE",
        ),
    ]
    for outside_row, missing_row, outside_value, missing_value in cases:
        assignments_import(upload=xlsx(CONTACT_HEADER, [missing_row]), actor=east)  # warm-up
        with CaptureQueriesContext(connection) as q_out:
            outside = assignments_import(upload=xlsx(CONTACT_HEADER, [outside_row]), actor=east)
        with CaptureQueriesContext(connection) as q_missing:
            missing = assignments_import(upload=xlsx(CONTACT_HEADER, [missing_row]), actor=east)
        assert outside.problems, outside_row
        assert _problems(outside, outside_value) == _problems(missing, missing_value)
        assert len(q_out) == len(q_missing)
        for problem in outside.problems:  # beyond the value the user typed
            message = normalized(problem.message, outside_value)
            assert not any(secret in message for secret in world.secrets)
    # Through the page: the same status, and nothing of the other county shown.
    client = _client(people.east_office)
    for outside_row, missing_row, outside_value, missing_value in cases:
        out = client.post(
            reverse("assignments:import"), {"file": xlsx(CONTACT_HEADER, [outside_row])}
        )
        miss = client.post(
            reverse("assignments:import"), {"file": xlsx(CONTACT_HEADER, [missing_row])}
        )
        assert out.status_code == miss.status_code == 422
        assert normalized(out.content.decode(), outside_value) == normalized(
            miss.content.decode(), missing_value
        )
    assert not Assignment.objects.filter(cadre=world.east_cadre).exists()


def test_enterprise_import_regions_and_codes(people, world, regions, companies):
    east = people.east_office
    for outside_value, missing_value in (
        (regions.west.code, "379999"),
        (regions.west.name, "不存在县"),
        (regions.west_town.code, "370781999"),
    ):
        rows = [["新企业有限公司", make_credit_code(5, "370702"), outside_value, "规上工业"]]
        outside = enterprises_import(upload=xlsx(ENTERPRISE_HEADER, rows), actor=east)
        rows[0][2] = missing_value
        missing = enterprises_import(upload=xlsx(ENTERPRISE_HEADER, rows), actor=east)
        assert outside.problems
        assert _problems(outside, outside_value) == _problems(missing, missing_value)
    # A credit code registered in another county cannot be registered again: that much is
    # unavoidable, but the message names nothing (no enterprise, no county) and says whom to ask.
    rows = [["改名企业有限公司", companies.west.credit_code, regions.east.code, "规上工业"]]
    result = enterprises_import(upload=xlsx(ENTERPRISE_HEADER, rows), actor=east)
    (problem,) = result.problems
    assert "市联络办" in problem.message or "city liaison office" in problem.message
    assert not any(secret in problem.message for secret in world.secrets)
    companies.west.refresh_from_db()
    assert companies.west.name == "青州食品有限公司"


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_link_form_and_its_pickers(people, world, companies):
    client = _client(people.east_office)
    url = reverse("assignments:create")
    base = {
        "cadre": world.east_cadre.pk,
        "target_kind": "enterprise",
        "enterprise": companies.east.pk,
        "start_date": "2026-03-02",
        "mode": AssignmentMode.ONE_TO_ONE,
    }
    for name, outside_value, kind in (
        ("cadre", world.west_cadre.pk, "enterprise"),
        ("enterprise", companies.west.pk, "enterprise"),
        ("project", world.west_project.pk, "project"),
    ):
        outside = {**base, "target_kind": kind, name: outside_value}
        missing = {**base, "target_kind": kind, name: MISSING_ID}
        assert_indistinguishable(
            answer(client, "POST", url, outside, value=outside_value),
            answer(client, "POST", url, missing, value=MISSING_ID),
            world.secrets,
        )
        # Opened with the record chosen (the enterprise page's "link a cadre" button).
        assert_indistinguishable(
            answer(client, "GET", url, {name: outside_value}, value=outside_value),
            answer(client, "GET", url, {name: MISSING_ID}, value=MISSING_ID),
            world.secrets,
        )
    for route, param, outside_value in (
        ("assignments:search-cadres", "cadre_q", world.west_cadre.name),
        ("assignments:search-cadres", "cadre_q", world.west_cadre.user.username),
        ("assignments:search-enterprises", "enterprise_q", companies.west.name),
        ("assignments:search-enterprises", "enterprise_q", companies.west.credit_code),
        ("assignments:search-projects", "project_q", world.west_project.code),
        ("issues:search-enterprises", "enterprise_q", companies.west.name),
    ):
        assert_indistinguishable(
            answer(client, "GET", reverse(route), {param: outside_value}, value=outside_value),
            answer(client, "GET", reverse(route), {param: "不存在XYZ"}, value="不存在XYZ"),
            world.secrets,
        )


def test_existing_links_of_another_area_name_nobody(people, world, companies, regions):
    """The east enterprise is served one-to-one by a city cadre (outside the county office's
    area): the county office learns that it is taken, not by whom nor with what quota."""
    assignment_create(actor=people.office, cadre=world.city_cadre, enterprise=companies.east)
    client = _client(people.east_office)
    response = client.post(
        reverse("assignments:create"),
        {
            "cadre": world.east_cadre.pk,
            "target_kind": "enterprise",
            "enterprise": companies.east.pk,
            "start_date": "2026-03-02",
            "mode": AssignmentMode.ONE_TO_ONE,
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert world.city_cadre.name not in html
    assert "市联络办" in html or "city liaison office" in html
    # The city office, whose area it is, is told who.
    problems = assignment_problems(
        actor=people.office, cadre=world.east_cadre, enterprise=companies.east
    )
    message = " ".join(m for _field, m in problems)
    assert world.city_cadre.name in message


def test_api(people, world, companies, regions):
    client = _client(people.east_office)
    assert_indistinguishable(
        answer(client, "GET", f"/api/v1/enterprises/{companies.west.pk}/"),
        answer(client, "GET", f"/api/v1/enterprises/{MISSING_ID}/"),
        world.secrets,
    )
    link = world.west_link.pk
    assert_indistinguishable(
        answer(client, "GET", f"/api/v1/assignments/{link}/"),
        answer(client, "GET", f"/api/v1/assignments/{MISSING_ID}/"),
        world.secrets,
    )
    assert_indistinguishable(
        answer(client, "POST", f"/api/v1/assignments/{link}/end/", {"reason": "x"}),
        answer(client, "POST", f"/api/v1/assignments/{MISSING_ID}/end/", {"reason": "x"}),
        world.secrets,
    )
    assert_indistinguishable(
        answer(
            client,
            "GET",
            "/api/v1/enterprises/",
            {"region": regions.west.pk},
            value=regions.west.pk,
        ),
        answer(client, "GET", "/api/v1/enterprises/", {"region": MISSING_ID}, value=MISSING_ID),
        world.secrets,
    )
    base = {"cadre": world.east_cadre.pk, "enterprise": companies.east.pk}
    for name, outside_value in (
        ("cadre", world.west_cadre.pk),
        ("enterprise", companies.west.pk),
        ("project", world.west_project.pk),
    ):
        data = {**base, name: outside_value}
        if name == "project":
            data.pop("enterprise")
        missing = {**data, name: MISSING_ID}
        assert_indistinguishable(
            answer(client, "POST", "/api/v1/assignments/", data, value=outside_value, as_json=True),
            answer(client, "POST", "/api/v1/assignments/", missing, value=MISSING_ID, as_json=True),
            world.secrets,
        )
    assert not Assignment.objects.filter(cadre=world.east_cadre).exists()


def test_pages_of_one_record(people, world, companies):
    client = _client(people.east_office)
    for route, outside in (
        ("enterprises:detail", companies.west.pk),
        ("assignments:end", world.west_link.pk),
        ("issues:detail", world.west_ticket.pk),
        ("issues:slip", world.west_ticket.pk),
    ):
        for method in ("GET", "POST"):
            assert_indistinguishable(
                answer(client, method, reverse(route, args=[outside]), value=f"/{outside}/"),
                answer(client, method, reverse(route, args=[MISSING_ID]), value=f"/{MISSING_ID}/"),
                world.secrets,
            )


def test_ticket_merge_lookup(people, world):
    """Merging the east ticket into a ticket of the other county reads as an unknown number."""
    client = _client(people.east_office)
    url = reverse("issues:act", args=[world.east_ticket.pk])
    outside, missing = world.west_ticket.number, "T-NONE-0001"
    assert_indistinguishable(
        answer(client, "POST", url, {"action": "merge", "into": outside}, value=outside),
        answer(client, "POST", url, {"action": "merge", "into": missing}, value=missing),
        world.secrets,
    )
    world.east_ticket.refresh_from_db()
    assert world.east_ticket.merged_into_id is None
