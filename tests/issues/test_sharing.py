"""Per-ticket grants (django-guardian): the office shares a ticket, a leader delegates a report;
the grantee reaches the ticket through the same scope as everyone else, and loses it on revoke."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from guardian.shortcuts import get_perms

from issues.models import Attachment, Ticket, TicketGrant
from issues.permissions import capacities, tickets_for_user
from issues.services import (
    TicketError,
    attachment_add,
    ticket_assign,
    ticket_escalate,
    ticket_report,
)
from issues.sharing import grant_revoke, ticket_delegate, ticket_share
from issues.workflow import Action, Actor, InvalidTransition, State
from tests.factories import DepartmentFactory, UserFactory, submit_ticket
from tests.org import files

pytestmark = pytest.mark.django_db
PNG = files.png()  # a real image: the upload check decodes it whole


@pytest.fixture
def setup(people, companies, regions, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ticket = submit_ticket(people.east_enterprise, companies.east)
    attachment = attachment_add(
        actor=people.east_enterprise, ticket=ticket, upload=SimpleUploadedFile("现场.png", PNG)
    )
    expert = UserFactory(username="expert", full_name="张专家", region=regions.east_town)
    west_expert = UserFactory(username="westexpert", full_name="王专家", region=regions.west)
    land = DepartmentFactory(name="潍城区自然资源局", region=regions.east)
    return ticket, attachment, expert, west_expert, land


def can_open(client, user, ticket, attachment):
    client.force_login(user)
    listed = ticket.number in client.get(reverse("issues:list")).content.decode()
    detail = client.get(reverse("issues:detail", args=[ticket.pk])).status_code
    download = client.get(reverse("issues:attachment", args=[attachment.pk])).status_code
    return listed, detail, download


def test_a_read_grant_opens_list_detail_and_files_but_no_action(client, people, setup):
    ticket, attachment, expert, _west, land = setup
    assert can_open(client, expert, ticket, attachment) == (False, 404, 404)
    grant = ticket_share(
        actor=people.east_office, ticket=ticket, grantee=expert, access="read", reason="专家意见"
    )
    assert get_perms(expert, ticket) == ["view_shared_ticket"]
    assert can_open(client, expert, ticket, attachment) == (True, 200, 200)
    assert capacities(expert, ticket) == set()
    with pytest.raises(InvalidTransition):
        ticket_assign(actor=expert, ticket=ticket, department=land)
    response = client.post(
        reverse("issues:act", args=[ticket.pk]), {"action": "assign", "department": land.pk}
    )
    assert response.status_code == 422
    with pytest.raises(TicketError):
        attachment_add(actor=expert, ticket=ticket, upload=SimpleUploadedFile("b.png", PNG))
    assert Ticket.objects.get(pk=ticket.pk).state == State.SUBMITTED
    assert Attachment.objects.count() == 1

    grant_revoke(actor=people.east_office, ticket=ticket, grant_id=grant.pk)
    assert can_open(client, expert, ticket, attachment) == (False, 404, 404)
    assert not TicketGrant.objects.exists()


def test_an_act_grant_acts_as_the_office(client, people, setup):
    ticket, attachment, expert, _west, land = setup
    ticket_share(
        actor=people.east_office, ticket=ticket, grantee=expert, access="act", reason="代办"
    )
    assert capacities(expert, ticket) == {Actor.OFFICE}
    client.force_login(expert)
    response = client.post(
        reverse("issues:act", args=[ticket.pk]),
        {"action": "assign", "department": land.pk, "note": "请办理"},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.state == State.ASSIGNED and ticket.lead_department == land
    event = ticket.events.get(action=Action.ASSIGN)
    assert (event.actor, event.actor_role) == (expert, Actor.OFFICE)
    # It acts on this ticket only, and never passes the grant on.
    other = submit_ticket(people.east_enterprise, ticket.enterprise)
    assert not tickets_for_user(expert).filter(pk=other.pk).exists()
    with pytest.raises(TicketError):
        ticket_share(
            actor=expert, ticket=ticket, grantee=people.cadre, access="read", reason="转给"
        )


def test_sharing_again_replaces_the_access(people, setup):
    ticket, _a, expert, _west, _land = setup
    ticket_share(actor=people.office, ticket=ticket, grantee=expert, access="act", reason="代办")
    ticket_share(actor=people.office, ticket=ticket, grantee=expert, access="read", reason="只读")
    assert get_perms(expert, ticket) == ["view_shared_ticket"]
    assert capacities(expert, ticket) == set()


def test_grants_and_revocations_are_on_the_timeline_without_a_transition(people, setup):
    ticket, _a, expert, _west, _land = setup
    grant = ticket_share(
        actor=people.east_office, ticket=ticket, grantee=expert, access="read", reason="专家意见"
    )
    grant_revoke(actor=people.east_office, ticket=ticket, grant_id=grant.pk)
    events = list(ticket.events.filter(action__in=[Action.SHARE, Action.REVOKE]))
    assert [e.action for e in events] == [Action.SHARE, Action.REVOKE]
    for event in events:
        assert event.from_state == event.to_state == State.SUBMITTED
        assert (event.actor, event.actor_role) == (people.east_office, Actor.OFFICE)
        assert "张专家" in event.note
    assert "专家意见" in events[0].note
    assert Ticket.objects.get(pk=ticket.pk).state == State.SUBMITTED


def test_a_non_grantee_guessing_the_id_gets_404(client, people, setup, regions):
    ticket, attachment, expert, west_expert, _land = setup
    ticket_share(actor=people.office, ticket=ticket, grantee=expert, access="read", reason="看")
    assert can_open(client, west_expert, ticket, attachment) == (False, 404, 404)
    client.force_login(west_expert)
    response = client.post(
        reverse("issues:revoke-grant", args=[ticket.pk]),
        {"grant": TicketGrant.objects.get().pk},
    )
    assert response.status_code == 404
    assert TicketGrant.objects.count() == 1


def test_a_county_office_cannot_share_another_countys_ticket(client, people, companies, setup):
    _t, _a, expert, west_expert, _land = setup
    west_ticket = submit_ticket(people.west_enterprise, companies.west)
    with pytest.raises(TicketError):
        ticket_share(
            actor=people.east_office, ticket=west_ticket, grantee=expert, access="read", reason="x"
        )
    client.force_login(people.east_office)
    response = client.post(
        reverse("issues:share", args=[west_ticket.pk]),
        {"grantee": expert.pk, "access": "read", "reason": "x"},
    )
    assert response.status_code == 404
    assert not TicketGrant.objects.exists()


def test_one_grants_only_to_users_of_ones_area(client, people, setup):
    ticket, _a, expert, west_expert, _land = setup
    with pytest.raises(TicketError):
        ticket_share(
            actor=people.east_office, ticket=ticket, grantee=west_expert, access="read", reason="x"
        )
    client.force_login(people.east_office)
    found = client.get(reverse("issues:search-grantees"), {"grantee_q": "专家"}).content.decode()
    assert "张专家" in found and "王专家" not in found
    response = client.post(
        reverse("issues:share", args=[ticket.pk]),
        {"grantee": west_expert.pk, "access": "read", "reason": "x"},
        follow=True,
    )
    assert "王专家" not in response.content.decode()
    assert "请从搜索结果中选择用户" in response.content.decode()
    assert not TicketGrant.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"grantee": "", "access": "read", "reason": "x"}, "grantee"),
        ({"access": "read", "reason": ""}, "reason"),
        ({"access": "admin", "reason": "x"}, "access"),
        ({"grantee": "abc", "access": "read", "reason": "x"}, "grantee"),
    ],
)
def test_the_share_form_refuses_bad_input(client, people, setup, data, field):
    ticket, _a, expert, _west, _land = setup
    data = {"grantee": expert.pk, **data}
    client.force_login(people.east_office)
    response = client.post(reverse("issues:share", args=[ticket.pk]), data, follow=True)
    assert response.status_code == 200
    assert not TicketGrant.objects.exists()
    assert response.context["messages"]
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_the_page_shows_the_panel_and_revokes(client, people, setup):
    ticket, _a, expert, _west, _land = setup
    client.force_login(people.east_office)
    page = client.get(reverse("issues:detail", args=[ticket.pk])).content.decode()
    assert 'id="sharing"' in page
    client.post(
        reverse("issues:share", args=[ticket.pk]),
        {"grantee": expert.pk, "access": "act", "reason": "代办"},
    )
    grant = TicketGrant.objects.get()
    page = client.get(reverse("issues:detail", args=[ticket.pk])).content.decode()
    assert "张专家" in page and "代办" in page
    client.post(reverse("issues:revoke-grant", args=[ticket.pk]), {"grant": grant.pk})
    assert not TicketGrant.objects.exists()
    # Those who may not share see no panel.
    client.force_login(people.east_enterprise)
    page = client.get(reverse("issues:detail", args=[ticket.pk])).content.decode()
    assert 'id="sharing"' not in page


def test_a_leader_delegates_a_report_and_the_official_acts_as_the_leader(
    client, people, setup, regions
):
    ticket, attachment, _expert, _west, _land = setup
    official = UserFactory(username="secretary", full_name="刘秘书", region=regions.city)
    with pytest.raises(TicketError):  # not yet before the leader
        ticket_delegate(actor=people.leader, ticket=ticket, grantee=official, reason="代阅")
    ticket = ticket_report(
        actor=people.office, ticket=ticket, leader=people.leader, reason="跨部门"
    )
    client.force_login(people.leader)
    page = client.get(reverse("issues:detail", args=[ticket.pk])).content.decode()
    assert 'id="sharing"' in page
    client.post(
        reverse("issues:share", args=[ticket.pk]),
        {"mode": "delegate", "grantee": official.pk, "reason": "代为处理"},
    )
    assert get_perms(official, ticket) == ["act_for_leader"]
    assert capacities(official, ticket) == {Actor.LEADER}
    assert can_open(client, official, ticket, attachment) == (True, 200, 200)
    event = ticket.events.get(action=Action.DELEGATE)
    assert (event.actor, event.actor_role, event.from_state, event.to_state) == (
        people.leader,
        Actor.LEADER,
        State.REPORTED,
        State.REPORTED,
    )
    ticket = ticket_escalate(actor=official, ticket=ticket, note="交专项小组")
    assert ticket.state == State.ESCALATED
    assert ticket.events.get(action=Action.ESCALATE).actor_role == Actor.LEADER
    # The leader's capacity ends with the report; the official still reads it.
    assert capacities(official, ticket) == set()
    assert tickets_for_user(official).filter(pk=ticket.pk).exists()
    # The delegating leader revokes.
    grant_revoke(actor=people.leader, ticket=ticket, grant_id=TicketGrant.objects.get().pk)
    assert not tickets_for_user(official).filter(pk=ticket.pk).exists()


def test_the_board_costs_the_same_with_many_grants(client, people, companies, setup):
    ticket, _a, expert, _west, _land = setup

    client.force_login(expert)
    client.get(reverse("issues:list"))  # the session is saved once, on the first request

    def board_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("issues:list")).status_code == 200
        return len(queries)

    ticket_share(actor=people.office, ticket=ticket, grantee=expert, access="read", reason="看")
    one = board_queries()
    for _ in range(5):
        other = submit_ticket(people.east_enterprise, companies.east)
        ticket_share(actor=people.office, ticket=other, grantee=expert, access="act", reason="办")
    assert board_queries() == one
    assert tickets_for_user(expert).count() == 6


def test_only_the_office_or_the_granter_revokes(people, setup, regions):
    ticket, _a, expert, _west, _land = setup
    ticket = ticket_report(
        actor=people.office, ticket=ticket, leader=people.leader, reason="跨部门"
    )
    official = UserFactory(username="secretary", region=regions.city)
    other_leader = UserFactory(username="leader2", roles=["leader"], region=regions.city)
    grant = ticket_delegate(actor=people.leader, ticket=ticket, grantee=official, reason="代办")
    for stranger in (other_leader, official, expert):
        with pytest.raises(TicketError):
            grant_revoke(actor=stranger, ticket=ticket, grant_id=grant.pk)
    assert TicketGrant.objects.filter(pk=grant.pk).exists()
    grant_revoke(actor=people.office, ticket=ticket, grant_id=grant.pk)
    assert not TicketGrant.objects.exists()


def test_an_act_grantee_assigns_within_the_granters_area_only(people, setup, regions):
    ticket, _a, expert, _west, land = setup
    west_dept = DepartmentFactory(name="青州市住建局", region=regions.west)
    ticket_share(actor=people.east_office, ticket=ticket, grantee=expert, access="act", reason="办")
    with pytest.raises(TicketError):
        ticket_assign(actor=expert, ticket=ticket, department=west_dept)
    assert ticket_assign(actor=expert, ticket=ticket, department=land).lead_department == land
