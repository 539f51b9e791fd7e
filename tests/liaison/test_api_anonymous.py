"""Nothing of the API answers an anonymous visitor: not its data, not its schema (which names
every endpoint, field and filter). Walks every URL pattern under /api/."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db


def _api_routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _api_routes(pattern, route)
        elif isinstance(pattern, URLPattern) and route.startswith("api/"):
            yield route


def _example(route: str) -> str:
    """A URL the route matches: 1 for an id, json for a format."""
    import re

    path = route.replace("<drf_format_suffix:format>", ".json")
    path = re.sub(r"\(\?P<format>[^)]*\)", "json", path)
    path = re.sub(r"\(\?P<[^>]+>[^)]*\)", "1", path)
    path = re.sub(r"<[^>]+>", "1", path)
    path = path.replace("^", "").replace("$", "").replace("\\.", ".").replace("/?", "/")
    return "/" + path


def test_every_api_route_refuses_an_anonymous_visitor(client, people, companies):
    routes = sorted(set(_api_routes()))
    assert "api/v1/schema/" in routes
    for route in routes:
        url = _example(route)
        response = client.get(url)
        assert response.status_code in (401, 403), (route, url, response.status_code)
    client.force_login(people.office)
    assert client.get("/api/v1/schema/").status_code == 200
