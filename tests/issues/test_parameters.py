"""No request parameter of the ticket views reaches a 500: each is parsed by a form, and a
value that is no number, a Unicode digit, a huge or negative number, or empty gets a clear
error and writes nothing."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from issues.links import rating_token
from issues.meetings import meeting_plan
from issues.models import AgendaItem, CallBack, Category, Meeting, SpecialGroup, Ticket
from issues.services import (
    ticket_acknowledge,
    ticket_assign,
    ticket_escalate,
    ticket_reply,
    ticket_withdraw,
)
from issues.workflow import State
from tests.factories import DepartmentFactory, UserFactory, submit_ticket

pytestmark = pytest.mark.django_db
# Meetings are planned for today or later.
NEXT_WEEK = timezone.localdate() + datetime.timedelta(days=7)

BAD = ["²", "abc", "9" * 30, "-3", "0", "", " "]


@pytest.fixture
def land(regions):
    return DepartmentFactory(name="市自然资源和规划局", region=regions.city)


@pytest.fixture
def handler(land, regions):
    return UserFactory(
        username="handler", roles=["department"], region=regions.city, department=land
    )


def _replied(people, companies, land, handler):
    ticket = submit_ticket(people.east_enterprise, companies.east)
    ticket = ticket_assign(actor=people.office, ticket=ticket, department=land)
    ticket = ticket_acknowledge(actor=handler, ticket=ticket)
    return ticket_reply(actor=handler, ticket=ticket, outcome="已办")


def _errors(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]


# The rating link (no login) -----------------------------------------------------------------


@pytest.mark.parametrize("rating", [*BAD, "6"])
def test_the_rating_link_refuses_a_rating_that_is_no_score(
    client, people, companies, land, handler, rating
):
    ticket = _replied(people, companies, land, handler)
    url = reverse("issues:rate-link", args=[rating_token(ticket)])
    response = client.post(url, {"rating": rating, "satisfied": "yes"})
    assert response.status_code == 422
    assert "rating" in response.context["form"].errors
    assert Ticket.objects.get(pk=ticket.pk).state == State.REPLIED


def test_the_rating_link_has_no_default_score_and_wants_a_reason_when_dissatisfied(
    client, people, companies, land, handler
):
    ticket = _replied(people, companies, land, handler)
    url = reverse("issues:rate-link", args=[rating_token(ticket)])
    assert " checked" not in client.get(url).content.decode()
    response = client.post(url, {"satisfied": "no"})
    assert response.status_code == 422
    assert {"rating", "comment"} <= set(response.context["form"].errors)
    response = client.post(url, {"rating": "2", "satisfied": "no", "comment": "  "})
    assert response.status_code == 422 and "comment" in response.context["form"].errors
    assert Ticket.objects.get(pk=ticket.pk).state == State.REPLIED
    response = client.post(url, {"rating": "2", "satisfied": "no", "comment": "没解决"})
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.state == State.IN_PROGRESS and ticket.rating == 2
    assert ticket.events.latest("created_at").action == "reopen"


def test_a_second_dissatisfaction_by_link_goes_to_the_special_group(
    client, people, companies, land, handler
):
    ticket = _replied(people, companies, land, handler)
    url = reverse("issues:rate-link", args=[rating_token(ticket)])
    client.post(url, {"rating": "2", "satisfied": "no", "comment": "没解决"})
    ticket = ticket_reply(actor=handler, ticket=Ticket.objects.get(pk=ticket.pk), outcome="再办")
    url = reverse("issues:rate-link", args=[rating_token(ticket)])
    client.post(url, {"rating": "1", "satisfied": "no", "comment": "仍未解决"})
    ticket.refresh_from_db()
    assert ticket.state == State.ESCALATED
    assert list(ticket.events.values_list("action", flat=True))[-1] == "rework"


# Bulk assignment ------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["ticket", "department"])
@pytest.mark.parametrize("value", BAD)
def test_bulk_assignment_refuses_bad_ids(client, people, companies, land, field, value):
    ticket = submit_ticket(people.east_enterprise, companies.east)
    data = {"ticket": [ticket.pk], "department": land.pk, field: value}
    client.force_login(people.office)
    response = client.post(reverse("issues:bulk-assign"), data)
    assert response.status_code == 302
    assert _errors(response)
    assert Ticket.objects.get(pk=ticket.pk).state == State.SUBMITTED


def test_bulk_assignment_says_its_limit_rather_than_dropping_tickets(
    client, people, companies, land
):
    ticket = submit_ticket(people.east_enterprise, companies.east)
    ids = [ticket.pk, *range(ticket.pk + 1, ticket.pk + 201)]  # 201 ticked
    client.force_login(people.office)
    response = client.post(reverse("issues:bulk-assign"), {"ticket": ids, "department": land.pk})
    assert any("200" in e for e in _errors(response))
    assert Ticket.objects.get(pk=ticket.pk).state == State.SUBMITTED


# Call-backs -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", BAD)
def test_call_backs_refuse_a_ticket_that_is_no_id(client, people, companies, value):
    ticket = ticket_withdraw(
        actor=people.east_enterprise,
        ticket=submit_ticket(people.east_enterprise, companies.east),
        reason="已解决",
    )
    client.force_login(people.office)
    response = client.post(reverse("issues:callbacks"), {"ticket": value, "confirmed": "yes"})
    assert response.status_code == 422 and _errors(response)
    assert not CallBack.objects.exists()
    assert ticket.number in response.content.decode()


def test_the_call_back_list_shows_the_enterprises_phone(client, people, companies):
    ticket_withdraw(
        actor=people.east_enterprise,
        ticket=submit_ticket(people.east_enterprise, companies.east),
        reason="已解决",
    )
    phone = "13912345678"
    companies.east.liaison_persons.update(phone=phone)
    client.force_login(people.office)
    assert phone and phone in client.get(reverse("issues:callbacks")).content.decode()


# Special groups and meetings ------------------------------------------------------------------


@pytest.fixture
def meeting(people, companies, regions, land, handler):
    member = UserFactory(username="member", roles=["special_group"], region=regions.city)
    group = SpecialGroup.objects.create(name="要素保障专项小组", region=regions.city, leader=member)
    group.categories.add(Category.objects.get(code="land"))
    ticket = submit_ticket(people.east_enterprise, companies.east)
    ticket = ticket_assign(actor=people.office, ticket=ticket, department=land)
    ticket = ticket_acknowledge(actor=handler, ticket=ticket)
    ticket_escalate(actor=handler, ticket=ticket, note="跨部门")
    return (
        member,
        group,
        meeting_plan(actor=member, held_on=NEXT_WEEK, group=group),
    )


@pytest.mark.parametrize("field", ["item", "department", "working_days"])
@pytest.mark.parametrize("value", ["²", "abc", "9" * 30, "-3", "0"])
def test_meeting_decisions_refuse_bad_parameters(client, meeting, land, field, value):
    member, _group, planned = meeting
    item = planned.items.get()
    data = {
        "item": item.pk,
        "decision": "assign",
        "department": land.pk,
        "working_days": "5",
        field: value,
    }
    client.force_login(member)
    response = client.post(reverse("issues:meeting", args=[planned.pk]), data)
    assert response.status_code == 422 and _errors(response)
    item.refresh_from_db()
    assert item.decision == AgendaItem.Decision.PENDING
    assert item.ticket.state == State.ESCALATED


@pytest.mark.parametrize(
    "data",
    [
        {"group": "²", "held_on": NEXT_WEEK.isoformat()},
        {"group": "abc", "held_on": NEXT_WEEK.isoformat()},
        {"group": "9" * 30, "held_on": NEXT_WEEK.isoformat()},
        {"group": "-3", "held_on": NEXT_WEEK.isoformat()},
        {"held_on": "²"},
        {"held_on": ""},
        {"held_on": "2026-02-30"},
        {"held_on": "9" * 30},
    ],
)
def test_planning_a_meeting_refuses_bad_parameters(client, meeting, data):
    member, group, _planned = meeting
    data.setdefault("group", group.pk)
    client.force_login(member)
    response = client.post(reverse("issues:groups"), data)
    assert response.status_code == 302 and _errors(response)
    assert Meeting.objects.count() == 1


# The board ------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["category", "region", "department", "state", "page"])
@pytest.mark.parametrize("value", ["²", "abc", "9" * 30, "-3", ""])
def test_the_boards_filters_refuse_bad_values(client, people, companies, field, value):
    submit_ticket(people.east_enterprise, companies.east)
    client.force_login(people.office)
    response = client.get(reverse("issues:list"), {field: value})
    assert response.status_code == 200
    if field != "page" and value:
        assert field in response.context["form"].errors
    assert len(response.context["page"].object_list) == 1
