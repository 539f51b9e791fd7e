"""Special groups and the standing meeting: agendas built from their queues, one decision per
ticket (through the transition table), minutes. The services of floor 4's second half."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from org.models import Region
from org.roles import Role
from org.scoping import has_role, region_in_scope, region_spans_whole_tree

from .models import AgendaItem, Meeting, SpecialGroup, Ticket
from .permissions import departments_within, groups_of
from .services import TicketError, assignment_changes, check_assignable, required
from .workflow import Action, Actor, State, apply_transition


def can_run(user, meeting_or_group) -> bool:
    """Group meetings are run by the group's members (and the office); the standing meeting by
    the liaison office."""
    region = meeting_or_group.region
    if user.is_superuser:
        return True
    if has_role(user, Role.LIAISON_OFFICE, Role.ADMIN) and region_in_scope(user, region):
        return True
    group = (
        meeting_or_group if isinstance(meeting_or_group, SpecialGroup) else meeting_or_group.group
    )
    # The same members as the capacity "the special group" on a ticket: those of an active
    # group, its leader (a leader) included.
    return bool(
        group is not None
        and has_role(user, Role.SPECIAL_GROUP, Role.LEADER)
        and groups_of(user).filter(pk=group.pk).exists()
    )


def waiting(*, group: SpecialGroup | None, region: Region):
    """Every ticket waiting for a group (escalated, of its categories, in its region) or for the
    standing meeting (sent on by a group), whether or not a planned agenda holds it yet."""
    tickets = Ticket.objects.all()
    if not region_spans_whole_tree(region):
        subtree = Region.objects.filter(path__startswith=region.path).values("pk")
        tickets = tickets.filter(enterprise__region_id__in=subtree)
    if group is not None:
        return tickets.filter(state=State.ESCALATED, category__in=group.categories.all())
    return tickets.filter(state=State.MEETING)


def queue(*, group: SpecialGroup | None, region: Region):
    """What a new agenda takes: the waiting tickets not already on a planned agenda."""
    planned = AgendaItem.objects.filter(meeting__status=Meeting.Status.PLANNED).values("ticket_id")
    return (
        waiting(group=group, region=region)
        .exclude(pk__in=planned)
        .select_related("enterprise", "category", "lead_department")
        .order_by("due_date", "pk")
    )


@transaction.atomic
def meeting_plan(
    *,
    actor,
    held_on: datetime.date,
    group: SpecialGroup | None = None,
    region: Region | None = None,
) -> Meeting:
    region = group.region if group is not None else region
    if region is None:
        raise TicketError(_("Choose the region of the standing meeting."))
    target = group if group is not None else Meeting(kind=Meeting.Kind.STANDING, region=region)
    if not can_run(actor, target):
        raise TicketError(_("You cannot plan this meeting."))
    if held_on < timezone.localdate():
        raise TicketError(_("A meeting cannot be planned in the past: choose today or later."))
    return meeting_with_agenda(group=group, region=region, held_on=held_on, created_by=actor)


def meeting_with_agenda(
    *, group: SpecialGroup | None, region: Region, held_on: datetime.date, **fields
) -> Meeting:
    """A planned meeting (a group's, or with no group the standing meeting) whose agenda is
    its queue. Planned by a user (`created_by`) or drafted by the rhythm (`drafted`)."""
    meeting = Meeting.objects.create(
        kind=Meeting.Kind.GROUP if group else Meeting.Kind.STANDING,
        group=group,
        region=region,
        held_on=held_on,
        **fields,
    )
    AgendaItem.objects.bulk_create(
        [AgendaItem(meeting=meeting, ticket=t) for t in queue(group=group, region=region)]
    )
    return meeting


@transaction.atomic
def meeting_decide(
    *,
    actor,
    item: AgendaItem,
    decision: str,
    note: str = "",
    department=None,
    working_days: int | None = None,
) -> AgendaItem:
    meeting = item.meeting
    if not can_run(actor, meeting):
        raise TicketError(_("You cannot decide for this meeting."))
    if meeting.status != Meeting.Status.PLANNED:
        raise TicketError(_("The meeting is closed; its decisions are final."))
    if item.decision != AgendaItem.Decision.PENDING:
        raise TicketError(_("This ticket was decided already."))
    role = Actor.GROUP if meeting.kind == Meeting.Kind.GROUP else Actor.OFFICE
    ticket = item.ticket
    if decision == AgendaItem.Decision.RESOLVE:
        note = required(note, _("Write how the meeting resolved it: the enterprise reads it."))
        apply_transition(
            ticket,
            action=Action.RESOLVE,
            actor_user=actor,
            actor_role=role,
            note=note,
            changes={"outcome": note, "replied_at": timezone.now()},
        )
    elif decision == AgendaItem.Decision.ASSIGN:
        if department is None:
            raise TicketError(_("Choose the lead department."))
        # The meeting assigns within its own region: active departments of its subtree.
        check_assignable(departments=departments_within(meeting.region), lead=department)
        apply_transition(
            ticket,
            action=Action.ASSIGN,
            actor_user=actor,
            actor_role=role,
            note=note,
            changes=assignment_changes(ticket, department, working_days),
        )
    elif decision == AgendaItem.Decision.ESCALATE:
        if meeting.kind != Meeting.Kind.GROUP:
            raise TicketError(_("The standing meeting is the last level: resolve or assign."))
        apply_transition(
            ticket, action=Action.TO_MEETING, actor_user=actor, actor_role=role, note=note
        )
    else:
        raise TicketError(_("Choose a decision."))
    item.decision = decision
    item.note = note.strip()
    item.decided_at = timezone.now()
    item.save(update_fields=["decision", "note", "decided_at"])
    return item


def meeting_close(*, actor, meeting: Meeting, minutes: str) -> Meeting:
    """Record the minutes; undecided tickets are marked deferred and, no longer on a planned
    agenda, wait in the queue for the next meeting."""
    if not can_run(actor, meeting):
        raise TicketError(_("You cannot close this meeting."))
    if not meeting.items.exists():
        minutes = required(
            minutes, _("The agenda is empty: write a note on why the meeting is closed.")
        )
    minutes = required(minutes, _("Write the minutes."))
    with transaction.atomic():
        # Held once: its minutes and decisions are final (a second post changes nothing).
        locked = Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        if locked is None or locked.status != Meeting.Status.PLANNED:
            raise TicketError(_("The meeting is closed; its decisions are final."))
        meeting.items.filter(decision=AgendaItem.Decision.PENDING).update(
            decision=AgendaItem.Decision.DEFERRED, decided_at=timezone.now()
        )
        meeting.minutes = minutes
        meeting.status = Meeting.Status.HELD
        meeting.save(update_fields=["minutes", "status"])
    return meeting
