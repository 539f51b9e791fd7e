import datetime

import pytest
import time_machine
from django.utils import timezone

from issues.models import Category, Source, Ticket, TicketEvent, Urgency
from issues.permissions import tickets_for_user
from issues.services import (
    TicketError,
    ticket_acknowledge,
    ticket_assign,
    ticket_decline,
    ticket_merge,
    ticket_provide_info,
    ticket_rate,
    ticket_reply,
    ticket_request_info,
    ticket_return,
    ticket_send_back,
    ticket_sign_off,
    ticket_submit,
    ticket_submit_reply,
    ticket_withdraw,
)
from issues.workflow import TRANSITIONS, InvalidTransition, State
from notifications.models import Notification
from org.calendar import add_working_days
from tests.factories import DepartmentFactory, UserFactory, submit_ticket

pytestmark = pytest.mark.django_db
TUESDAY = datetime.datetime(2026, 9, 29, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def land(regions):
    return DepartmentFactory(name="市自然资源和规划局", region=regions.city)


@pytest.fixture
def handler(land, regions):
    return UserFactory(
        username="handler", roles=["department"], region=regions.city, department=land
    )


@pytest.fixture
def head(land, regions):
    return UserFactory(
        username="head",
        roles=["department"],
        region=regions.city,
        department=land,
        is_department_head=True,
    )


def submit(people, companies, urgency=Urgency.NORMAL):
    return submit_ticket(
        people.east_enterprise,
        companies.east,
        title="用地指标",
        description="扩建缺少用地指标",
        urgency=urgency,
    )


def test_the_whole_path_is_recorded(people, companies, handler, land):
    with time_machine.travel(TUESDAY, tick=False):
        ticket = submit(people, companies)
        ticket = ticket_assign(actor=people.office, ticket=ticket, department=land)
        # 10 working days from Tuesday 29 September: 30 September, then (1–7 October off)
        # 8, 9, Saturday 10 (make-up day), 12–16 and Monday 19 October.
        assert ticket.due_date == datetime.date(2026, 10, 19)
        assert ticket.acknowledge_by == datetime.date(2026, 9, 30)
        ticket = ticket_acknowledge(actor=handler, ticket=ticket)
        ticket = ticket_reply(actor=handler, ticket=ticket, outcome="已协调解决")
        assert ticket.state == State.REPLIED
        ticket = ticket_rate(actor=people.east_enterprise, ticket=ticket, rating=5, satisfied=True)
    assert ticket.state == State.CLOSED and ticket.rating == 5
    steps = list(ticket.events.values_list("from_state", "to_state", "actor__username"))
    assert steps == [
        ("", "submitted", "entuser"),
        ("submitted", "assigned", "office"),
        ("assigned", "in_progress", "handler"),
        ("in_progress", "replied", "handler"),
        ("replied", "closed", "entuser"),
    ]


def test_department_cannot_reply_before_acknowledging(people, companies, handler, land):
    ticket = ticket_assign(actor=people.office, ticket=submit(people, companies), department=land)
    with pytest.raises(InvalidTransition):
        ticket_reply(actor=handler, ticket=ticket, outcome="done")
    ticket.refresh_from_db()
    assert ticket.state == State.ASSIGNED
    assert not ticket.events.filter(to_state=State.REPLIED).exists()


def test_only_the_lead_department_handles(people, companies, handler, land, regions):
    other = UserFactory(
        roles=["department"], region=regions.city, department=DepartmentFactory(region=regions.city)
    )
    ticket = ticket_assign(actor=people.office, ticket=submit(people, companies), department=land)
    with pytest.raises(InvalidTransition):
        ticket_acknowledge(actor=other, ticket=ticket)
    with pytest.raises(InvalidTransition):
        ticket_assign(actor=handler, ticket=ticket, department=land)


def test_urgent_replies_wait_for_the_heads_sign_off(people, companies, handler, head, land):
    ticket = ticket_assign(
        actor=people.office, ticket=submit(people, companies, Urgency.URGENT), department=land
    )
    assert ticket.due_date == add_working_days(timezone.localdate(), 3)  # urgent: 3 days
    ticket = ticket_acknowledge(actor=handler, ticket=ticket)
    with pytest.raises(InvalidTransition):
        ticket_reply(actor=handler, ticket=ticket, outcome="初稿")  # not straight to it
    ticket = ticket_submit_reply(actor=handler, ticket=ticket, outcome="初稿")
    assert ticket.state == State.SIGNOFF and ticket.replied_at is None
    with pytest.raises(InvalidTransition):
        ticket_sign_off(actor=handler, ticket=ticket)  # not the head
    ticket = ticket_send_back(actor=head, ticket=ticket, reason="补充依据")
    ticket = ticket_submit_reply(actor=handler, ticket=ticket, outcome="定稿")
    ticket = ticket_sign_off(actor=head, ticket=ticket)
    assert ticket.state == State.REPLIED and ticket.replied_at is not None


def test_a_dissatisfied_enterprise_reopens_once_then_goes_up_a_level(
    people, companies, handler, land
):
    ticket = ticket_assign(actor=people.office, ticket=submit(people, companies), department=land)
    ticket = ticket_acknowledge(actor=handler, ticket=ticket)
    ticket = ticket_reply(actor=handler, ticket=ticket, outcome="第一次")
    with pytest.raises(TicketError):  # no reason given
        ticket_rate(actor=people.east_enterprise, ticket=ticket, rating=2, satisfied=False)
    ticket = ticket_rate(
        actor=people.east_enterprise, ticket=ticket, rating=2, satisfied=False, comment="没解决"
    )
    assert ticket.state == State.IN_PROGRESS and ticket.reopen_count == 1
    assert ticket.lead_department == land
    ticket = ticket_reply(actor=handler, ticket=ticket, outcome="第二次")
    ticket = ticket_rate(
        actor=people.east_enterprise, ticket=ticket, rating=1, satisfied=False, comment="仍未解决"
    )
    # Never recorded as a confirmation: reworked by the special group, the office alerted.
    assert ticket.state == State.ESCALATED and ticket.rating == 1 and ticket.closed_at is None
    last = ticket.events.latest("created_at")
    assert (last.action, last.to_state, last.note) == ("rework", "escalated", "仍未解决")
    assert not ticket.events.filter(action="confirm").exists()
    assert Notification.objects.filter(recipient=people.office, kind="ticket.rework").exists()


def test_asking_for_information_stops_the_clock(people, companies, handler, land):
    with time_machine.travel(
        datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC), tick=False
    ) as clock:
        ticket = ticket_assign(
            actor=people.office, ticket=submit(people, companies), department=land
        )
        assert ticket.due_date == datetime.date(2026, 3, 16)
        ticket = ticket_acknowledge(actor=handler, ticket=ticket)
        ticket = ticket_request_info(actor=handler, ticket=ticket, question="请补充规划图")
        clock.shift(datetime.timedelta(days=7))  # Monday 9 March: five working days later
        ticket = ticket_provide_info(actor=people.east_enterprise, ticket=ticket, answer="已上传")
    assert ticket.state == State.IN_PROGRESS and ticket.paused_since is None
    assert ticket.due_date == datetime.date(2026, 3, 23)


