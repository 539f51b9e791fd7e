"""What an uploaded file really is, judged by its content, never by its name.

Accepted: images (JPEG, PNG, GIF, WebP), PDF, and Office documents (docx/xlsx/pptx, and the
legacy doc/xls/ppt). An Office zip that would unpack to an unreasonable size is refused before
anything reads it.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

MAX_UNPACKED_BYTES = 200 * 1024 * 1024
OOXML = {
    "word/document.xml": (
        ".docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xl/workbook.xml": (
        ".xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "ppt/presentation.xml": (
        ".pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
}
LEGACY_OFFICE = {
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".ppt": "application/vnd.ms-powerpoint",
}


class UploadRefused(Exception):
    """The message says why, for the user."""


@dataclass(frozen=True)
class Sniffed:
    extension: str
    content_type: str


def sniff(data: bytes, *, name: str = "") -> Sniffed:
    if not data:
        raise UploadRefused(_("The file is empty."))
    head = data[:16]
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed(".jpg", "image/jpeg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed(".png", "image/png")
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return Sniffed(".gif", "image/gif")
    if head[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return Sniffed(".webp", "image/webp")
    if head.startswith(b"%PDF-"):
        return Sniffed(".pdf", "application/pdf")
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if extension in LEGACY_OFFICE:
            return Sniffed(extension, LEGACY_OFFICE[extension])
        raise UploadRefused(_("Only images, PDF and Office documents are accepted."))
    if head.startswith(b"PK\x03\x04"):
        return _office_zip(data)
    raise UploadRefused(_("Only images, PDF and Office documents are accepted."))


def _office_zip(data: bytes) -> Sniffed:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UploadRefused(_("The document is damaged and cannot be accepted.")) from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise UploadRefused(_("The document unpacks to an unreasonable size and was refused."))
    if "[Content_Types].xml" in names:
        for marker, (extension, content_type) in OOXML.items():
            if marker in names:
                return Sniffed(extension, content_type)
    raise UploadRefused(_("Only images, PDF and Office documents are accepted."))


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
