"""The routing gaps of the problem workflow: the escalation report addressed to a named leader
with a deadline, escalations no special group covers, passing a ticket up to the office above,
reclassification during triage, and first-asked responsibility (首问负责制)."""

import datetime
from types import SimpleNamespace

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from issues import services
from issues.models import Category, DeadlineRule, Source, SpecialGroup, Ticket
from issues.permissions import capacities, tickets_for_user
from issues.sharing import ticket_delegate
from issues.sweep import sweep
from issues.workflow import Action, Actor, InvalidTransition, State
from notifications.models import Notification
from org.calendar import add_working_days
from org.models import Department
from tests.factories import CadreFactory, DepartmentFactory, UserFactory, submit_ticket

pytestmark = pytest.mark.django_db
TZ = datetime.timezone(datetime.timedelta(hours=8))


def at(y, m, d, hour=9):
    return datetime.datetime(y, m, d, hour, tzinfo=TZ)


@pytest.fixture
def world(people, companies, regions):
    land = DepartmentFactory(name="市自然资源和规划局", region=regions.city, phone="0536-8888")
    handler = UserFactory(roles=["department"], region=regions.city, department=land)
    west_office = UserFactory(roles=["liaison_office"], region=regions.west)
    other_leader = UserFactory(username="leader2", roles=["leader"], region=regions.city)
    east_leader = UserFactory(username="eastleader", roles=["leader"], region=regions.east)
    return SimpleNamespace(
        land=land,
        handler=handler,
        west_office=west_office,
        other_leader=other_leader,
        east_leader=east_leader,
        **vars(people),
    )


def kinds(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def new(world, companies, **kw):
    return submit_ticket(world.east_enterprise, companies.east, **kw)


def escalated(world, companies):
    ticket = services.ticket_assign(
        actor=world.office, ticket=new(world, companies), department=world.land
    )
    ticket = services.ticket_acknowledge(actor=world.handler, ticket=ticket)
    return services.ticket_escalate(actor=world.handler, ticket=ticket, note="跨部门")


# The escalation report -----------------------------------------------------------------------


def test_a_report_names_its_leader_who_is_told_and_has_a_deadline(world, companies, settings):
    settings.REPORT_DUE_WORKING_DAYS = 3
    with time_machine.travel(at(2026, 3, 2), tick=False):  # a Monday
        ticket = services.ticket_report(
            actor=world.office, ticket=new(world, companies), leader=world.leader, reason="跨部门"
        )
    assert ticket.state == State.REPORTED
    assert ticket.reported_to == world.leader
    assert ticket.report_due == datetime.date(2026, 3, 5)
    assert kinds(world.leader) == ["ticket.reported"]
    assert kinds(world.other_leader) == []
    event = ticket.events.get(action=Action.REPORT)
    assert world.leader.get_display_name() in event.note and "2026-03-05" in event.note


def test_only_the_named_leader_or_its_delegate_acts_on_the_report(world, companies, regions):
    ticket = services.ticket_report(
        actor=world.office, ticket=new(world, companies), leader=world.leader, reason="跨部门"
    )
    assert capacities(world.leader, ticket) == {Actor.LEADER}
    assert capacities(world.other_leader, ticket) == set()
    with pytest.raises(InvalidTransition):
        services.ticket_assign(actor=world.other_leader, ticket=ticket, department=world.land)
    with pytest.raises(services.TicketError):
        ticket_delegate(actor=world.other_leader, ticket=ticket, grantee=world.handler, reason="x")
    official = UserFactory(username="secretary", region=regions.city)
    ticket_delegate(actor=world.leader, ticket=ticket, grantee=official, reason="代办")
    assert capacities(official, ticket) == {Actor.LEADER}
    ticket = services.ticket_assign(actor=official, ticket=ticket, department=world.land)
    assert ticket.state == State.ASSIGNED


def test_a_report_goes_only_to_a_leader_of_the_offices_area(world, companies):
    ticket = new(world, companies)
    # The county office cannot address a city leader, nor anyone who is not a leader.
    for leader in (world.leader, world.handler, None):
        with pytest.raises(services.TicketError):
            services.ticket_report(
                actor=world.east_office, ticket=ticket, leader=leader, reason="跨部门"
            )
    assert Ticket.objects.get(pk=ticket.pk).state == State.SUBMITTED
    ticket = services.ticket_report(
        actor=world.east_office, ticket=ticket, leader=world.east_leader, reason="跨部门"
    )
    assert ticket.reported_to == world.east_leader


def test_the_report_form_offers_the_areas_leaders_and_refuses_others(client, world, companies):
    ticket = new(world, companies)
    client.force_login(world.east_office)
    page = client.get(ticket.get_absolute_url())
    form = next(f for e, f in page.context["action_forms"] if e.action == Action.REPORT)
    assert list(form.fields["leader"].queryset) == [world.east_leader]
    response = client.post(
        reverse("issues:act", args=[ticket.pk]),
        {"action": "report", "leader": world.leader.pk, "note": "跨部门"},
    )
    assert response.status_code == 422
    assert 'id="id_report_leader_error"' in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).state == State.SUBMITTED


