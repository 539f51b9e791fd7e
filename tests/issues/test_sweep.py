import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from issues.models import SupervisionNotice, Ticket, TicketEvent
from issues.services import ticket_acknowledge, ticket_assign, ticket_reply
from issues.sweep import sweep
from issues.workflow import State
from notifications.models import Notification
from tests.factories import DepartmentFactory, UserFactory, submit_ticket

pytestmark = pytest.mark.django_db
TZ = datetime.timezone(datetime.timedelta(hours=8))


def at(y, m, d, hour=9):
    return datetime.datetime(y, m, d, hour, tzinfo=TZ)


@pytest.fixture
def land(regions):
    return DepartmentFactory(name="市自然资源和规划局", region=regions.city)


@pytest.fixture
def staff(land, regions):
    return {
        "handler": UserFactory(
            username="handler", roles=["department"], region=regions.city, department=land
        ),
        "head": UserFactory(
            username="head",
            roles=["department"],
            region=regions.city,
            department=land,
            is_department_head=True,
        ),
    }


def new_ticket(people, companies, land, *, urgency="normal"):
    ticket = submit_ticket(people.east_enterprise, companies.east, urgency=urgency)
    return ticket_assign(actor=people.office, ticket=ticket, department=land)


def kinds(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_the_sweep_reminds_warns_supervises_and_escalates_on_time(people, companies, land, staff):
    # Assigned Monday 2 March 2026 with 3 working days (urgent): acknowledge by Tuesday 3,
    # due Thursday 5 March.
    with time_machine.travel(at(2026, 3, 2), tick=False) as clock:
        ticket = new_ticket(people, companies, land, urgency="urgent")
        assert ticket.due_date == datetime.date(2026, 3, 5)
        assert sweep().counts == {}

        clock.move_to(at(2026, 3, 4))  # Wednesday: not acknowledged, and due tomorrow
        assert sweep().counts == {"acknowledge_reminders": 1, "due_soon": 1}
        assert kinds(staff["handler"]) == ["ticket.ack_late", "ticket.assigned", "ticket.due_soon"]
        ticket_acknowledge(actor=staff["handler"], ticket=ticket)

        clock.move_to(at(2026, 3, 6))  # Friday: overdue
        assert sweep().counts == {"overdue": 1}

        clock.move_to(at(2026, 3, 9))  # Monday: 2 working days late, not yet the margin
        assert sweep().counts == {}
        clock.move_to(at(2026, 3, 10))  # Tuesday: due 5th + 2 working days < today
        assert sweep().counts == {"supervised": 1}
        notice = SupervisionNotice.objects.get(ticket=ticket)
        assert notice.department == land and notice.overdue_working_days == 3
        assert "ticket.supervision" in kinds(staff["head"])
        assert "ticket.supervision" in kinds(people.office)
        assert "ticket.supervision" not in kinds(staff["handler"])

        clock.move_to(at(2026, 3, 12))  # Thursday: two working days after the notice
        assert sweep().counts == {}
        clock.move_to(at(2026, 3, 13))  # Friday: three working days after it
        assert sweep().counts == {"escalated": 1}
        ticket.refresh_from_db()
        assert ticket.state == State.ESCALATED
        event = ticket.events.latest("created_at")
        assert (event.from_state, event.to_state, event.actor, event.actor_role) == (
            "in_progress",
            "escalated",
            None,
            "system",
        )


def test_a_second_run_changes_nothing(people, companies, land, staff):
    with time_machine.travel(at(2026, 3, 2), tick=False) as clock:
        for _ in range(3):
            new_ticket(people, companies, land, urgency="urgent")
        clock.move_to(at(2026, 3, 20))
        first = sweep().counts
        assert first["supervised"] == 3 and first["overdue"] == 3
        notes, events = Notification.objects.count(), TicketEvent.objects.count()
        states = dict(Ticket.objects.values_list("pk", "state"))
        assert sweep().counts == {}
        assert Notification.objects.count() == notes
        assert TicketEvent.objects.count() == events
        assert dict(Ticket.objects.values_list("pk", "state")) == states


def test_the_query_count_does_not_grow_with_the_tickets(people, companies, land, staff):
    def run_with(n):
        Ticket.objects.all().delete()
        with time_machine.travel(at(2026, 3, 2), tick=False) as clock:
            for _ in range(n):
                new_ticket(people, companies, land, urgency="urgent")
            clock.move_to(at(2026, 3, 20))
            with CaptureQueriesContext(connection) as ctx:
                counts = sweep().counts
        assert counts["overdue"] == n
        return len(ctx.captured_queries)

    assert run_with(2) == run_with(25)


def test_paused_tickets_are_not_overdue(people, companies, land, staff):
    from issues.services import ticket_request_info

    with time_machine.travel(at(2026, 3, 2), tick=False) as clock:
        ticket = new_ticket(people, companies, land, urgency="urgent")
        ticket = ticket_acknowledge(actor=staff["handler"], ticket=ticket)
        ticket_request_info(actor=staff["handler"], ticket=ticket, question="补充材料")
        clock.move_to(at(2026, 3, 20))
        assert sweep().counts == {}


def test_unrated_replies_close_after_seven_days(people, companies, land, staff):
    with time_machine.travel(at(2026, 3, 2), tick=False) as clock:
        ticket = new_ticket(people, companies, land)
        ticket = ticket_acknowledge(actor=staff["handler"], ticket=ticket)
        ticket_reply(actor=staff["handler"], ticket=ticket, outcome="已办")
        clock.move_to(at(2026, 3, 8))
        assert "closed_unrated" not in sweep().counts
        clock.move_to(at(2026, 3, 10))
        assert sweep().counts == {"closed_unrated": 1}
    ticket.refresh_from_db()
    assert ticket.state == State.CLOSED and ticket.rating is None and ticket.closed_at


def test_a_reassigned_slip_is_reminded_again(people, companies, land, staff):
    from issues.services import ticket_return

    with time_machine.travel(at(2026, 3, 2), tick=False) as clock:  # Monday
        ticket = new_ticket(people, companies, land)
        clock.move_to(at(2026, 3, 4))
        assert sweep().counts["acknowledge_reminders"] == 1
        ticket_return(actor=staff["handler"], ticket=ticket, reason="不属于本部门职责")
        ticket_assign(actor=people.office, ticket=ticket, department=land, note="请再研究")
        clock.move_to(at(2026, 3, 6))  # the new slip was due for acknowledgement on the 5th
        assert sweep().counts.get("acknowledge_reminders") == 1


def test_a_resumed_clock_starts_its_notices_afresh(people, companies, land, staff):
    """The clock stood still while the enterprise was asked for information: the escalation
    that the supervision before the pause would have led to is not due on resuming."""
    from issues.services import ticket_provide_info, ticket_request_info

    with time_machine.travel(at(2026, 3, 2), tick=False) as clock:
        ticket = new_ticket(people, companies, land, urgency="urgent")  # due Thursday 5 March
        ticket = ticket_acknowledge(actor=staff["handler"], ticket=ticket)
        clock.move_to(at(2026, 3, 10))
        sweep()
        ticket.refresh_from_db()
        assert ticket.supervised_at is not None  # three working days late
        ticket_request_info(actor=staff["handler"], ticket=ticket, question="补充材料")
        clock.move_to(at(2026, 3, 20))  # eight working days later
        ticket = ticket_provide_info(actor=people.east_enterprise, ticket=ticket, answer="已补充")
        assert ticket.due_date == datetime.date(2026, 3, 17)
        assert ticket.supervised_at is None and not ticket.overdue_notified
        sweep()
        ticket.refresh_from_db()
        # Late again by three working days: told and supervised anew, not yet escalated.
        assert ticket.state == State.IN_PROGRESS
        assert ticket.overdue_notified and ticket.supervised_at is not None


def test_a_sweep_that_fails_mid_batch_leaves_nothing_to_send_twice(
    people, companies, land, staff, monkeypatch
):
    """A batch's notices and the mark that they were sent commit together: a sweep that dies
    in between (the task is retried) neither loses the notices nor sends them twice."""
    import issues.sweep as sweep_module

    with time_machine.travel(at(2026, 3, 2), tick=False) as clock:
        ticket = new_ticket(people, companies, land, urgency="urgent")
        clock.move_to(at(2026, 3, 4))  # not acknowledged by Tuesday 3 March

        def broken(*args, **kwargs):
            raise ConnectionError("the broker went away")

        monkeypatch.setattr(sweep_module, "fan_out", broken)
        with pytest.raises(ConnectionError):
            sweep()
        assert not Notification.objects.filter(kind="ticket.ack_late").exists()
        assert not Ticket.objects.get(pk=ticket.pk).ack_notified
        monkeypatch.undo()
        sweep()
        sweep()
    assert kinds(staff["handler"]).count("ticket.ack_late") == 1
