"""Pages answered without signing in are private and never stored either.

The rating link (/issues/rate/<token>/) shows a ticket's number, title and outcome to whoever holds
the link, without a session: a shared proxy or the disk cache of an office computer must not keep
it. The same rule for every page the portal renders to an anonymous visitor (the login page carries
a CSRF token, the error pages the path asked for): one rule, every response.
"""

import pytest
from django.urls import reverse

from issues.links import rating_token
from issues.services import ticket_acknowledge, ticket_assign, ticket_reply
from tests.factories import DepartmentFactory, UserFactory, submit_ticket

pytestmark = pytest.mark.django_db


def _private_no_store(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives and "public" not in directives


def test_every_anonymous_page_is_private_no_store(client, people, companies, regions):
    land = DepartmentFactory(name="市自然资源和规划局", region=regions.city)
    handler = UserFactory(roles=["department"], region=regions.city, department=land)
    ticket = submit_ticket(people.east_enterprise, companies.east, title="外墙用地")
    ticket = ticket_assign(actor=people.office, ticket=ticket, department=land)
    ticket = ticket_acknowledge(actor=handler, ticket=ticket)
    ticket = ticket_reply(actor=handler, ticket=ticket, outcome="已协调解决")
    rate = client.get(reverse("issues:rate-link", args=[rating_token(ticket)]))
    assert rate.status_code == 200 and "已协调解决" in rate.content.decode()
    pages = {
        "rating link": rate,
        "rating link, refused": client.post(
            reverse("issues:rate-link", args=[rating_token(ticket)]), {}
        ),
        "expired link": client.get(reverse("issues:rate-link", args=["forged"])),
        "login": client.get(reverse("login")),
        "password reset": client.get(reverse("password_reset")),
        "home": client.get(reverse("home")),
        "missing page": client.get("/no-such-page/"),
        "api": client.get("/api/v1/enterprises/"),
    }
    for label, response in pages.items():
        assert _private_no_store(response), (
            label,
            response.status_code,
            response.get("Cache-Control"),
        )
