import datetime

import pytest
import time_machine
from django.urls import reverse

from issues.links import rating_token
from issues.services import (
    ticket_acknowledge,
    ticket_assign,
    ticket_rate,
    ticket_reply,
)
from issues.workflow import State
from notifications.models import Notification
from tests.factories import DepartmentFactory, UserFactory, submit_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def flow(people, companies, regions):
    land = DepartmentFactory(name="市自然资源和规划局", region=regions.city)
    handler = UserFactory(
        username="handler", roles=["department"], region=regions.city, department=land
    )
    return land, handler, submit_ticket(people.east_enterprise, companies.east)


def kinds(user):
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_each_step_reaches_the_people_it_concerns(people, flow):
    land, handler, ticket = flow
    ticket = ticket_assign(actor=people.office, ticket=ticket, department=land)
    assert kinds(handler) == ["ticket.assigned"]
    ticket = ticket_acknowledge(actor=handler, ticket=ticket)
    ticket = ticket_reply(actor=handler, ticket=ticket, outcome="已办")
    note = Notification.objects.get(recipient=people.east_enterprise, kind="ticket.replied")
    assert "/issues/rate/" in note.body
    ticket_rate(
        actor=people.east_enterprise, ticket=ticket, rating=2, satisfied=False, comment="没解决"
    )
    assert "ticket.reopened" in kinds(people.office) and "ticket.reopened" in kinds(handler)
    assert not Notification.objects.filter(recipient=people.west_enterprise).exists()


def test_the_rating_link_rates_once_without_logging_in(client, people, flow):
    land, handler, ticket = flow
    ticket = ticket_assign(actor=people.office, ticket=ticket, department=land)
    ticket = ticket_acknowledge(actor=handler, ticket=ticket)
    ticket = ticket_reply(actor=handler, ticket=ticket, outcome="已办")
    url = reverse("issues:rate-link", args=[rating_token(ticket)])
    page = client.get(url)
    assert page.status_code == 200 and "已办" in page.content.decode()
    assert client.post(url, {"rating": "x", "satisfied": "yes"}).status_code == 422
    assert client.post(url, {"rating": "4", "satisfied": "yes"}).status_code == 200
    ticket.refresh_from_db()
    assert ticket.state == State.CLOSED and ticket.rating == 4
    assert ticket.events.latest("created_at").actor == people.east_enterprise
    assert client.get(url).status_code == 410  # used


def test_forged_expired_and_superseded_links_are_refused(client, people, flow, settings):
    land, handler, ticket = flow
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)) as clock:
        ticket = ticket_assign(actor=people.office, ticket=ticket, department=land)
        ticket = ticket_acknowledge(actor=handler, ticket=ticket)
        ticket = ticket_reply(actor=handler, ticket=ticket, outcome="第一次")
        first = rating_token(ticket)
        assert client.get(reverse("issues:rate-link", args=[first + "x"])).status_code == 410
        ticket = ticket_rate(
            actor=people.east_enterprise, ticket=ticket, rating=1, satisfied=False, comment="没解决"
        )
        clock.shift(datetime.timedelta(hours=2))
        ticket = ticket_reply(actor=handler, ticket=ticket, outcome="第二次")
        assert client.get(reverse("issues:rate-link", args=[first])).status_code == 410
        second = rating_token(ticket)
        assert client.get(reverse("issues:rate-link", args=[second])).status_code == 200
        clock.shift(datetime.timedelta(days=settings.RATING_WINDOW_DAYS + 1))
        assert client.get(reverse("issues:rate-link", args=[second])).status_code == 410
