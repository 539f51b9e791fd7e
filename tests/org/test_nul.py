"""A NUL character in any parameter is refused with a clear 400 before a view reads it:
PostgreSQL cannot hold one in text, so a view that passed it on (a picker's search box read
without a form) answered with a 500 there, though SQLite took it."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from issues.models import Ticket

pytestmark = pytest.mark.django_db


def _plain_routes(resolver=None, prefix=""):
    """Every named route without path parameters, outside the admin."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            if entry.namespace == "admin":
                continue
            yield from _plain_routes(entry, namespace)
        elif isinstance(entry, URLPattern) and entry.name and not entry.pattern.converters:
            if "(?P<" not in str(entry.pattern):
                yield f"{prefix}{entry.name}"


ROUTES = sorted(set(_plain_routes()))


def test_the_walk_finds_the_pickers():
    assert {"assignments:search-cadres", "issues:search-enterprises", "issues:list"} <= set(ROUTES)


@pytest.mark.parametrize("name", ROUTES)
def test_a_nul_in_a_query_parameter_is_a_clear_400(client, people, name):
    client.force_login(people.office)
    for params in ({"q": "a\x00b"}, {"cadre_q": "\x00"}, {"a\x00": "1"}):
        response = client.get(reverse(name), params)
        assert response.status_code == 400, (name, params)
        assert "NUL" in response.content.decode()


def test_a_nul_in_a_posted_form_writes_nothing(client, people, companies):
    client.force_login(people.office)
    before = Ticket.objects.count()
    response = client.post(reverse("issues:create"), {"title": "扩建\x00用地", "enterprise": 1})
    assert response.status_code == 400
    assert Ticket.objects.count() == before