def test_the_sweep_reminds_the_leader_of_a_report_once_and_tells_the_office_when_late(
    world, companies
):
    with time_machine.travel(at(2026, 3, 2), tick=False) as clock:
        ticket = services.ticket_report(
            actor=world.office, ticket=new(world, companies), leader=world.leader, reason="跨部门"
        )
        assert ticket.report_due == datetime.date(2026, 3, 9)  # 5 working days
        assert sweep().counts == {}
        clock.move_to(at(2026, 3, 6))  # Friday: due the next working day
        assert sweep().counts == {"report_due_soon": 1}
        assert sweep().counts == {}  # idempotent
        assert kinds(world.leader) == ["ticket.report_due_soon", "ticket.reported"]
        assert "ticket.report_due_soon" not in kinds(world.office)
        clock.move_to(at(2026, 3, 10))
        assert sweep().counts == {"report_overdue": 1}
        assert sweep().counts == {}
    assert kinds(world.leader).count("ticket.report_overdue") == 1
    assert kinds(world.office).count("ticket.report_overdue") == 1
    assert kinds(world.west_office) == []
    ticket.refresh_from_db()
    assert ticket.report_due_soon_notified and ticket.report_overdue_notified


def test_a_reported_ticket_shows_its_leader_and_deadline(client, world, companies):
    ticket = services.ticket_report(
        actor=world.office, ticket=new(world, companies), leader=world.leader, reason="跨部门"
    )
    client.force_login(world.leader)
    html = client.get(ticket.get_absolute_url()).content.decode()
    shown = html.split('id="ticket-reported-to">')[1].split("</dd>")[0]
    assert world.leader.get_display_name() in shown and ticket.report_due.isoformat() in shown
    # The leader not named neither acts on nor, being of the area, misses it.
    client.force_login(world.other_leader)
    response = client.get(ticket.get_absolute_url())
    assert response.status_code == 200 and response.context["actions"] == []


# Escalations no special group covers ---------------------------------------------------------


def test_an_escalation_no_group_covers_is_the_offices_to_route(client, world, companies):
    ticket = escalated(world, companies)
    assert "ticket.no_group" in kinds(world.office)
    assert "ticket.no_group" in kinds(world.east_office)
    assert "ticket.no_group" not in kinds(world.west_office)
    client.force_login(world.office)
    response = client.get(ticket.get_absolute_url())
    assert {a.value for a in response.context["actions"]} == {"assign", "to_meeting"}
    assert 'id="ticket-uncovered"' in response.content.decode()
    ticket = services.ticket_to_meeting(actor=world.office, ticket=ticket, note="无专项小组")
    assert ticket.state == State.MEETING
    assert ticket.events.get(action=Action.TO_MEETING).actor_role == Actor.OFFICE


def test_the_office_may_assign_an_uncovered_escalation(world, companies):
    ticket = escalated(world, companies)
    ticket = services.ticket_assign(actor=world.office, ticket=ticket, department=world.land)
    assert ticket.state == State.ASSIGNED
    assert ticket.events.get(action=Action.ASSIGN, from_state=State.ESCALATED).actor_role == (
        Actor.OFFICE
    )


def test_when_a_group_covers_it_the_office_does_not_route_it(client, world, companies, regions):
    group = SpecialGroup.objects.create(name="要素保障", region=regions.city)
    group.categories.add(Category.objects.get(code="land"))
    ticket = escalated(world, companies)
    assert "ticket.no_group" not in kinds(world.office)
    with pytest.raises(InvalidTransition):
        services.ticket_assign(actor=world.office, ticket=ticket, department=world.land)
    with pytest.raises(InvalidTransition):
        services.ticket_to_meeting(actor=world.office, ticket=ticket)
    client.force_login(world.office)
    response = client.get(ticket.get_absolute_url())
    assert response.context["actions"] == []
    assert 'id="ticket-uncovered"' not in response.content.decode()
    # An inactive group covers nothing.
    group.is_active = False
    group.save()
    assert services.ticket_to_meeting(actor=world.office, ticket=ticket).state == State.MEETING