def test_return_and_reassignment(people, companies, handler, land, regions):
    ticket = ticket_assign(actor=people.office, ticket=submit(people, companies), department=land)
    with pytest.raises(TicketError):
        ticket_return(actor=handler, ticket=ticket, reason=" ")
    ticket = ticket_return(actor=handler, ticket=ticket, reason="不属于本部门职责")
    assert ticket.state == State.RETURNED
    other = DepartmentFactory(region=regions.city, name="市行政审批服务局")
    ticket = ticket_assign(actor=people.office, ticket=ticket, department=other)
    assert ticket.state == State.ASSIGNED and ticket.lead_department == other


def test_decline_merge_and_withdraw_are_kept(people, companies):
    first = submit(people, companies)
    second = submit(people, companies)
    third = submit(people, companies)
    with pytest.raises(TicketError):
        ticket_decline(actor=people.office, ticket=first, reason="")
    ticket_decline(actor=people.office, ticket=first, reason="属于司法程序")
    ticket_merge(actor=people.office, ticket=second, into=third)
    ticket_withdraw(actor=people.east_enterprise, ticket=third, reason="已自行解决")
    states = dict(Ticket.objects.values_list("pk", "state"))
    assert states == {first.pk: "declined", second.pk: "merged", third.pk: "withdrawn"}
    assert Ticket.objects.get(pk=second.pk).merged_into_id == third.pk


