import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from issues.models import Attachment
from issues.services import TicketError, attachment_add
from tests.factories import submit_ticket
from tests.org import files

pytestmark = pytest.mark.django_db
PNG = files.png()


@pytest.fixture
def ticket(people, companies, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return submit_ticket(people.east_enterprise, companies.east)


def docx(size=100, *, bomb=False):
    return files.docx(size=300 * 1024 * 1024 if bomb else size)


def test_an_image_a_pdf_and_a_docx_are_kept_under_random_names(ticket, people):
    for name, data in (("现场.png", PNG), ("批复.pdf", files.pdf()), ("说明.docx", docx())):
        attachment = attachment_add(
            actor=people.east_enterprise, ticket=ticket, upload=SimpleUploadedFile(name, data)
        )
        assert attachment.original_name == name
        assert name.split(".")[0] not in attachment.file.name
        assert attachment.file.name.endswith(attachment.extension)
    assert set(Attachment.objects.values_list("content_type", flat=True)) == {
        "image/png",
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }


@pytest.mark.parametrize(
    ("name", "data", "fragment"),
    [
        ("photo.jpg", b"MZ\x90\x00\x03 an exe renamed", "图片"),
        ("report.docx", docx(bomb=True), "不合理"),
        ("notes.docx", b"PK\x03\x04 not really a zip", "损坏"),
        ("empty.pdf", b"", "空"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(ticket, people, name, data, fragment):
    with pytest.raises(TicketError, match=fragment):
        attachment_add(
            actor=people.east_enterprise, ticket=ticket, upload=SimpleUploadedFile(name, data)
        )
    assert not Attachment.objects.exists()


def test_an_oversized_file_is_refused(ticket, people, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    with pytest.raises(TicketError, match="MB"):
        attachment_add(
            actor=people.east_enterprise,
            ticket=ticket,
            upload=SimpleUploadedFile("big.png", PNG + b"\x00" * 2000),
        )


def test_files_are_served_only_to_those_who_see_the_ticket(client, ticket, people):
    attachment = attachment_add(
        actor=people.east_enterprise, ticket=ticket, upload=SimpleUploadedFile("现场.png", PNG)
    )
    url = reverse("issues:attachment", args=[attachment.pk])
    client.force_login(people.office)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    for outsider in (people.west_enterprise, people.department, people.no_role):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    with pytest.raises(TicketError):
        attachment_add(
            actor=people.west_enterprise, ticket=ticket, upload=SimpleUploadedFile("x.png", PNG)
        )


def test_the_page_uploads_and_reports_a_refusal(client, ticket, people):
    client.force_login(people.east_enterprise)
    url = reverse("issues:attach", args=[ticket.pk])
    assert client.post(url, {}).status_code == 422
    response = client.post(url, {"file": SimpleUploadedFile("a.jpg", b"MZ exe")})
    assert response.status_code == 422 and "图片" in response.content.decode()
    assert client.post(url, {"file": SimpleUploadedFile("a.png", PNG)}).status_code == 302
    assert "a.png" in client.get(reverse("issues:detail", args=[ticket.pk])).content.decode()
