"""Redirect targets from the request stay on the portal; signed-in pages are never cached."""

import inspect
import re
from urllib.parse import urlsplit

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from org.http import safe_next
from org.middleware import apply_private_no_store
from tests.factories import DepartmentFactory, submit_ticket
from tests.org.test_spreadsheets import _patterns, _urls
from tests.org.test_uploads import _views

EVIL = [
    "https://evil.example/phish",
    "//evil.example/phish",
    "/\\evil.example/phish",
    "javascript:alert(document.cookie)",
    "http://testserver@evil.example/",
    " https://evil.example/",
]
READS_A_TARGET = re.compile(r"""["']next["']|HTTP_REFERER|redirect\(request\.|safe_next\(""")


def _off_site(location: str) -> bool:
    parts = urlsplit(location)
    return (
        parts.scheme not in ("", "http", "https")
        or parts.netloc not in ("", "testserver")
        or location.startswith(("//", "/\\"))
    )


# The helper ---------------------------------------------------------------------------------


@pytest.mark.parametrize("target", EVIL)
def test_safe_next_refuses_other_sites_and_schemes(target):
    request = RequestFactory().post("/x/", {"next": target})
    assert safe_next(request, "/issues/") == "/issues/"
    request = RequestFactory().get("/x/", {"next": target})
    assert safe_next(request, "notifications:list") == "/notifications/"


@pytest.mark.parametrize("target", ["abc", "2", "-1", "issues:list", "1e400"])
def test_safe_next_refuses_a_bare_word_that_redirect_would_take_for_a_view(target):
    request = RequestFactory().post("/x/", {"next": target})
    assert safe_next(request, "/issues/") == "/issues/"


@pytest.mark.parametrize(
    "target", ["/issues/?state=submitted&page=2", "/enterprises/5/", "http://testserver/issues/"]
)
def test_safe_next_keeps_pages_of_the_portal(target):
    request = RequestFactory().post("/x/", {"next": target})
    assert safe_next(request, "/") == target


def test_safe_next_over_https_refuses_a_plain_http_target():
    request = RequestFactory().post("/x/", {"next": "http://testserver/issues/"}, secure=True)
    assert safe_next(request, "/") == "/"


# Every view that takes a target from the request -------------------------------------------


def target_views() -> dict[str, object]:
    """Views of the portal's own code that read `next`, the Referer, or redirect to something
    from the request."""
    found = {}
    for name, callback in _views():
        function = inspect.unwrap(callback)
        module = getattr(function, "__module__", "") or ""
        if name.startswith("admin:") or module.startswith(("django.", "rest_framework")):
            continue
        try:
            source = inspect.getsource(function)
        except (OSError, TypeError):
            continue
        if READS_A_TARGET.search(source):
            found[name] = source
    return found


def test_every_view_that_reads_a_target_goes_through_safe_next():
    views = target_views()
    assert {"issues:bulk-assign", "notifications:read"} <= set(views)
    for name, source in views.items():
        assert "safe_next(" in source, f"{name} reads a redirect target without safe_next"


@pytest.fixture
def ticket(people, companies, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return submit_ticket(people.east_enterprise, companies.east)


@pytest.mark.django_db
@pytest.mark.parametrize("target", EVIL)
def test_every_view_taking_next_refuses_an_outside_target(client, people, ticket, target):
    from tests.factories import PASSWORD

    department = DepartmentFactory(region=people.office.region)
    cases = {
        "login": ("post", reverse("login"), {"username": "office", "password": PASSWORD}),
        "logout": ("post", reverse("logout"), {}),
        "set_language": ("post", reverse("set_language"), {"language": "en"}),
        "notifications:read": ("post", reverse("notifications:read"), {}),
        "issues:bulk-assign (nothing ticked)": ("post", reverse("issues:bulk-assign"), {}),
        "issues:bulk-assign": (
            "post",
            reverse("issues:bulk-assign"),
            {"ticket": [ticket.pk], "department": department.pk},
        ),
    }
    # Every portal view found reading a target is among the cases.
    assert set(target_views()) <= {name.split(" ")[0] for name in cases}
    for label, (method, url, data) in cases.items():
        client.logout()
        if label != "login":
            client.force_login(people.office)
        response = getattr(client, method)(f"{url}?next={target}", {**data, "next": target})
        assert response.status_code == 302, label
        assert not _off_site(response["Location"]), (label, response["Location"])
    ticket.refresh_from_db()
    assert ticket.lead_department == department  # the bulk assignment itself went through


@pytest.mark.django_db
def test_no_page_of_the_portal_redirects_off_site(client, people, ticket):
    """Every route, GET and POST, with an outside `next` in the query and the body."""
    client.force_login(people.office)
    for name, url in _urls([ticket.pk]):
        if name.startswith("admin:") or name in {"logout"}:
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(
                f"{url}?next=//evil.example/", {"next": "https://evil.example/"}
            )
            if 300 <= response.status_code < 400:
                assert not _off_site(response["Location"]), (name, response["Location"])


# Caching ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_signed_in_pages_and_downloads_are_private_no_store(client, people, companies, ticket):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from issues.services import attachment_add
    from tests.org import files

    attachment = attachment_add(
        actor=people.east_enterprise, ticket=ticket, upload=SimpleUploadedFile("a.png", files.png())
    )
    pages = {
        "home": reverse("home"),
        "enterprises": reverse("enterprises:list"),
        "enterprise": reverse("enterprises:detail", args=[companies.east.pk]),
        "enterprise export": reverse("enterprises:export"),
        "tickets": reverse("issues:list"),
        "ticket": reverse("issues:detail", args=[ticket.pk]),
        "attachment": reverse("issues:attachment", args=[attachment.pk]),
        "notifications": reverse("notifications:list"),
        "assignments": reverse("assignments:list"),
        "my enterprises": reverse("assignments:mine"),
        "coverage": reverse("assignments:coverage"),
        "api": "/api/v1/enterprises/",
        "admin": reverse("admin:index"),
        "password change": reverse("password_change"),
    }
    seen = set()
    for user in (
        people.superuser,
        people.office,
        people.east_office,
        people.cadre,
        people.east_enterprise,
        people.department,
        people.leader,
    ):
        client.force_login(user)
        for label, url in pages.items():
            response = client.get(url)
            seen.add((label, response.status_code))
            directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
            assert {"private", "no-store"} <= directives, (user.username, label, directives)
            assert "public" not in directives
    # The list is not all refusals: every page answered 200 to someone.
    assert {label for label, status in seen if status == 200} == set(pages)


@pytest.mark.django_db
def test_static_files_keep_their_own_caching(client, people):
    client.force_login(people.office)
    response = client.get("/static/css/portal.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_a_stricter_header_of_a_view_is_kept_and_a_weaker_one_replaced():
    strict = HttpResponse()
    strict["Cache-Control"] = "no-cache, no-store, must-revalidate, max-age=0"
    apply_private_no_store(strict)
    assert strict["Cache-Control"] == "private, no-cache, no-store, must-revalidate, max-age=0"
    weak = HttpResponse()
    weak["Cache-Control"] = "public, max-age=3600"
    apply_private_no_store(weak)
    assert weak["Cache-Control"] == "private, no-store"


def test_routes_are_walked():
    assert len(list(_patterns())) > 30
