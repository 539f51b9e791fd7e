"""What an uploaded file really is, judged by its content, never by its name.

Accepted: images (JPEG, PNG, GIF, WebP), PDF, and Office documents (docx/xlsx/pptx, and the
legacy doc/xls/ppt). A file is accepted only when

- its first bytes name one of these types (the name the user gave is never trusted),
- it parses completely as that type: an image decodes (Pillow), a PDF opens and has pages
  (pypdf), an Office zip has its content types, its main part with the right (macro-free)
  content type and intact entries, a legacy Office file is a compound file with the streams
  of its kind (olefile);
- it is nothing else as well (a "polyglot"): no bytes after the end of the image, the PDF's
  last %%EOF or the zip's end record, no zip archive hidden inside, no HTML or script markup,
  no PDF header inside an Office zip;
- it carries no active content: no Office macros, no PDF JavaScript or launch actions.

The stored and served name keeps the user's base name with the extension of the detected type
(`filename_for`), so `invoice.html` holding a JPEG is kept and served as `invoice.jpg`.
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

MAX_UNPACKED_BYTES = 200 * 1024 * 1024
# Pillow's own limit (89 megapixels) would only warn below twice that: refuse at it.
MAX_IMAGE_PIXELS = 89_478_485

OOXML_MAIN = {
    # the main part's content type → (extension, the file's content type)
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (
        ".docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": (
        ".xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": (
        ".pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
}
OFFICE_DOCUMENT_RELS = {
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
    "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument",  # Strict
}
LEGACY_OFFICE = {
    # a stream every file of the kind has → (extension, content type)
    "WordDocument": (".doc", "application/msword"),
    "Workbook": (".xls", "application/vnd.ms-excel"),
    "Book": (".xls", "application/vnd.ms-excel"),
    "PowerPoint Document": (".ppt", "application/vnd.ms-powerpoint"),
}
# Other spellings of an extension that name the same type: a user's "photo.jpeg" keeps its name.
ALIASES = {".jpg": {".jpg", ".jpeg", ".jpe", ".jfif"}}

# Markup a browser would run. Only long tokens: a short one (say "<svg") turns up by chance in
# the compressed bytes of large photos.
MARKUP = re.compile(
    rb"<(?:script|html|body|iframe|object|embed|frameset)[\s>/]|<!doctype\s+html",
    re.IGNORECASE,
)
# Names of PDF actions and payloads, wherever they are written in the clear (long enough not
# to occur by chance in compressed streams); pypdf checks the catalogue for the rest.
PDF_ACTIVE = re.compile(rb"/(?:JavaScript|Launch|EmbeddedFiles?|RichMedia)(?![A-Za-z])")
PDF_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/RichMediaExecute"}


# An Office document never declares a DTD: one that does is refused before any XML parser sees
# it (billion laughs, external entities), whatever the encoding it claims.
DTD_MARKERS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY", "<!doctype", "<!entity")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)
XML_PARTS = (".xml", ".rels", ".vml")
SCAN_CHUNK = 1024 * 1024


class UploadRefused(Exception):
    """The message says why, for the user."""


@dataclass(frozen=True)
class Sniffed:
    extension: str
    content_type: str


@dataclass(frozen=True)
class Accepted:
    data: bytes
    name: str  # the user's base name with the extension of the detected type
    extension: str
    content_type: str


def accept(upload) -> Accepted:
    """Read, judge and name an upload; raises UploadRefused with the reason."""
    data = read_upload(upload)
    kind = sniff(data, name=upload.name or "")
    return Accepted(
        data=data,
        name=filename_for(upload.name or "", kind.extension),
        extension=kind.extension,
        content_type=kind.content_type,
    )


def sniff(data: bytes, *, name: str = "") -> Sniffed:
    """The type of the content, once it has been checked to be that type and nothing else.
    `name` is accepted for callers' convenience and never decides anything."""
    if not data:
        raise UploadRefused(_("The file is empty."))
    head = data[:16]
    if head.startswith(b"\xff\xd8\xff"):
        return _image(data, Sniffed(".jpg", "image/jpeg"), "JPEG", _jpeg_end)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return _image(data, Sniffed(".png", "image/png"), "PNG", _png_end)
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return _image(data, Sniffed(".gif", "image/gif"), "GIF", _gif_end)
    if head[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _image(data, Sniffed(".webp", "image/webp"), "WEBP", _riff_end)
    if head.startswith(b"%PDF-"):
        return _pdf(data)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _legacy_office(data)
    if head.startswith(b"PK\x03\x04"):
        return _office_zip(data)
    raise UploadRefused(_("Only images, PDF and Office documents are accepted."))


def filename_for(original: str, extension: str) -> str:
    """The user's base name (no folders, no control characters) with `extension`: kept when
    the name already ends with it (or another spelling of it), replacing a short extension,
    appended otherwise. "invoice.html" holding a JPEG → "invoice.jpg"."""
    base = original.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip().strip(".")
    stem, dot, current = base.rpartition(".")
    if dot and "." + current.lower() in ALIASES.get(extension, {extension}):
        stem, extension = stem, "." + current.lower()
    elif dot and 1 <= len(current) <= 5 and current.isascii() and current.isalnum():
        pass  # a short extension of another type: replaced
    else:
        stem = base
    stem = stem.strip().strip(".") or "file"
    return stem[: 200 - len(extension)] + extension


def read_upload(upload) -> bytes:
    """The upload's bytes, refusing what is larger than UPLOAD_MAX_BYTES."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise UploadRefused(
            _("The file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)}
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise UploadRefused(
            _("The file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)}
        )
    return data


# Polyglots ----------------------------------------------------------------------------------


def _polyglot() -> UploadRefused:
    return UploadRefused(
        _(
            "The file also holds data of another kind (such as an archive, a web page or a "
            "script) and was refused. Save it again as a plain image, PDF or Office document."
        )
    )


def _refuse_hidden_content(data: bytes) -> None:
    """No zip archive (its end record is found from the end of the file, as unzip tools and
    Office do), no HTML or script markup anywhere in an image, a PDF or a legacy document."""
    if zipfile.is_zipfile(io.BytesIO(data)) or MARKUP.search(data):
        raise _polyglot()


# Images -------------------------------------------------------------------------------------


def _image(data: bytes, kind: Sniffed, pil_format: str, find_end) -> Sniffed:
    damaged = UploadRefused(_("The image is damaged or incomplete and cannot be accepted."))
    try:
        end = find_end(data)
    except (IndexError, struct.error, ValueError) as exc:
        raise damaged from exc
    if end is None:
        raise damaged
    if data[end:].strip(b"\x00\xff") and not _camera_trailer(data, end):
        raise _polyglot()
    _refuse_hidden_content(data)
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[pil_format]) as image:
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    raise UploadRefused(
                        _("The image is too large (more than %(mp)d megapixels).")
                        % {"mp": MAX_IMAGE_PIXELS // 1_000_000}
                    )
                image.verify()
            with Image.open(io.BytesIO(data), formats=[pil_format]) as image:
                image.load()
    except UploadRefused:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise UploadRefused(
            _("The image is too large (more than %(mp)d megapixels).")
            % {"mp": MAX_IMAGE_PIXELS // 1_000_000}
        ) from exc
    except Exception as exc:  # Pillow raises OSError, SyntaxError, ValueError … on bad data
        raise damaged from exc
    return kind


def _camera_trailer(data: bytes, end: int) -> bool:
    """Samsung phones append their own metadata after a JPEG's end (the "SEF" trailer: blocks,
    a SEFH directory, its length and "SEFT" closing the file). It is accepted when it is well
    formed; it still passes the zip and markup checks like the rest of the file."""
    if len(data) - end < 12 or not data.endswith(b"SEFT"):
        return False
    (length,) = struct.unpack("<I", data[-8:-4])
    directory = len(data) - 8 - length
    return end <= directory and data[directory : directory + 4] == b"SEFH"


def _png_end(data: bytes) -> int | None:
    position = 8
    while position + 12 <= len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        chunk_type = data[position + 4 : position + 8]
        position += 12 + length
        if chunk_type == b"IEND":
            return position if position <= len(data) else None
    return None


def _jpeg_end(data: bytes, start: int = 0) -> int | None:
    """Where the JPEG that starts at `start` ends (after its EOI marker); any further complete
    JPEGs (the multi-picture format of phone cameras) are part of the file too."""
    end = _one_jpeg_end(data, start)
    while end is not None and data[end : end + 3] == b"\xff\xd8\xff":
        end = _one_jpeg_end(data, end)
    return end


def _one_jpeg_end(data: bytes, start: int) -> int | None:
    position = start + 2  # after SOI
    size = len(data)
    while position < size:
        if data[position] != 0xFF:
            return None
        while position < size and data[position] == 0xFF:  # fill bytes
            position += 1
        if position >= size:
            return None
        marker = data[position]
        position += 1
        if marker == 0xD9:  # EOI
            return position
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # no length
            continue
        (length,) = struct.unpack(">H", data[position : position + 2])
        if length < 2:
            return None
        position += length
        if marker == 0xDA:  # start of scan: entropy-coded data up to the next real marker
            while True:
                position = data.find(b"\xff", position)
                if position < 0 or position + 1 >= size:
                    return None
                following = data[position + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
                    position += 1 if following == 0xFF else 2
                    continue
                break
    return None


def _gif_end(data: bytes) -> int | None:
    position = 13
    flags = data[10]
    if flags & 0x80:
        position += 3 * (2 ** ((flags & 0x07) + 1))
    while position < len(data):
        block = data[position]
        if block == 0x3B:  # trailer
            return position + 1
        if block == 0x21:  # extension: label, then sub-blocks
            position = _gif_sub_blocks(data, position + 2)
        elif block == 0x2C:  # image descriptor, local colour table, LZW size, sub-blocks
            flags = data[position + 9]
            position += 10
            if flags & 0x80:
                position += 3 * (2 ** ((flags & 0x07) + 1))
            position = _gif_sub_blocks(data, position + 1)
        else:
            return None
    return None


def _gif_sub_blocks(data: bytes, position: int) -> int:
    while True:
        length = data[position]
        position += 1
        if length == 0:
            return position
        position += length


def _riff_end(data: bytes) -> int | None:
    (length,) = struct.unpack("<I", data[4:8])
    end = 8 + length + (length & 1)
    return end if end <= len(data) or end - 1 == len(data) else None


# PDF ----------------------------------------------------------------------------------------


def _pdf(data: bytes) -> Sniffed:
    last_eof = data.rfind(b"%%EOF")
    if last_eof < 0:
        raise UploadRefused(_("The PDF cannot be opened and was refused."))
    if data[last_eof + 5 :].strip(b"\r\n\t\f \x00"):
        raise _polyglot()
    _refuse_hidden_content(data)
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise UploadRefused(_("Password-protected PDFs are not accepted."))
        pages = len(reader.pages)
        root = reader.trailer["/Root"].get_object()
        active = "/AA" in root or _pdf_action(root.get("/OpenAction"))
        names = root.get("/Names")
        if names is not None:
            names = names.get_object()
            active = active or "/JavaScript" in names or "/EmbeddedFiles" in names
    except UploadRefused:
        raise
    except Exception as exc:  # pypdf raises PdfReadError, KeyError, ValueError … on bad data
        raise UploadRefused(_("The PDF cannot be opened and was refused.")) from exc
    if pages < 1:
        raise UploadRefused(_("The PDF cannot be opened and was refused."))
    if active or PDF_ACTIVE.search(data):
        raise UploadRefused(
            _("PDFs that run scripts, open other files or carry attachments are not accepted.")
        )
    return Sniffed(".pdf", "application/pdf")


def _pdf_action(action) -> bool:
    """An opening action that runs a script or a program (a page to show is fine)."""
    if action is None:
        return False
    action = action.get_object()
    return hasattr(action, "get") and str(action.get("/S", "")) in PDF_ACTIVE_ACTIONS


# Office -------------------------------------------------------------------------------------


def _macros() -> UploadRefused:
    return UploadRefused(_("Office documents with macros are not accepted."))


def _legacy_office(data: bytes) -> Sniffed:
    import olefile

    damaged = UploadRefused(_("The document is damaged and cannot be accepted."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ole = olefile.OleFileIO(data)
        streams = {"/".join(entry) for entry in ole.listdir(streams=True, storages=True)}
        sector_size = ole.sector_size
        used = [i for i, entry in enumerate(ole.fat) if entry != olefile.FREESECT]
        ole.close()
    except Exception as exc:  # olefile raises OSError and its own kinds on damaged files
        raise damaged from exc
    # Text in a legacy document is stored in the clear, and may well mention "<html>": only a
    # hidden zip is looked for; the size check below catches anything appended.
    if zipfile.is_zipfile(io.BytesIO(data)):
        raise _polyglot()
    header = 4096 if sector_size == 4096 else 512
    if used and len(data) > header + (max(used) + 1) * sector_size:
        raise _polyglot()
    if any(
        name.split("/")[0] in {"Macros", "_VBA_PROJECT_CUR", "VBA"} or name.endswith("/VBA")
        for name in streams
    ):
        raise _macros()
    for stream, kind in LEGACY_OFFICE.items():
        if stream in streams:
            return Sniffed(*kind)
    raise UploadRefused(_("Only images, PDF and Office documents are accepted."))


def _office_zip(data: bytes) -> Sniffed:
    from defusedxml import ElementTree

    damaged = UploadRefused(_("The document is damaged and cannot be accepted."))
    refuse_zip_polyglot(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
                raise UploadRefused(
                    _("The document unpacks to an unreasonable size and was refused.")
                )
            if infos and infos[0].header_offset != 0:
                raise _polyglot()
            if "[Content_Types].xml" not in names or "_rels/.rels" not in names:
                raise UploadRefused(_("Only images, PDF and Office documents are accepted."))
            types = ElementTree.fromstring(archive.read("[Content_Types].xml"))
            relations = ElementTree.fromstring(archive.read("_rels/.rels"))
            if archive.testzip() is not None or declares_dtd(archive):
                raise damaged
    except UploadRefused:
        raise
    except Exception as exc:  # BadZipFile, zlib.error, ParseError, DefusedXmlException …
        raise damaged from exc
    overrides = {
        node.get("PartName", "").lstrip("/"): node.get("ContentType", "")
        for node in types
        if node.tag.endswith("}Override")
    }
    defaults = {
        node.get("Extension", "").lower(): node.get("ContentType", "")
        for node in types
        if node.tag.endswith("}Default")
    }
    if any(name.lower().endswith("vbaproject.bin") for name in names) or any(
        "macroenabled" in content_type.lower() for content_type in overrides.values()
    ):
        raise _macros()
    mains = [
        posixpath.normpath(node.get("Target", "")).lstrip("/")
        for node in relations
        if node.tag.endswith("}Relationship") and node.get("Type") in OFFICE_DOCUMENT_RELS
    ]
    if len(mains) != 1 or mains[0] not in names:
        raise damaged
    main_type = overrides.get(mains[0]) or defaults.get(mains[0].rsplit(".", 1)[-1].lower(), "")
    if "macroenabled" in main_type.lower():
        raise _macros()
    kind = OOXML_MAIN.get(main_type)
    if kind is None:
        raise UploadRefused(_("Only images, PDF and Office documents are accepted."))
    return Sniffed(*kind)


def declares_dtd(archive: zipfile.ZipFile) -> bool:
    """Whether any XML part of an Office zip carries a DTD (read in chunks, whole)."""
    overlap = max(len(marker) for marker in DTD_MARKERS)
    for info in archive.infolist():
        if not info.filename.lower().endswith(XML_PARTS):
            continue
        tail = b""
        with archive.open(info) as part:
            while chunk := part.read(SCAN_CHUNK):
                window = tail + chunk
                if any(marker in window for marker in DTD_MARKERS):
                    return True
                tail = window[-overlap:]
    return False


def refuse_zip_polyglot(data: bytes) -> None:
    """A zip (an Office document, a workbook to import) that is a zip and nothing else: no
    bytes after its end record, no PDF header where PDF readers look for one."""
    _refuse_zip_trailer(data)
    if b"%PDF-" in data[:1024]:
        raise _polyglot()


def _refuse_zip_trailer(data: bytes) -> None:
    """The zip's end-of-central-directory record (and its comment) must close the file."""
    end_record = data.rfind(b"PK\x05\x06")
    if end_record < 0 or len(data) < end_record + 22:
        raise UploadRefused(_("The document is damaged and cannot be accepted."))
    (comment_length,) = struct.unpack("<H", data[end_record + 20 : end_record + 22])
    if end_record + 22 + comment_length != len(data):
        raise _polyglot()