def test_the_sweep_tells_the_office_of_an_automatic_escalation_no_group_covers(
    world, companies, regions
):
    with time_machine.travel(at(2026, 3, 2), tick=False) as clock:
        ticket = services.ticket_assign(
            actor=world.office, ticket=new(world, companies), department=world.land, working_days=1
        )
        covered = services.ticket_assign(
            actor=world.office,
            ticket=new(world, companies, category="labour", title="招工"),
            department=world.land,
            working_days=1,
        )
        group = SpecialGroup.objects.create(name="用工", region=regions.city)
        group.categories.add(Category.objects.get(code="labour"))
        for day in range(3, 20):
            clock.move_to(at(2026, 3, day))
            sweep()
    assert Ticket.objects.get(pk=ticket.pk).state == State.ESCALATED
    assert Ticket.objects.get(pk=covered.pk).state == State.ESCALATED
    notices = Notification.objects.filter(recipient=world.office, kind="ticket.no_group")
    assert [n.url for n in notices] == [ticket.get_absolute_url()]


# Passing a ticket up ------------------------------------------------------------------------


def test_a_county_office_passes_a_ticket_up_to_the_city(client, world, companies):
    ticket = new(world, companies)
    assert ticket.triage_region.name == "潍城区"
    ticket = services.ticket_pass_up(actor=world.east_office, ticket=ticket, reason="需市级协调")
    assert ticket.state == State.SUBMITTED and ticket.triage_region.name == "潍坊市"
    assert kinds(world.office) == ["ticket.passed_up"]
    assert kinds(world.east_office) == []
    # The county office still reads it but no longer triages it; the city office does.
    assert tickets_for_user(world.east_office).filter(pk=ticket.pk).exists()
    assert capacities(world.east_office, ticket) == set()
    assert Actor.OFFICE in capacities(world.office, ticket)
    with pytest.raises(InvalidTransition):
        services.ticket_assign(actor=world.east_office, ticket=ticket, department=world.land)
    # The city has no office above it.
    with pytest.raises(InvalidTransition):
        services.ticket_pass_up(actor=world.office, ticket=ticket, reason="再上报")


def test_pass_up_is_refused_to_other_counties_and_without_a_reason(world, companies):
    ticket = new(world, companies)
    with pytest.raises(InvalidTransition):
        services.ticket_pass_up(actor=world.west_office, ticket=ticket, reason="x")
    with pytest.raises(services.TicketError):
        services.ticket_pass_up(actor=world.east_office, ticket=ticket, reason="  ")
    with pytest.raises(InvalidTransition):  # the city office passes nothing up
        services.ticket_pass_up(actor=world.office, ticket=ticket, reason="x")
    ticket.refresh_from_db()
    assert ticket.triage_region.name == "潍城区" and not ticket.events.filter(action="pass_up")


def test_the_triage_views_follow_a_pass_up_at_a_constant_cost(client, world, companies):
    kept, passed = new(world, companies, title="甲"), new(world, companies, title="乙")
    services.ticket_pass_up(actor=world.east_office, ticket=passed, reason="需市级协调")
    triage = reverse("issues:list") + "?state=triage"

    def numbers(user):
        client.force_login(user)
        return {t.number for t in client.get(triage).context["page"].object_list}

    assert numbers(world.east_office) == {kept.number}
    assert numbers(world.office) == {kept.number, passed.number}
    client.force_login(world.east_office)
    client.get(triage)
    with CaptureQueriesContext(connection) as one:
        client.get(triage)
    for i in range(4):
        services.ticket_pass_up(
            actor=world.east_office, ticket=new(world, companies, title=f"丙{i}"), reason="x"
        )
    with CaptureQueriesContext(connection) as five:
        client.get(triage)
    assert len(five) == len(one)


def test_the_pass_up_button_is_the_county_offices(client, world, companies):
    ticket = new(world, companies)
    for user, offered in ((world.east_office, True), (world.office, False)):
        client.force_login(user)
        actions = client.get(ticket.get_absolute_url()).context["actions"]
        assert (Action.PASS_UP in actions) == offered


# Reclassification ----------------------------------------------------------------------------


def test_the_office_reclassifies_during_triage_and_the_rule_follows(world, companies):
    labour = Category.objects.get(code="labour")
    DeadlineRule.objects.create(category=labour, urgency="normal", working_days=7)
    with time_machine.travel(at(2026, 3, 2), tick=False):
        ticket = new(world, companies)
        ticket = services.ticket_reclassify(actor=world.office, ticket=ticket, category=labour)
        assert ticket.state == State.SUBMITTED and ticket.category == labour
        note = ticket.events.get(action=Action.RECLASSIFY).note
        assert "用地 → 用工" in note
        ticket = services.ticket_assign(actor=world.office, ticket=ticket, department=world.land)
    assert ticket.due_date == add_working_days(datetime.date(2026, 3, 2), 7)
    with pytest.raises(InvalidTransition):  # no longer in triage
        services.ticket_reclassify(
            actor=world.office, ticket=ticket, category=Category.objects.get(code="land")
        )


