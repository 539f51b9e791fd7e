"""Uploads are what they claim: judged by parsing them whole, named by their detected type,
refused when they are two things at once, and served only as downloads."""

import inspect
import struct

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from assignments.models import Assignment
from enterprises.models import Enterprise
from issues.models import Attachment
from issues.services import attachment_add
from org.uploads import UploadRefused, filename_for, sniff
from tests.factories import submit_ticket
from tests.org import files

POLYGLOT = "另一种类型的数据"  # the zh-hans message of a refused polyglot


@pytest.fixture
def ticket(people, companies, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return submit_ticket(people.east_enterprise, companies.east)


# The judge ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "content"), files.good_files().items())
def test_every_accepted_kind_is_recognised_by_its_content(name, content):
    data, content_type = content
    kind = sniff(data, name="whatever.bin")
    assert kind.content_type == content_type
    assert name.endswith(kind.extension)


@pytest.mark.parametrize(("label", "data"), files.polyglots().items())
def test_polyglots_are_refused(label, data):
    with pytest.raises(UploadRefused, match=POLYGLOT):
        sniff(data)


@pytest.mark.parametrize(
    ("label", "data", "fragment"),
    [
        ("truncated jpeg", files.jpeg()[:-40], "损坏"),
        ("truncated png", files.png()[:-20], "损坏"),
        ("png with a bad checksum", files.png()[:40] + b"\x00" + files.png()[41:], "损坏"),
        ("gif without its trailer", files.gif()[:-1], "损坏"),
        ("a PDF header and nothing else", b"%PDF-1.7\n%%EOF\n", "PDF"),
        ("a PDF with an opening script", files.pdf(javascript=True), "脚本"),
        ("a password-protected PDF", files.pdf(password="secret"), "密码"),
        ("a docx with a macro project", files.docx(extra={"word/vbaProject.bin": b"x"}), "宏"),
        (
            "a docm",
            files.ooxml(content_type="application/vnd.ms-word.document.macroEnabled.main+xml"),
            "宏",
        ),
        ("a doc with macros", files.ole(extra_storage="Macros"), "宏"),
        ("a compound file of no Office kind", files.ole("Contents"), "只接受"),
        (
            "a zip that names no main part",
            files.ooxml(content_type="application/vnd.oasis.opendocument.text"),
            "只接受",
        ),
        (
            "a docx whose part declares entities",
            files.docx(
                extra={
                    "docProps/app.xml": b'<!DOCTYPE x [<!ENTITY a "aaaa">]><Properties>&a;'
                    b"</Properties>"
                }
            ),
            "损坏",
        ),
        ("html", files.HTML, "只接受"),
        ("a Windows program", b"MZ\x90\x00\x03" + b"\x00" * 100, "只接受"),
    ],
)
def test_damaged_and_active_files_are_refused_with_the_reason(label, data, fragment):
    with pytest.raises(UploadRefused, match=fragment):
        sniff(data)


@pytest.mark.parametrize(
    ("given", "extension", "kept"),
    [
        ("invoice.html", ".jpg", "invoice.jpg"),
        ("run.bat", ".jpg", "run.jpg"),
        ("现场照片", ".png", "现场照片.png"),
        ("photo.JPEG", ".jpg", "photo.jpeg"),
        ("报告 v1.2 final", ".pdf", "报告 v1.2 final.pdf"),
        ("C:\\Users\\x\\..\\evil.php.png", ".png", "evil.php.png"),
        ("../../etc/passwd", ".pdf", "passwd.pdf"),
        (".htaccess", ".jpg", "htaccess.jpg"),
        ("a\x00b\r\n.docx", ".docx", "ab.docx"),
        ("", ".pdf", "file.pdf"),
        ("x" * 300 + ".pdf", ".pdf", "x" * 196 + ".pdf"),
    ],
)
def test_the_name_takes_its_extension_from_the_detected_type(given, extension, kept):
    assert filename_for(given, extension) == kept


# Every upload path --------------------------------------------------------------------------


def _views(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from _views(pattern, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{prefix}{pattern.name}", pattern.callback


def upload_views() -> set[str]:
    """Every view of the portal's own code that reads request.FILES or takes a form with a
    file field."""
    found = set()
    for name, callback in _views():
        function = inspect.unwrap(callback)
        module = getattr(function, "__module__", "") or ""
        if name.startswith("admin:") or module.startswith(
            ("django.", "rest_framework", "drf_spectacular")
        ):
            continue  # the admin is walked below
        try:
            source = inspect.getsource(function)
        except (OSError, TypeError):
            continue
        if "request.FILES" in source or "UploadForm" in source:
            found.add(name)
    return found


UPLOAD_PATHS = {
    "issues:attach": "ticket",
    "enterprises:import": None,
    "assignments:import": None,
}


def test_every_upload_path_is_tested_here():
    assert upload_views() == set(UPLOAD_PATHS)


@pytest.mark.django_db
def test_no_admin_form_takes_a_file(rf, people):
    """A file field in an admin form would be an upload path that skips the judge."""
    from django import forms
    from django.contrib import admin

    request = rf.get("/admin/")
    request.user = people.superuser
    for model, model_admin in admin.site._registry.items():
        form = model_admin.get_form(request)
        file_fields = [n for n, f in form.base_fields.items() if isinstance(f, forms.FileField)]
        assert not file_fields, (model, file_fields)


def test_no_api_serializer_takes_a_file():
    from rest_framework import serializers

    from assignments.api.views import AssignmentViewSet
    from enterprises.api.views import EnterpriseViewSet

    for viewset in (EnterpriseViewSet, AssignmentViewSet):
        fields = viewset.serializer_class().fields.values()
        assert not [f for f in fields if isinstance(f, serializers.FileField)]


def _post(client, people, ticket, name, upload):
    url = reverse(name, args=[ticket.pk]) if UPLOAD_PATHS[name] else reverse(name)
    client.force_login(people.office if UPLOAD_PATHS[name] is None else people.east_enterprise)
    return client.post(url, {"file": upload})


def _written():
    return (Attachment.objects.count(), Enterprise.objects.count(), Assignment.objects.count())


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(UPLOAD_PATHS))
@pytest.mark.parametrize(
    ("label", "data"),
    [
        ("a web page named .xlsx", files.HTML),
        ("a jpeg with a zip", files.jpeg() + files.zip_archive()),
        ("a workbook with a page after it", files.xlsx() + files.HTML),
        ("a workbook that is also a PDF", files.ooxml(first=("a.pdf", files.pdf()))),
    ],
)
def test_every_upload_path_refuses_what_is_not_what_it_claims(
    client, people, ticket, name, label, data
):
    before = _written()
    response = _post(client, people, ticket, name, SimpleUploadedFile("data.xlsx", data))
    assert response.status_code == 422
    html = response.content.decode()
    assert any(fragment in html for fragment in ("只接受", "不是 Excel", POLYGLOT, "无法读取")), (
        html[-3000:]
    )
    assert _written() == before


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["enterprises:import", "assignments:import"])
def test_an_image_named_xlsx_is_no_workbook(client, people, ticket, name):
    before = _written()
    response = _post(client, people, ticket, name, SimpleUploadedFile("data.xlsx", files.jpeg()))
    assert response.status_code == 422 and "不是 Excel" in response.content.decode()
    assert _written() == before


@pytest.mark.django_db
def test_a_jpeg_named_html_is_kept_and_served_as_a_jpeg_download(client, people, ticket):
    data = files.jpeg()
    client.force_login(people.east_enterprise)
    response = client.post(
        reverse("issues:attach", args=[ticket.pk]),
        {"file": SimpleUploadedFile("invoice.html", data, content_type="text/html")},
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.original_name, attachment.content_type) == ("invoice.jpg", "image/jpeg")
    assert attachment.file.name.endswith(".jpg")
    assert "invoice.jpg" in client.get(reverse("issues:detail", args=[ticket.pk])).text
    response = client.get(reverse("issues:attachment", args=[attachment.pk]))
    assert b"".join(response.streaming_content) == data
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="invoice.jpg"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_a_file_stored_before_the_check_is_served_under_its_type(client, people, ticket):
    """Attachments kept under a misleading name by earlier versions are served renamed."""
    attachment = attachment_add(
        actor=people.east_enterprise,
        ticket=ticket,
        upload=SimpleUploadedFile("run.pdf", files.pdf()),
    )
    Attachment.objects.filter(pk=attachment.pk).update(original_name="run.bat")
    client.force_login(people.office)
    response = client.get(reverse("issues:attachment", args=[attachment.pk]))
    assert 'filename="run.pdf"' in response["Content-Disposition"]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "content"), files.good_files().items())
