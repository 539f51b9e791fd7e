"""Real files of every accepted type, built in memory, and the polyglots made from them."""

from __future__ import annotations

import io
import struct
import zipfile

from PIL import Image

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
PPTX_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def image(fmt: str = "PNG", size=(16, 12)) -> bytes:
    buffer = io.BytesIO()
    picture = Image.new("RGB", size, (200, 30, 30))
    picture.save(buffer, format=fmt)
    return buffer.getvalue()


def jpeg() -> bytes:
    return image("JPEG")


def png() -> bytes:
    return image("PNG")


def gif() -> bytes:
    return image("GIF")


def webp() -> bytes:
    return image("WEBP")


def pdf(*, javascript: bool = False, password: str | None = None) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if javascript:
        from pypdf.actions import JavaScript

        writer.add_open_action(JavaScript("app.alert('hi');"))
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def ooxml(
    main: str = "word/document.xml",
    content_type: str = DOCX_MAIN,
    *,
    extra: dict[str, bytes] | None = None,
    first: tuple[str, bytes] | None = None,
    size: int = 100,
    by_default: bool = False,
) -> bytes:
    """A minimal Office zip; by_default types its main part by its extension (a <Default>)
    rather than by name (an <Override>), as some producers do."""
    extension = main.rsplit(".", 1)[-1]
    main_type = (
        f'<Default Extension="{extension}" ContentType="{content_type}"/>'
        if by_default
        else f'<Override PartName="/{main}" ContentType="{content_type}"/>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        if first:
            archive.writestr(zipfile.ZipInfo(first[0]), first[1])  # stored, uncompressed
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f"{main_type}</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{OFFICE_REL}" Target="{main}"/></Relationships>',
        )
        archive.writestr(main, b"<document>" + b"0" * size + b"</document>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx(**kwargs) -> bytes:
    return ooxml(**kwargs)


def xlsx() -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    workbook = Workbook()
    workbook.active.append(["a", 1])
    workbook.save(buffer)
    return buffer.getvalue()


def pptx() -> bytes:
    return ooxml("ppt/presentation.xml", PPTX_MAIN)


def ole(stream: str = "WordDocument", *, extra_storage: str | None = None) -> bytes:
    """A minimal compound file (version 3, 512-byte sectors) holding one 4 KB stream, and
    optionally an empty storage (e.g. "Macros")."""
    free, end, fat_sector, no_stream = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into(
        "<HHHHH6xIIIIIIIII", header, 24, 0x3E, 3, 0xFFFE, 9, 6, 0, 1, 1, 0, 4096, end, 0, end, 0
    )
    difat = [0] + [free] * 108
    struct.pack_into("<109I", header, 76, *difat)
    fat = [fat_sector, end] + list(range(3, 10)) + [end]
    fat += [free] * (128 - len(fat))

    def entry(name, kind, child=no_stream, right=no_stream, start=end, size=0):
        raw = bytearray(128)
        encoded = (name + "\0").encode("utf-16-le") if name else b""
        raw[0 : len(encoded)] = encoded
        struct.pack_into("<HBB", raw, 64, len(encoded), kind, 1 if name else 0)
        struct.pack_into("<III", raw, 68, no_stream, right, child)
        struct.pack_into("<IQ", raw, 116, start, size)
        return bytes(raw)

    entries = [entry("Root Entry", 5, child=1)]
    if extra_storage:
        entries.append(entry(stream, 2, right=2, start=2, size=4096))
        entries.append(entry(extra_storage, 1))
    else:
        entries.append(entry(stream, 2, start=2, size=4096))
    while len(entries) < 4:
        entries.append(entry("", 0))
    return (
        bytes(header)
        + struct.pack("<128I", *fat)
        + b"".join(entries)
        + (b"Legacy document text " * 200)[:4096]
    )


def zip_archive() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.html", HTML)
    return buffer.getvalue()


def pdf_that_is_a_zip() -> bytes:
    """A PDF whose closing %%EOF is the comment of a zip archive placed just before it:
    lenient PDF readers and unzip tools both open it."""
    body = pdf()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.html", HTML)
        archive.comment = b"%%EOF\n"
    return body[: body.rfind(b"%%EOF")] + buffer.getvalue()


def with_comment(jpeg_bytes: bytes, comment: bytes) -> bytes:
    """A JPEG with a COM segment right after SOI."""
    return (
        jpeg_bytes[:2]
        + b"\xff\xfe"
        + struct.pack(">H", len(comment) + 2)
        + comment
        + (jpeg_bytes[2:])
    )


def good_files() -> dict[str, tuple[bytes, str]]:
    """name → (content, expected content type): one of every accepted kind."""
    return {
        "现场.jpg": (jpeg(), "image/jpeg"),
        "照片.png": (png(), "image/png"),
        "动图.gif": (gif(), "image/gif"),
        "图.webp": (webp(), "image/webp"),
        "批复.pdf": (pdf(), "application/pdf"),
        "说明.docx": (
            docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        "台账.xlsx": (xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        "汇报.pptx": (
            pptx(),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        "旧文档.doc": (ole("WordDocument"), "application/msword"),
        "旧表格.xls": (ole("Workbook"), "application/vnd.ms-excel"),
        "旧演示.ppt": (ole("PowerPoint Document"), "application/vnd.ms-powerpoint"),
    }


def polyglots() -> dict[str, bytes]:
    """label → a file that is an accepted type and something else too."""
    return {
        "jpeg+zip": jpeg() + zip_archive(),
        "jpeg+html": jpeg() + HTML,
        "png+html": png() + HTML,
        "gif+script": gif() + b"<script>alert(1)</script>",
        "webp+html": webp() + HTML,
        "html in a jpeg comment": with_comment(jpeg(), HTML),
        "pdf+zip": pdf() + zip_archive(),
        "pdf that is a zip": pdf_that_is_a_zip(),
        "pdf+html": pdf() + HTML,
        "docx+html": docx() + HTML,
        "docx holding a pdf header": docx(first=("a.pdf", pdf())),
        "doc+zip": ole() + zip_archive(),
        "doc+payload": ole() + b"\x01" * 512,
    }