def test_reclassification_is_the_offices_and_needs_another_category(world, companies):
    ticket = new(world, companies)
    labour = Category.objects.get(code="labour")
    with pytest.raises(InvalidTransition):
        services.ticket_reclassify(actor=world.east_enterprise, ticket=ticket, category=labour)
    with pytest.raises(services.TicketError):
        services.ticket_reclassify(actor=world.office, ticket=ticket, category=ticket.category)
    assert Ticket.objects.get(pk=ticket.pk).category.code == "land"


# First-asked responsibility ------------------------------------------------------------------


def test_the_first_asked_unit_answers_until_a_department_acknowledges(
    client, world, companies, regions
):
    liaison = DepartmentFactory(
        name="潍城区联络办",
        region=regions.east,
        kind=Department.Kind.LIAISON_OFFICE,
        phone="0536-1234",
    )
    ticket = new(world, companies)
    assert ticket.first_unit == liaison
    client.force_login(world.east_enterprise)
    shown = client.get(ticket.get_absolute_url()).content.decode()
    first = shown.split('id="ticket-first-asked">')[1].split("</dd>")[0]
    assert "潍城区联络办" in first and "0536-1234" in first
    ticket = services.ticket_assign(actor=world.office, ticket=ticket, department=world.land)
    services.ticket_acknowledge(actor=world.handler, ticket=ticket)
    shown = client.get(ticket.get_absolute_url()).content.decode()
    first = shown.split('id="ticket-first-asked">')[1].split("</dd>")[0]
    assert "市自然资源和规划局" in first and "潍城区联络办" not in first


def test_a_cadres_report_is_first_asked_by_the_cadres_department(world, companies, regions):
    from assignments.models import Assignment

    unit = DepartmentFactory(name="潍城区工信局", region=regions.east)
    CadreFactory(user=world.cadre, region=regions.east, department=unit)
    Assignment.objects.create(
        cadre=world.cadre.cadre,
        enterprise=companies.east,
        start_date=datetime.date(2026, 1, 1),
        term_end=datetime.date(2028, 12, 31),
    )
    ticket = submit_ticket(world.cadre, companies.east, source=Source.CADRE)
    assert ticket.first_unit == unit


def test_without_a_liaison_office_department_the_region_is_kept(world, companies):
    ticket = new(world, companies)
    assert ticket.first_unit is None and ticket.triage_region.name == "潍城区"


def test_the_pages_say_where_a_report_and_a_pass_up_went(client, world, companies):
    report, passed = new(world, companies), new(world, companies, title="乙")
    client.force_login(world.office)
    response = client.post(
        reverse("issues:act", args=[report.pk]),
        {"action": "report", "leader": world.leader.pk, "note": "跨部门"},
        follow=True,
    )
    report.refresh_from_db()
    success = response.content.decode().split("alert-success")[1].split("</div>")[0]
    assert world.leader.get_display_name() in success and report.report_due.isoformat() in success
    client.force_login(world.east_office)
    response = client.post(
        reverse("issues:act", args=[passed.pk]),
        {"action": "pass_up", "note": "需市级协调"},
        follow=True,
    )
    success = response.content.decode().split("alert-success")[1].split("</div>")[0]
    assert "潍坊市" in success
    # The county office still opens it, read-only: nothing it can do while the city triages.
    assert response.context["actions"] == []
    assert "潍坊市" in response.content.decode().split('id="ticket-triage">')[1].split("</dd>")[0]


def test_the_report_reminders_cost_the_same_for_one_report_or_many(world, companies):
    def reminders_queries(n):
        Ticket.objects.all().delete()
        with time_machine.travel(at(2026, 3, 2), tick=False) as clock:
            for i in range(n):
                services.ticket_report(
                    actor=world.office,
                    ticket=new(world, companies, title=f"跨部门{i}"),
                    leader=world.leader,
                    reason="跨部门",
                )
            clock.move_to(at(2026, 3, 6))
            with CaptureQueriesContext(connection) as queries:
                assert sweep().counts == {"report_due_soon": n}
        return len(queries)

    assert reminders_queries(1) == reminders_queries(6)


def test_an_inactive_leader_is_not_reminded_but_the_office_hears_when_late(world, companies):
    with time_machine.travel(at(2026, 3, 2), tick=False) as clock:
        services.ticket_report(
            actor=world.office, ticket=new(world, companies), leader=world.leader, reason="跨部门"
        )
        world.leader.is_active = False
        world.leader.save()
        clock.move_to(at(2026, 3, 10))
        assert sweep().counts == {"report_overdue": 1}
    assert kinds(world.leader) == ["ticket.reported"]
    assert kinds(world.office) == ["ticket.report_overdue"]