def test_every_accepted_kind_attaches_under_its_own_name(people, ticket, name, content):
    data, content_type = content
    attachment = attachment_add(
        actor=people.east_enterprise, ticket=ticket, upload=SimpleUploadedFile(name, data)
    )
    assert (attachment.original_name, attachment.content_type) == (name, content_type)
    assert attachment.file.read() == data


@pytest.mark.django_db
def test_the_migration_renames_attachments_kept_under_another_type(people, ticket):
    from importlib import import_module

    from django.apps import apps

    attachment = attachment_add(
        actor=people.east_enterprise, ticket=ticket, upload=SimpleUploadedFile("a.png", files.png())
    )
    Attachment.objects.filter(pk=attachment.pk).update(original_name="invoice.html")
    module = import_module("issues.migrations.0017_attachment_names_take_their_type")
    module.rename(apps, None)
    attachment.refresh_from_db()
    assert attachment.original_name == "invoice.png"


def _samsung_trailer(payload: bytes) -> bytes:
    directory = b"SEFH" + b"\x6b\x00\x00\x00" + b"\x01\x00\x00\x00" + b"\x00" * 12
    return payload + directory + struct.pack("<I", len(directory)) + b"SEFT"


def test_a_samsung_photo_with_its_metadata_trailer_is_an_image():
    data = files.jpeg() + _samsung_trailer(b"Image_UTC_Data1700000000000")
    assert sniff(data).content_type == "image/jpeg"


@pytest.mark.parametrize("payload", [files.HTML, files.zip_archive()])
def test_a_camera_trailer_cannot_smuggle_a_page_or_an_archive(payload):
    with pytest.raises(UploadRefused, match=POLYGLOT):
        sniff(files.jpeg() + _samsung_trailer(payload))


def test_an_office_zip_typed_by_its_default_content_type_is_accepted():
    data = files.ooxml("word/main.docxml", files.DOCX_MAIN, by_default=True)
    assert sniff(data).extension == ".docx"
