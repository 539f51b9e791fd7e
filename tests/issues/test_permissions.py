"""Authorization inside the ticket workflow: who acts in which capacity (the matrix), the
special group's reach, the departments an assigner may choose, who submits for which
enterprise, who attaches files, and the fields each transition may change."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from assignments.models import Assignment
from issues.meetings import meeting_decide, meeting_plan
from issues.models import Category, Source, SpecialGroup, Ticket, TicketEvent
from issues.permissions import (
    assignable_departments,
    capacities,
    submittable_enterprises,
    tickets_for_user,
)
from issues.services import (
    TicketError,
    attachment_add,
    ticket_acknowledge,
    ticket_assign,
    ticket_escalate,
    ticket_report,
    ticket_submit,
)
from issues.workflow import (
    CHANGEABLE,
    TRANSITIONS,
    Action,
    Actor,
    InvalidTransition,
    State,
    apply_bulk,
    apply_transition,
)
from tests.factories import CadreFactory, DepartmentFactory, UserFactory, submit_ticket
from tests.org import files

pytestmark = pytest.mark.django_db
PNG = files.png()  # a real image: the upload check decodes it whole
OF, L, G, D, H, E = (
    Actor.OFFICE,
    Actor.LEADER,
    Actor.GROUP,
    Actor.DEPARTMENT,
    Actor.HEAD,
    Actor.ENTERPRISE,
)


@pytest.fixture
def world(people, companies, regions):
    land = DepartmentFactory(name="市自然资源和规划局", region=regions.city)
    east_dept = DepartmentFactory(name="潍城区住建局", region=regions.east)
    west_dept = DepartmentFactory(name="青州市住建局", region=regions.west)
    closed_dept = DepartmentFactory(name="市撤并局", region=regions.city, is_active=False)
    handler = UserFactory(roles=["department"], region=regions.city, department=land)
    head = UserFactory(
        roles=["department"], region=regions.city, department=land, is_department_head=True
    )
    west_office = UserFactory(roles=["liaison_office"], region=regions.west)
    member = UserFactory(roles=["special_group"], region=regions.city)
    leader_of_group = UserFactory(roles=["leader"], region=regions.east)
    west_member = UserFactory(roles=["special_group"], region=regions.city)
    lapsed_member = UserFactory(roles=["special_group"], region=regions.city)
    land_cat = Category.objects.get(code="land")
    group = SpecialGroup.objects.create(name="要素保障", region=regions.city)
    group.categories.add(land_cat)
    group.members.add(member)
    east_group = SpecialGroup.objects.create(
        name="潍城要素", region=regions.east, leader=leader_of_group
    )
    east_group.categories.add(land_cat)
    west_group = SpecialGroup.objects.create(name="青州要素", region=regions.west)
    west_group.categories.add(land_cat)
    west_group.members.add(west_member)
    lapsed = SpecialGroup.objects.create(name="旧小组", region=regions.city, is_active=False)
    lapsed.categories.add(land_cat)
    lapsed.members.add(lapsed_member)
    serving = CadreFactory(user=people.cadre, region=regions.east)
    Assignment.objects.create(
        cadre=serving,
        enterprise=companies.east,
        start_date=datetime.date(2026, 1, 1),
        term_end=datetime.date(2028, 12, 31),
    )
    idle_cadre = UserFactory(roles=["cadre"], region=regions.east)
    CadreFactory(user=idle_cadre, region=regions.east)
    return SimpleNamespace(
        land=land,
        east_dept=east_dept,
        west_dept=west_dept,
        closed_dept=closed_dept,
        handler=handler,
        head=head,
        west_office=west_office,
        member=member,
        leader_of_group=leader_of_group,
        west_member=west_member,
        lapsed_member=lapsed_member,
        idle_cadre=idle_cadre,
        group=group,
        east_group=east_group,
    )


def ticket_in(state, people, companies, world):
    ticket = submit_ticket(people.east_enterprise, companies.east)
    if state == State.REPORTED:
        return ticket_report(
            actor=people.office, ticket=ticket, leader=people.leader, reason="跨部门"
        )
    if state == State.SUBMITTED:
        return ticket
    ticket = ticket_assign(actor=people.office, ticket=ticket, department=world.land)
    if state == State.ASSIGNED:
        return ticket
    ticket = ticket_acknowledge(actor=world.handler, ticket=ticket)
    return ticket_escalate(actor=world.handler, ticket=ticket, note="跨部门")


# The matrix: role × the ticket's state → capacities (and, equally, whether it sees the ticket
# at all: a capacity never comes without the ticket in the user's scope).
MATRIX = {
    "office": {"*": {OF}},
    "east_office": {"*": {OF}},
    "west_office": {},
    "leader": {State.REPORTED: {L}},
    "member": {State.ESCALATED: {G}},
    # A leader acts on a report addressed to it, not on every report of its area.
    "leader_of_group": {State.ESCALATED: {G}},
    "west_member": {},
    "lapsed_member": {},
    "special_group": {},
    "handler": {State.ASSIGNED: {D}, State.ESCALATED: {D}},
    "head": {State.ASSIGNED: {D, H}, State.ESCALATED: {D, H}},
    "department": {},
    "east_enterprise": {"*": {E}},
    "west_enterprise": {},
    "cadre": {},
    "idle_cadre": {},
    "no_role": {},
}
# Who sees the ticket, by state, beyond those with a capacity.
READERS = {
    "office": "all",
    "east_office": "all",
    "leader": "all",
    "leader_of_group": "all",
    "east_enterprise": "all",
    "cadre": "all",
    "member": {State.ESCALATED},
    "handler": {State.ASSIGNED, State.ESCALATED},
    "head": {State.ASSIGNED, State.ESCALATED},
}


@pytest.mark.parametrize(
    "state", [State.SUBMITTED, State.REPORTED, State.ASSIGNED, State.ESCALATED]
)
def test_the_permission_matrix(state, people, companies, world):
    ticket = ticket_in(state, people, companies, world)
    ticket = Ticket.objects.select_related("enterprise__region").get(pk=ticket.pk)
    for name, by_state in MATRIX.items():
        user = getattr(world, name, None) or getattr(people, name)
        expected = by_state.get(state, by_state.get("*", set()))
        assert capacities(user, ticket) == expected, name
        readers = READERS.get(name, ())
        sees = readers == "all" or state in readers
        assert tickets_for_user(user).filter(pk=ticket.pk).exists() == sees, name
        if expected:
            assert sees, name


def test_a_special_group_outside_the_category_or_region_cannot_reassign(
    client, people, companies, world
):
    ticket = ticket_in(State.ESCALATED, people, companies, world)
    url = reverse("issues:act", args=[ticket.pk])
    for outsider in (people.special_group, world.west_member, world.lapsed_member):
        client.force_login(outsider)
        response = client.post(url, {"action": "assign", "department": world.land.pk})
        assert response.status_code == 404
        with pytest.raises(InvalidTransition):
            ticket_assign(actor=outsider, ticket=ticket, department=world.land)
    assert Ticket.objects.get(pk=ticket.pk).state == State.ESCALATED
    client.force_login(world.member)
    assert client.get(reverse("issues:list")).content.decode().count(ticket.number) == 1
    client.post(url, {"action": "assign", "department": world.land.pk, "note": "再办"})
    assert Ticket.objects.get(pk=ticket.pk).state == State.ASSIGNED
    event = ticket.events.get(action=Action.ASSIGN, from_state=State.ESCALATED)
    assert (event.actor, event.actor_role) == (world.member, Actor.GROUP)


def test_a_group_of_another_category_does_not_see_the_ticket(people, companies, world):
    ticket = ticket_in(State.ESCALATED, people, companies, world)
    world.group.categories.set([Category.objects.get(code="labour")])
    assert not tickets_for_user(world.member).filter(pk=ticket.pk).exists()
    assert capacities(world.member, ticket) == set()


# Departments an assigner may choose -------------------------------------------------------


def test_the_offered_departments_are_active_and_in_the_assigners_area(people, world):
    assert set(assignable_departments(people.east_office)) == {world.east_dept}
    assert set(assignable_departments(people.office)) == {
        world.land,
        world.east_dept,
        world.west_dept,
    }
    assert not assignable_departments(people.east_enterprise).exists()


@pytest.mark.parametrize("which", ["west_dept", "land", "closed_dept"])
def test_a_county_office_assigns_only_to_active_departments_of_its_county(
    which, people, companies, world
):
    ticket = submit_ticket(people.east_enterprise, companies.east)
    department = getattr(world, which)
    with pytest.raises(TicketError) as refused:
        ticket_assign(actor=people.east_office, ticket=ticket, department=department)
    assert department.name not in str(refused.value)
    ticket.refresh_from_db()
    assert ticket.state == State.SUBMITTED and ticket.lead_department is None
    assert not ticket.events.filter(action=Action.ASSIGN).exists()
    ticket = ticket_assign(actor=people.east_office, ticket=ticket, department=world.east_dept)
    assert ticket.state == State.ASSIGNED and ticket.lead_department == world.east_dept


def test_the_city_office_assigns_to_any_active_department_of_the_city(people, companies, world):
    ticket = submit_ticket(people.east_enterprise, companies.east)
    with pytest.raises(TicketError):
        ticket_assign(actor=people.office, ticket=ticket, department=world.closed_dept)
    ticket = ticket_assign(actor=people.office, ticket=ticket, department=world.west_dept)
    assert ticket.lead_department == world.west_dept


def test_co_handling_departments_are_checked_alike_and_nothing_is_half_written(
    people, companies, world
):
    ticket = submit_ticket(people.east_enterprise, companies.east)
    with pytest.raises(TicketError) as refused:
        ticket_assign(
            actor=people.east_office,
            ticket=ticket,
            department=world.east_dept,
            co_departments=[world.west_dept],
        )
    assert world.west_dept.name not in str(refused.value)
    ticket.refresh_from_db()
    assert ticket.state == State.SUBMITTED
    assert not ticket.co_departments.exists()
    assert not ticket.events.filter(action=Action.ASSIGN).exists()


def test_co_handling_departments_are_on_the_timeline(people, companies, world):
    ticket = submit_ticket(people.east_enterprise, companies.east)
    ticket = ticket_assign(
        actor=people.office,
        ticket=ticket,
        department=world.land,
        co_departments=[world.east_dept, world.west_dept, world.land],
        note="会同办理",
    )
    assert set(ticket.co_departments.all()) == {world.east_dept, world.west_dept}
    lines = ticket.events.get(action=Action.ASSIGN).note.splitlines()
    # The slip's department and deadline, the office's note, then the co-handling departments.
    assert world.land.name in lines[0] and ticket.due_date.isoformat() in lines[0]
    assert lines[1] == "会同办理"
    assert world.east_dept.name in lines[2] and world.west_dept.name in lines[2]


def test_bulk_assignment_is_refused_outside_the_area(client, people, companies, world):
    ticket = submit_ticket(people.east_enterprise, companies.east)
    client.force_login(people.east_office)
    response = client.post(
        reverse("issues:bulk-assign"),
        {"department": world.west_dept.pk, "ticket": [ticket.pk]},
        follow=True,
    )
    assert world.west_dept.name not in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).state == State.SUBMITTED


def test_a_meeting_assigns_only_to_active_departments_of_its_region(people, companies, world):
    ticket = ticket_in(State.ESCALATED, people, companies, world)
    meeting = meeting_plan(
        actor=world.leader_of_group,
        held_on=timezone.localdate() + datetime.timedelta(days=7),
        group=world.east_group,
    )
    item = meeting.items.get(ticket=ticket)
    for department in (world.closed_dept, world.west_dept, world.land):
        with pytest.raises(TicketError) as refused:
            meeting_decide(
                actor=world.leader_of_group, item=item, decision="assign", department=department
            )
        assert department.name not in str(refused.value)
    assert Ticket.objects.get(pk=ticket.pk).state == State.ESCALATED
    meeting_decide(
        actor=world.leader_of_group, item=item, decision="assign", department=world.east_dept
    )
    assert Ticket.objects.get(pk=ticket.pk).lead_department == world.east_dept


# Submitting and attaching -----------------------------------------------------------------


def test_a_cadre_submits_only_for_enterprises_it_serves(people, companies, world):
    land = Category.objects.get(code="land")
    assert set(submittable_enterprises(people.cadre)) == {companies.east}
    assert not submittable_enterprises(world.idle_cadre).exists()
    with pytest.raises(TicketError):
        ticket_submit(
            actor=world.idle_cadre,
            enterprise=companies.east,
            category=land,
            title="用地",
            description="指标",
            source=Source.CADRE,
        )
    assert not Ticket.objects.exists()
    ticket = ticket_submit(
        actor=people.cadre,
        enterprise=companies.east,
        category=land,
        title="用地",
        description="指标",
        source=Source.CADRE,
    )
    assert tickets_for_user(people.cadre).filter(pk=ticket.pk).exists()
    Assignment.objects.update(ended_on=datetime.date(2026, 6, 1))
    with pytest.raises(TicketError):
        ticket_submit(
            actor=people.cadre,
            enterprise=companies.east,
            category=land,
            title="用地",
            description="指标",
            source=Source.CADRE,
        )
    assert Ticket.objects.count() == 1


def test_a_leader_attaches_files_only_to_a_report_before_it(
    people, companies, world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    ticket = ticket_in(State.SUBMITTED, people, companies, world)
    with pytest.raises(TicketError):
        attachment_add(actor=people.leader, ticket=ticket, upload=SimpleUploadedFile("a.png", PNG))
    assert not ticket.attachments.exists()
    ticket = ticket_report(
        actor=people.office, ticket=ticket, leader=people.leader, reason="跨部门"
    )
    attachment_add(actor=people.leader, ticket=ticket, upload=SimpleUploadedFile("a.png", PNG))
    assert ticket.attachments.count() == 1


# The fields a transition may change -------------------------------------------------------


def test_every_action_of_the_table_declares_the_fields_it_may_change():
    assert {t.action for t in TRANSITIONS} <= set(CHANGEABLE)
    for fields in CHANGEABLE.values():
        assert "state" not in fields and "updated_at" not in fields


@pytest.mark.parametrize(
    "changes",
    [{"state": State.CLOSED}, {"closed_at": None}, {"lead_department": None, "rating": 5}],
)
def test_a_transition_refuses_fields_it_does_not_declare(changes, people, companies):
    ticket = submit_ticket(people.east_enterprise, companies.east)
    with pytest.raises(ValueError, match="may not change"):
        apply_transition(
            ticket,
            action=Action.REPORT,
            actor_user=people.office,
            actor_role=Actor.OFFICE,
            changes=changes,
        )
    ticket.refresh_from_db()
    assert ticket.state == State.SUBMITTED
    assert not TicketEvent.objects.filter(ticket=ticket, action=Action.REPORT).exists()


def test_the_sweep_path_refuses_them_too(people, companies):
    ticket = submit_ticket(people.east_enterprise, companies.east)
    with pytest.raises(ValueError, match="state"):
        apply_bulk([ticket.pk], action=Action.EXPIRE, changes={"state": State.SUBMITTED})
