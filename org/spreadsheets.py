"""Reading and writing the Excel files users exchange with the portal (openpyxl).

Shared by every import (enterprises, contact tables …): one place checks that an upload is a
real, reasonably sized xlsx before any row is read, and one shape reports problems by row and
column.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A real workbook compresses well, but a file that would unpack to more than this is refused
# before openpyxl reads it (a "zip bomb").
MAX_UNPACKED_BYTES = 256 * 1024 * 1024


class SpreadsheetError(Exception):
    """The file as a whole cannot be read; the message is for the user."""


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    message: str


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # lazily translated label, shown as the header
    required: bool = False
    help: str = ""


def _check_zip(data: bytes) -> None:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise SpreadsheetError(_("The file is not an Excel workbook (.xlsx)."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise SpreadsheetError(_("The file is not an Excel workbook (.xlsx).")) from exc
    if "xl/workbook.xml" not in names:
        raise SpreadsheetError(_("The file is not an Excel workbook (.xlsx)."))
    if unpacked > MAX_UNPACKED_BYTES:
        raise SpreadsheetError(_("The workbook unpacks to an unreasonable size and was refused."))


def read_upload(upload, *, columns: Sequence[Column]) -> tuple[list[dict], list[RowProblem]]:
    """Read the first sheet of an uploaded xlsx into dicts keyed by column key.

    Returns (rows, problems). Each row dict has "_row" (the sheet row number). Raises
    SpreadsheetError when the file as a whole is unusable.
    """
    max_bytes = settings.UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > max_bytes:
        raise SpreadsheetError(
            _("The file is larger than %(mb)d MB.") % {"mb": max_bytes // (1024 * 1024)}
        )
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise SpreadsheetError(
            _("The file is larger than %(mb)d MB.") % {"mb": max_bytes // (1024 * 1024)}
        )
    if not data:
        raise SpreadsheetError(_("The file is empty."))
    _check_zip(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise SpreadsheetError(_("The workbook could not be read: is it a valid .xlsx?")) from exc
    try:
        sheet = workbook.worksheets[0]
        return _read_sheet(sheet, columns)
    except SpreadsheetError:
        raise
    except Exception as exc:  # openpyxl raises many kinds on malformed sheet XML
        raise SpreadsheetError(_("The workbook could not be read: is it a valid .xlsx?")) from exc
    finally:
        workbook.close()


def _header_aliases(column: Column) -> set[str]:
    from django.utils import translation

    aliases = {column.key.lower()}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            aliases.add(str(column.label).strip().lower())
    return aliases


def _read_sheet(sheet, columns: Sequence[Column]) -> tuple[list[dict], list[RowProblem]]:
    max_rows = settings.IMPORT_MAX_ROWS
    rows_iter = sheet.iter_rows(values_only=True)
    header = next(rows_iter, None)
    if header is None:
        raise SpreadsheetError(_("The first sheet is empty: use the template."))
    header_names = [
        str(cell).strip().rstrip("*").strip().lower() if cell else "" for cell in header
    ]
    positions: dict[str, int] = {}
    for column in columns:
        aliases = _header_aliases(column)
        for index, name in enumerate(header_names):
            if name in aliases:
                positions[column.key] = index
                break
    missing = [str(c.label) for c in columns if c.required and c.key not in positions]
    if missing:
        raise SpreadsheetError(
            _("The header row lacks the column(s): %(columns)s. Use the template.")
            % {"columns": "、".join(missing)}
        )
    rows: list[dict] = []
    for number, values in enumerate(rows_iter, start=2):
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        if len(rows) >= max_rows:
            raise SpreadsheetError(
                _("The file has more than %(max)d rows; split it into smaller files.")
                % {"max": max_rows}
            )
        row = {"_row": number}
        for key, index in positions.items():
            value = values[index] if index < len(values) else None
            if isinstance(value, str):
                value = value.strip()
                if value == "":
                    value = None
            row[key] = value
        rows.append(row)
    if not rows:
        raise SpreadsheetError(_("The file has a header but no data rows."))
    return rows, []


def workbook_response(
    *, filename: str, columns: Sequence[Column], rows: Iterable[Sequence], title: str = ""
) -> HttpResponse:
    """An xlsx download with a bold header row (write-only mode: memory stays flat)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Sheet1")
    from openpyxl.cell import WriteOnlyCell

    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=f"{column.label}{'*' if column.required else ''}")
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        header.append(cell)
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(
            12, len(str(column.label)) * 2
        )
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
