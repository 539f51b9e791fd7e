"""Reading and writing the Excel files users exchange with the portal (openpyxl).

Shared by every import (enterprises, contact tables …): one place checks that an upload is a
real, reasonably sized xlsx before any row is read, and one shape reports problems by row and
column.
"""

from __future__ import annotations

import contextlib
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from .http import mark_download
from .uploads import UploadRefused, declares_dtd, refuse_zip_polyglot

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
            if "xl/workbook.xml" not in names:
                raise SpreadsheetError(_("The file is not an Excel workbook (.xlsx)."))
            if unpacked > MAX_UNPACKED_BYTES:
                raise SpreadsheetError(
                    _("The workbook unpacks to an unreasonable size and was refused.")
                )
            try:
                refuse_zip_polyglot(data)
            except UploadRefused as exc:
                raise SpreadsheetError(str(exc)) from exc
            # A DTD (billion laughs, external entities) is refused before any XML parser sees
            # it; openpyxl parses with defusedxml as well, which refuses the same.
            if declares_dtd(archive):
                raise SpreadsheetError(_("The workbook could not be read: is it a valid .xlsx?"))
    except SpreadsheetError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise SpreadsheetError(_("The file is not an Excel workbook (.xlsx).")) from exc
    except Exception as exc:  # zlib.error, NotImplementedError (an unknown compression) …
        raise SpreadsheetError(_("The file is not an Excel workbook (.xlsx).")) from exc


def read_upload(upload, *, columns: Sequence[Column]) -> tuple[list[dict], list[RowProblem]]:
    """Read the first sheet of an uploaded xlsx into dicts keyed by column key.

    Returns (rows, problems). Each row dict has "_row" (the sheet row number). Raises
    SpreadsheetError when the file as a whole is unusable: whatever openpyxl or the XML parser
    raises on a damaged or hostile workbook becomes that one clear error, never a 500.
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
    except Exception as exc:  # InvalidFileException, KeyError, ParseError, DefusedXmlException …
        raise SpreadsheetError(_("The workbook could not be read: is it a valid .xlsx?")) from exc
    try:
        if not workbook.worksheets:
            raise SpreadsheetError(_("The workbook could not be read: is it a valid .xlsx?"))
        return _read_sheet(workbook.worksheets[0], columns)
    except SpreadsheetError:
        raise
    except Exception as exc:  # openpyxl raises many kinds on malformed sheet XML
        raise SpreadsheetError(_("The workbook could not be read: is it a valid .xlsx?")) from exc
    finally:
        with contextlib.suppress(Exception):
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


# OWASP "CSV injection": a cell whose text begins with one of these is taken for a formula by
# Excel, LibreOffice or WPS when it is written as one, or when a user edits it and presses Enter.
# A carriage return is read back from the XML as a line feed: both are covered. Spreadsheet
# programs of Chinese and Japanese locales take the full-width forms (typed with the IME) for
# the same operators when a cell is edited.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
# Set on every response the writer builds; a test fails on any xlsx download without it, so a
# future export that bypasses the writer is caught.
WRITER_MARK = "portal_workbook"


class Formula(str):
    """A formula the portal itself writes (e.g. a total); data is never one of these."""


def data_cell(sheet, value):
    """The value as the writer puts it in a cell: text stays text.

    Text that would be read as a formula is stored as an explicit string cell (data type "s",
    never "f") with Excel's quotePrefix style, the xlsx form of OWASP's leading single quote:
    the cell shows and exports exactly what was typed (no quote added to the value, so an
    export re-imports unchanged and reads the same to a person), and Excel keeps it as text
    even when a user edits the cell. Characters XML cannot carry are dropped rather than
    failing the download.
    """
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, Formula):
        cell = WriteOnlyCell(sheet, value=str(value))
        cell.data_type = "f"
        return cell
    if value is not None and not isinstance(
        value, str | int | float | Decimal | date | time | timedelta
    ):
        value = str(value)  # lazy translations, enums …
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = timezone.localtime(value).replace(tzinfo=None)  # Excel has no time zones
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if not value.startswith(FORMULA_TRIGGERS):
        return value
    cell = WriteOnlyCell(sheet, value="")
    cell.value = value
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def workbook_response(
    *, filename: str, columns: Sequence[Column], rows: Iterable[Sequence], title: str = ""
) -> HttpResponse:
    """An xlsx download with a bold header row (write-only mode: memory stays flat).

    Every export of the portal goes through here, so that no value is ever written as a
    formula (see data_cell)."""
    from urllib.parse import quote

    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import Cell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_safe_title(title))
    header = []
    for column in columns:
        cell = data_cell(sheet, f"{column.label}{'*' if column.required else ''}")
        if not isinstance(cell, Cell):
            cell = WriteOnlyCell(sheet, value=cell)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        header.append(cell)
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(
            12, len(str(column.label)) * 2
        )
    sheet.append(header)
    for row in rows:
        sheet.append([data_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    setattr(response, WRITER_MARK, True)
    return mark_download(response)


def _safe_title(title: str) -> str:
    """A sheet title Excel accepts: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(ch for ch in str(title) if ch not in "[]:*?/\\")[:31].strip("'")
    return cleaned or "Sheet1"
