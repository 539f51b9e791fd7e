import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from assignments.models import Assignment
from assignments.services import assignments_import
from org.spreadsheets import SpreadsheetError

pytestmark = pytest.mark.django_db

HEADER = [
    "干部账号",
    "干部姓名",
    "统一社会信用代码",
    "项目编号",
    "开始日期",
    "任期结束",
    "联系方式",
    "主要联系人",
]


def xlsx(rows, header=HEADER):
    workbook = Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("contacts.xlsx", buffer.getvalue())


def row(cadre, code="", project="", start="2026-01-05", end="", mode="", primary=""):
    return [cadre.user.username, cadre.name, code, project, start, end, mode, primary]


def test_a_valid_file_creates_every_link(people, cadres, firms, projects):
    rows = [row(cadres.ting, firms.east[0].credit_code), row(cadres.ting, project="XM001")]
    result = assignments_import(upload=xlsx(rows), actor=people.office)
    assert result.ok and result.created == 2
    link = Assignment.objects.get(cadre=cadres.ting, enterprise=firms.east[0])
    assert link.start_date == datetime.date(2026, 1, 5)
    assert link.term_end == datetime.date(2029, 1, 5)
    assert link.history.get().history_user == people.office


def test_a_mixed_file_writes_nothing_and_names_every_problem(people, cadres, firms):
    rows = [
        row(cadres.ting, firms.east[0].credit_code),  # good
        ["nobody", "", firms.east[1].credit_code, "", "", "", "", ""],  # unknown cadre
        row(cadres.chief, "91350100M000100Y43"),  # unknown credit code
        row(cadres.chief, firms.east[2].credit_code, start="2026-13-45"),  # bad date
        row(cadres.chief, firms.east[3].credit_code, start="2026-02-01", end="2025-01-01"),
        row(cadres.deputy, firms.east[4].credit_code, mode="多对一"),  # not for a deputy
        row(cadres.chief, "", ""),  # no target
    ]
    with translation.override("en"):
        result = assignments_import(upload=xlsx(rows), actor=people.office)
    assert not result.ok
    assert not Assignment.objects.exists()
    by_row = {}
    for problem in result.problems:
        by_row.setdefault(problem.row, []).append(problem)
    assert set(by_row) == {3, 4, 5, 6, 7, 8}
    assert by_row[3][0].column == "Cadre account"
    assert by_row[4][0].column == "Unified social credit code"
    assert by_row[5][0].column == "Start date"
    assert by_row[6][0].column == "End of term"
    assert by_row[7][0].column == "Mode"
    assert "many-to-one" in by_row[7][0].message


def test_rows_count_against_the_quota_of_the_rows_above(people, cadres, firms):
    rows = [row(cadres.deputy, f.credit_code) for f in firms.east[:3]]
    result = assignments_import(upload=xlsx(rows), actor=people.office)
    assert [p.row for p in result.problems] == [4]
    assert "2" in result.problems[0].message
    assert not Assignment.objects.exists()


def test_a_leader_already_linked_is_named(people, cadres, firms, use_policy):
    use_policy("qingdao")
    rows = [
        row(cadres.ting, firms.east[0].credit_code),
        row(cadres.ting2, firms.east[0].credit_code),
    ]
    result = assignments_import(upload=xlsx(rows), actor=people.office)
    assert {p.row for p in result.problems} == {3}
    assert any(cadres.ting.name in p.message and "领导" in p.message for p in result.problems)
    assert not Assignment.objects.exists()


def test_dry_run_previews_and_writes_nothing(people, cadres, firms):
    rows = [
        row(cadres.ting, firms.east[0].credit_code),
        row(cadres.head, firms.east[1].credit_code),
    ]
    result = assignments_import(upload=xlsx(rows), actor=people.office, dry_run=True)
    assert result.ok and len(result.planned) == 2
    assert [p.target for p in result.planned] == [firms.east[0], firms.east[1]]
    assert not Assignment.objects.exists()


def test_a_county_office_cannot_import_links_outside_its_area(people, cadres, firms):
    rows = [row(cadres.chief, firms.west[0].credit_code)]
    result = assignments_import(upload=xlsx(rows), actor=people.east_office)
    assert not result.ok and not Assignment.objects.exists()


def test_not_a_workbook_is_refused(people):
    with pytest.raises(SpreadsheetError):
        assignments_import(
            upload=SimpleUploadedFile("x.xlsx", b"PK\x03\x04junk"), actor=people.office
        )


def test_template_export_and_reimport_round_trip(client, people, cadres, firms):
    client.force_login(people.office)
    template = load_workbook(io.BytesIO(client.get(reverse("assignments:import-template")).content))
    header = [c.value for c in template.active[1]]
    assert header[0] == "干部账号*"
    assignments_import(
        upload=xlsx([row(cadres.ting, firms.east[0].credit_code)]), actor=people.office
    )
    exported = load_workbook(io.BytesIO(client.get(reverse("assignments:export")).content)).active
    values = [list(r) for r in exported.iter_rows(min_row=2, values_only=True)]
    assert values[0][0] == cadres.ting.user.username
    assert values[0][2] == firms.east[0].credit_code


def test_the_page_reports_problems_with_row_and_column(client, people, cadres, firms):
    client.force_login(people.office)
    rows = [row(cadres.ting, firms.east[0].credit_code), ["nobody", "", "", "", "", "", "", ""]]
    response = client.post(reverse("assignments:import"), {"file": xlsx(rows)})
    assert response.status_code == 422
    html = response.content.decode()
    assert "未导入任何数据" in html and "nobody" in html
    response = client.post(reverse("assignments:import"), {"file": xlsx(rows[:1]), "dry_run": "on"})
    assert response.status_code == 200
    assert cadres.ting.name in response.content.decode()
    assert not Assignment.objects.exists()