def test_a_stale_page_cannot_apply_a_second_transition(people, companies, handler, land):
    ticket = ticket_assign(actor=people.office, ticket=submit(people, companies), department=land)
    tab_one = Ticket.objects.get(pk=ticket.pk)
    tab_two = Ticket.objects.get(pk=ticket.pk)
    ticket_acknowledge(actor=handler, ticket=tab_one)
    with pytest.raises(InvalidTransition):
        ticket_return(actor=handler, ticket=tab_two, reason="两个窗口")
    assert Ticket.objects.get(pk=ticket.pk).state == State.IN_PROGRESS
    assert TicketEvent.objects.filter(ticket=ticket, to_state=State.RETURNED).count() == 0


def test_nobody_submits_for_an_enterprise_they_cannot_see(people, companies):
    with pytest.raises(TicketError):
        ticket_submit(
            actor=people.west_enterprise,
            enterprise=companies.east,
            category=Category.objects.get(code="land"),
            title="x",
            description="y",
            source=Source.ENTERPRISE,
        )


def test_an_enterprise_never_sees_another_enterprises_ticket(people, companies, handler, land):
    ticket = submit(people, companies)
    assert list(tickets_for_user(people.east_enterprise)) == [ticket]
    assert not tickets_for_user(people.west_enterprise).exists()
    assert not tickets_for_user(handler).exists()  # not assigned to it yet
    ticket_assign(actor=people.office, ticket=ticket, department=land)
    assert list(tickets_for_user(handler)) == [ticket]
    assert list(tickets_for_user(people.office)) == [ticket]


def test_every_transition_names_a_state_and_an_actor():
    same_state = {"request_extension", "decide_extension", "pass_up", "reclassify"}
    for transition in TRANSITIONS:
        assert transition.actors, transition
        assert (transition.source == transition.target) == (transition.action in same_state)


def test_an_extension_is_asked_once_and_decided_by_the_office(people, companies, handler, land):
    from issues.services import ticket_decide_extension, ticket_request_extension

    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC), tick=False):
        ticket = ticket_assign(
            actor=people.office, ticket=submit(people, companies), department=land
        )
        ticket = ticket_acknowledge(actor=handler, ticket=ticket)
        with pytest.raises(TicketError):
            ticket_request_extension(actor=handler, ticket=ticket, working_days=5, reason="")
        with pytest.raises(InvalidTransition):
            ticket_decide_extension(actor=people.office, ticket=ticket, approve=True)
        ticket = ticket_request_extension(
            actor=handler, ticket=ticket, working_days=5, reason="需要上级审批"
        )
        with pytest.raises(InvalidTransition):
            ticket_request_extension(actor=handler, ticket=ticket, working_days=5, reason="再次")
        with pytest.raises(InvalidTransition):
            ticket_decide_extension(actor=handler, ticket=ticket, approve=True)
        ticket = ticket_decide_extension(actor=people.office, ticket=ticket, approve=True)
    assert ticket.due_date == datetime.date(2026, 3, 23)  # 16 March + 5 working days
    assert ticket.extension_used and ticket.extension_days is None
    assert ticket.state == State.IN_PROGRESS
    with pytest.raises(InvalidTransition):
        ticket_request_extension(actor=handler, ticket=ticket, working_days=3, reason="第二次")
