import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from enterprises.models import Enterprise
from enterprises.services import ENTERPRISE_COLUMNS, enterprises_import
from org.spreadsheets import SpreadsheetError
from tests.factories import make_credit_code

pytestmark = pytest.mark.django_db

HEADER = ["企业名称", "统一社会信用代码", "所属区域（区划代码）", "企业类别", "标签"]


def xlsx(rows, header=None) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header or HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("enterprises.xlsx", buffer.getvalue())


def good_row(n, region="370702", name=None):
    return [
        name or f"导入企业{n}有限公司",
        make_credit_code(5000 + n),
        region,
        "规模以上工业企业",
        "规上、高新技术",
    ]


def test_template_downloads_with_every_column_and_imports_back(client, people, regions):
    client.force_login(people.office)
    response = client.get(reverse("enterprises:import-template"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    assert len(header) == len(ENTERPRISE_COLUMNS)
    assert header[0] == "企业名称*"
    # Fill the downloaded template itself and import it.
    sheet_rows = [header, ["模板企业有限公司", make_credit_code(42), "370702", "建筑业企业"]]
    workbook = Workbook()
    for row in sheet_rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("t.xlsx", buffer.getvalue())
    response = client.post(reverse("enterprises:import"), {"file": upload})
    assert response.status_code == 302 or response.status_code == 200
    assert Enterprise.objects.get(credit_code=make_credit_code(42)).category == "construction"


def test_import_creates_enterprises_with_tags(people, regions):
    result = enterprises_import(upload=xlsx([good_row(1), good_row(2)]), actor=people.office)
    assert result.ok and result.created == 2
    enterprise = Enterprise.objects.get(credit_code=make_credit_code(5001))
    assert enterprise.region == regions.east
    assert set(enterprise.tags.values_list("code", flat=True)) == {"above_size", "high_tech"}
    # The audit trail records who imported it.
    assert enterprise.history.get().history_user == people.office


def test_one_bad_row_imports_nothing_and_every_problem_is_reported(people, regions):
    rows = [
        good_row(1),
        ["坏代码企业", "91350100M000100Y44", "370702", "规模以上工业企业", ""],
        ["", make_credit_code(7), "999999", "不知道", "无此标签"],
        good_row(3),
    ]
    result = enterprises_import(upload=xlsx(rows), actor=people.office)
    assert not result.ok
    assert Enterprise.objects.count() == 0
    found = {(p.row, p.column) for p in result.problems}
    assert (3, "统一社会信用代码") in found
    assert {(4, "企业名称"), (4, "所属区域（区划代码）"), (4, "企业类别"), (4, "标签")} <= found
    messages = " ".join(p.message for p in result.problems)
    assert "校验码" in messages or "check character" in messages


def test_reimport_updates_by_credit_code_and_never_duplicates(people, regions):
    enterprises_import(upload=xlsx([good_row(1)]), actor=people.office)
    changed = good_row(1, region="370781", name="改名后的企业有限公司")
    changed[4] = "外资"
    result = enterprises_import(upload=xlsx([changed]), actor=people.office)
    assert (result.created, result.updated) == (0, 1)
    enterprise = Enterprise.objects.get()
    assert enterprise.name == "改名后的企业有限公司"
    assert enterprise.region == regions.west
    assert list(enterprise.tags.values_list("code", flat=True)) == ["foreign"]
    again = enterprises_import(upload=xlsx([changed]), actor=people.office)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


def test_duplicate_codes_within_one_file_are_refused(people, regions):
    result = enterprises_import(upload=xlsx([good_row(1), good_row(1)]), actor=people.office)
    assert [(p.row, p.column) for p in result.problems] == [(3, "统一社会信用代码")]
    assert not Enterprise.objects.exists()


def test_a_county_office_cannot_import_into_another_county(people, regions, companies):
    rows = [good_row(1, region="370781")]
    result = enterprises_import(upload=xlsx(rows), actor=people.east_office)
    assert "所属区域（区划代码）" in {p.column for p in result.problems}
    # Nor overwrite an enterprise registered in another county through its credit code.
    west = [companies.west.name, companies.west.credit_code, "370702", "规模以上工业企业", ""]
    result = enterprises_import(upload=xlsx([west]), actor=people.east_office)
    assert not result.ok
    companies.west.refresh_from_db()
    assert companies.west.region == regions.west


def test_dry_run_reports_and_writes_nothing(people, regions):
    result = enterprises_import(upload=xlsx([good_row(1)]), actor=people.office, dry_run=True)
    assert result.ok and result.created == 1
    assert not Enterprise.objects.exists()


def test_english_headers_are_accepted(people, regions):
    header = ["Enterprise name", "Unified social credit code", "Region (division code)", "Category"]
    row = ["English Co., Ltd.", make_credit_code(9), "370702", "Construction enterprise"]
    result = enterprises_import(upload=xlsx([row], header=header), actor=people.office)
    assert result.ok, result.problems
    assert Enterprise.objects.get().category == "construction"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"MZ\x90\x00 this is an exe", "不是 Excel"),
        (b"", "空"),
    ],
)
def test_files_that_are_not_workbooks_are_refused(people, content, message):
    with pytest.raises(SpreadsheetError, match=message):
        enterprises_import(upload=SimpleUploadedFile("x.xlsx", content), actor=people.office)


def test_a_zip_that_is_not_a_workbook_is_refused(people):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(SpreadsheetError):
        enterprises_import(
            upload=SimpleUploadedFile("x.xlsx", buffer.getvalue()), actor=people.office
        )


def test_a_zip_bomb_is_refused_before_reading(people):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (300 * 1024 * 1024))
    assert len(buffer.getvalue()) < 2 * 1024 * 1024
    with pytest.raises(SpreadsheetError, match="不合理"):
        enterprises_import(
            upload=SimpleUploadedFile("x.xlsx", buffer.getvalue()), actor=people.office
        )


def test_oversized_and_overlong_files_are_refused(people, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(SpreadsheetError, match="MB"):
        enterprises_import(upload=xlsx([good_row(n) for n in range(50)]), actor=people.office)
    settings.UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    settings.IMPORT_MAX_ROWS = 3
    with pytest.raises(SpreadsheetError, match="3"):
        enterprises_import(upload=xlsx([good_row(n) for n in range(4)]), actor=people.office)


def test_a_header_without_required_columns_is_refused(people):
    with pytest.raises(SpreadsheetError, match="统一社会信用代码"):
        enterprises_import(upload=xlsx([["a"]], header=["企业名称"]), actor=people.office)


def test_the_page_shows_row_level_errors_in_the_users_language(client, people, regions):
    client.force_login(people.office)
    rows = [good_row(1), ["坏企业", "123", "370702", "规模以上工业企业", ""]]
    response = client.post(reverse("enterprises:import"), {"file": xlsx(rows)})
    assert response.status_code == 422
    html = response.content.decode()
    assert "未导入任何数据" in html
    assert "18 位" in html
    assert not Enterprise.objects.exists()


def test_the_page_rejects_a_missing_file_and_a_fake_file(client, people):
    client.force_login(people.office)
    response = client.post(reverse("enterprises:import"), {})
    assert response.status_code == 422
    assert response.context["form"].errors["file"]
    fake = SimpleUploadedFile("virus.xlsx", b"MZ not excel")
    response = client.post(reverse("enterprises:import"), {"file": fake})
    assert response.status_code == 422
    assert "不是 Excel" in response.content.decode()
