"""The 403, 404 and 500 pages: the portal's own, in the user's language, with its layout, in
every setting (DEBUG off); a refused or missing page is one line in the log, not a traceback."""

import io
import logging

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

PAGES = {
    # status: (how to get it, Chinese text, English text)
    403: (
        "/enterprises/import/",
        "您的角色无权执行此操作",
        "Your role does not allow this action.",
    ),
    404: ("/no-such-page/", "该页面不存在", "This page does not exist"),
    500: ("/boom/", "请稍后再试", "Please try again later."),
}


@pytest.fixture
def signed_in(people):
    client = Client(raise_request_exception=False)
    client.force_login(people.cadre)
    return client


@pytest.mark.urls("tests.liaison.error_urls")
@pytest.mark.parametrize("status", sorted(PAGES))
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_error_page_is_translated_and_has_the_layout(signed_in, status, language):
    assert settings.DEBUG is False
    url, chinese, english = PAGES[status]
    signed_in.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = signed_in.get(url)
    assert response.status_code == status
    body = response.content.decode()
    assert (chinese if language == "zh-hans" else english) in body
    assert (english if language == "zh-hans" else chinese) not in body
    assert f'<html lang="{language}">' in body
    # The site's layout: its navigation and the way home.
    assert 'class="navbar' in body and reverse("assignments:mine") in body
    assert "Traceback" not in body


def test_an_anonymous_404_has_the_layout_in_chinese(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "该页面不存在" in response.content.decode()
    assert 'class="navbar' in response.content.decode()


@pytest.fixture
def console():
    """What the console handler of the configured logging writes."""
    handler = next(h for h in logging.getLogger("django").handlers if h.name == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


@pytest.mark.urls("tests.liaison.error_urls")
@pytest.mark.parametrize("debug", [False, True])
def test_a_403_or_404_is_logged_once_without_a_traceback_and_a_500_with_one(
    signed_in, console, settings, debug
):
    settings.DEBUG = debug  # Django's own console handler used to print a second copy
    signed_in.get("/enterprises/import/")
    signed_in.get("/no-such-page/")
    log = console.getvalue()
    assert log.count("Forbidden") == 1
    assert log.count("Not Found: /no-such-page/") == 1
    assert "Traceback" not in log and "PermissionDenied" not in log

    signed_in.get("/boom/")
    log = console.getvalue()[len(log) :]
    assert log.count("Internal Server Error: /boom/") == 1
    assert "Traceback" in log and "a fault in a view" in log
