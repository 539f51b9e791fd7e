"""The state machine of a problem ticket (诉求): one transition table and one function that
applies a transition. Nothing else changes a ticket's state.

apply_transition() locks the row, checks that the action is allowed from the current state and
by the acting role, runs the transition's guard, saves with update_fields, and writes a history
row (who, when, from, to, note). Side effects go out with transaction.on_commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class State(models.TextChoices):
    SUBMITTED = "submitted", gettext_lazy("Submitted")
    ASSIGNED = "assigned", gettext_lazy("Assigned, awaiting acknowledgement")
    RETURNED = "returned", gettext_lazy("Returned by the department")
    REPORTED = "reported", gettext_lazy("Reported to a city leader")
    IN_PROGRESS = "in_progress", gettext_lazy("In progress")
    INFO_REQUESTED = "info_requested", gettext_lazy("Waiting for the enterprise")
    SIGNOFF = "signoff", gettext_lazy("Reply awaiting sign-off")
    ESCALATED = "escalated", gettext_lazy("With the special group")
    MEETING = "meeting", gettext_lazy("With the standing meeting")
    REPLIED = "replied", gettext_lazy("Replied, awaiting rating")
    CLOSED = "closed", gettext_lazy("Closed")
    DECLINED = "declined", gettext_lazy("Not accepted")
    MERGED = "merged", gettext_lazy("Merged into another ticket")
    WITHDRAWN = "withdrawn", gettext_lazy("Withdrawn")


OPEN_STATES = frozenset(
    {
        State.SUBMITTED,
        State.ASSIGNED,
        State.RETURNED,
        State.REPORTED,
        State.IN_PROGRESS,
        State.INFO_REQUESTED,
        State.SIGNOFF,
        State.ESCALATED,
        State.MEETING,
    }
)
FINAL_STATES = frozenset({State.CLOSED, State.DECLINED, State.MERGED, State.WITHDRAWN})
# States in which the department's deadline runs.
CLOCK_STATES = frozenset({State.ASSIGNED, State.IN_PROGRESS, State.SIGNOFF})
# What waits for the liaison office to classify or (re)assign it: its triage queue.
TRIAGE_STATES = frozenset({State.SUBMITTED, State.RETURNED})


class Action(models.TextChoices):
    SUBMIT = "submit", gettext_lazy("Submit")  # the ticket's creation, not a transition
    ASSIGN = "assign", gettext_lazy("Assign to a department")
    REPORT = "report", gettext_lazy("Report to a city leader")
    DECLINE = "decline", gettext_lazy("Decline")
    MERGE = "merge", gettext_lazy("Merge as duplicate")
    ACKNOWLEDGE = "acknowledge", gettext_lazy("Acknowledge")
    RETURN = "return", gettext_lazy("Return to the office")
    REQUEST_INFO = "request_info", gettext_lazy("Ask the enterprise for information")
    PROVIDE_INFO = "provide_info", gettext_lazy("Provide information")
    REPLY = "reply", gettext_lazy("Reply with the outcome")
    REQUEST_EXTENSION = "request_extension", gettext_lazy("Request an extension")
    DECIDE_EXTENSION = "decide_extension", gettext_lazy("Decide on the extension")
    SUBMIT_REPLY = "submit_reply", gettext_lazy("Submit the reply for sign-off")
    SIGN_OFF = "sign_off", gettext_lazy("Sign off the reply")
    SEND_BACK = "send_back", gettext_lazy("Send the reply back for redo")
    ESCALATE = "escalate", gettext_lazy("Escalate to the special group")
    TO_MEETING = "to_meeting", gettext_lazy("Escalate to the standing meeting")
    RESOLVE = "resolve", gettext_lazy("Resolve (meeting decision)")
    CONFIRM = "confirm", gettext_lazy("Confirm and rate")
    REOPEN = "reopen", gettext_lazy("Reopen (not satisfied)")
    REWORK = "rework", gettext_lazy("Not satisfied again: rework by the special group")
    EXPIRE = "expire", gettext_lazy("Close without a rating")
    WITHDRAW = "withdraw", gettext_lazy("Withdraw")
    PASS_UP = "pass_up", gettext_lazy("Pass up to the office above")
    RECLASSIFY = "reclassify", gettext_lazy("Change the category")
    # Timeline entries that are not transitions (from_state == to_state): per-ticket grants.
    SHARE = "share", gettext_lazy("Shared")
    DELEGATE = "delegate", gettext_lazy("Delegated")
    REVOKE = "revoke", gettext_lazy("Access revoked")


class Actor(models.TextChoices):
    """Who may take an action, as seen by the workflow."""

    ENTERPRISE = "enterprise", gettext_lazy("the enterprise")
    OFFICE = "office", gettext_lazy("the liaison office")
    DEPARTMENT = "department", gettext_lazy("the lead department")
    HEAD = "head", gettext_lazy("the department head")
    GROUP = "group", gettext_lazy("the special group")
    LEADER = "leader", gettext_lazy("the city leader")
    SYSTEM = "system", gettext_lazy("the system")


class InvalidTransition(Exception):
    """A transition that is not allowed now; the message is for the user."""


@dataclass(frozen=True)
class Transition:
    source: State
    action: Action
    target: State
    actors: frozenset
    guard: Callable | None = None  # guard(ticket) -> message when refused, or None
    # Guards that apply to one acting capacity only: ((actor, guard), …). E.g. the office may
    # route an escalated ticket only when no special group covers it.
    actor_guards: tuple = ()

    def refusal(self, ticket, actor: str) -> str | None:
        """Why `actor` may not take this transition on `ticket` now, or None."""
        if self.guard is not None:
            refusal = self.guard(ticket)
            if refusal:
                return refusal
        for who, guard in self.actor_guards:
            if who == actor:
                refusal = guard(ticket)
                if refusal:
                    return refusal
        return None


def _urgent_needs_signoff(ticket):
    if ticket.urgency == "urgent":
        return _("An urgent ticket's reply needs the department head's sign-off first.")
    return None


def _not_urgent(ticket):
    if ticket.urgency != "urgent":
        return _("Only urgent tickets go through sign-off.")
    return None


def _extension_once(ticket):
    if ticket.extension_used or ticket.extension_days:
        return _("A ticket's deadline is extended at most once.")
    return None


def _extension_pending(ticket):
    if not ticket.extension_days:
        return _("No extension has been requested.")
    return None


def _reopen_once(ticket):
    if ticket.reopen_count >= 1:
        return _("A ticket is reopened once; a second dissatisfaction goes to the special group.")
    return None


def _reopened_before(ticket):
    if ticket.reopen_count < 1:
        return _("A first dissatisfaction reopens the ticket with the same department.")
    return None


def _no_group_covers(ticket):
    from .permissions import group_covers

    if group_covers(ticket):
        return _("A special group covers this ticket: it routes it.")
    return None


def _triage_above(ticket):
    from .permissions import triage_region

    region = triage_region(ticket)
    if region is None or region.parent_id is None:
        return _("The city office triages this ticket: there is no office above it.")
    return None


OF, D, H, E, G, L, S = (
    Actor.OFFICE,
    Actor.DEPARTMENT,
    Actor.HEAD,
    Actor.ENTERPRISE,
    Actor.GROUP,
    Actor.LEADER,
    Actor.SYSTEM,
)
_T = Transition
TRANSITIONS: tuple[Transition, ...] = (
    # Triage by the liaison office.
    _T(State.SUBMITTED, Action.ASSIGN, State.ASSIGNED, frozenset({OF})),
    _T(State.SUBMITTED, Action.REPORT, State.REPORTED, frozenset({OF})),
    _T(State.SUBMITTED, Action.DECLINE, State.DECLINED, frozenset({OF})),
    _T(State.SUBMITTED, Action.MERGE, State.MERGED, frozenset({OF})),
    # A county office passes a ticket up to the office one level above; the state stays.
    _T(State.SUBMITTED, Action.PASS_UP, State.SUBMITTED, frozenset({OF}), _triage_above),
    _T(State.RETURNED, Action.PASS_UP, State.RETURNED, frozenset({OF}), _triage_above),
    # The office corrects the category during triage (the deadline rule then follows it).
    _T(State.SUBMITTED, Action.RECLASSIFY, State.SUBMITTED, frozenset({OF})),
    _T(State.RETURNED, Action.RECLASSIFY, State.RETURNED, frozenset({OF})),
    # The department acknowledges within a working day, or returns the slip.
    _T(State.ASSIGNED, Action.ACKNOWLEDGE, State.IN_PROGRESS, frozenset({D})),
    _T(State.ASSIGNED, Action.RETURN, State.RETURNED, frozenset({D})),
    # The office reassigns, overrules (assigns again, forced) or reports a returned slip.
    _T(State.RETURNED, Action.ASSIGN, State.ASSIGNED, frozenset({OF})),
    _T(State.RETURNED, Action.REPORT, State.REPORTED, frozenset({OF})),
    # A city leader receiving an escalation report has it assigned or sent to the group.
    _T(State.REPORTED, Action.ASSIGN, State.ASSIGNED, frozenset({OF, L})),
    _T(State.REPORTED, Action.ESCALATE, State.ESCALATED, frozenset({OF, L})),
    # Handling.
    _T(State.IN_PROGRESS, Action.REQUEST_INFO, State.INFO_REQUESTED, frozenset({D})),
    # An extension (延期申请), once, decided by the office; the state stays as it is.
    _T(
        State.IN_PROGRESS,
        Action.REQUEST_EXTENSION,
        State.IN_PROGRESS,
        frozenset({D}),
        _extension_once,
    ),
    _T(
        State.IN_PROGRESS,
        Action.DECIDE_EXTENSION,
        State.IN_PROGRESS,
        frozenset({OF}),
        _extension_pending,
    ),
    _T(State.INFO_REQUESTED, Action.PROVIDE_INFO, State.IN_PROGRESS, frozenset({E})),
    _T(State.IN_PROGRESS, Action.REPLY, State.REPLIED, frozenset({D}), _urgent_needs_signoff),
    _T(State.IN_PROGRESS, Action.SUBMIT_REPLY, State.SIGNOFF, frozenset({D}), _not_urgent),
    _T(State.SIGNOFF, Action.SIGN_OFF, State.REPLIED, frozenset({H})),
    _T(State.SIGNOFF, Action.SEND_BACK, State.IN_PROGRESS, frozenset({H, OF})),
    _T(State.REPLIED, Action.SEND_BACK, State.IN_PROGRESS, frozenset({OF})),
    # Escalation: department → special group → standing meeting (the sweep acts as system).
    _T(State.ASSIGNED, Action.ESCALATE, State.ESCALATED, frozenset({OF, S})),
    _T(State.IN_PROGRESS, Action.ESCALATE, State.ESCALATED, frozenset({D, OF, S})),
    # No active group covers the ticket's category in its region chain: the office routes it
    # (to a department or the standing meeting) rather than leave it on no agenda.
    _T(
        State.ESCALATED,
        Action.ASSIGN,
        State.ASSIGNED,
        frozenset({G, OF}),
        actor_guards=((OF, _no_group_covers),),
    ),
    _T(State.ESCALATED, Action.RESOLVE, State.REPLIED, frozenset({G})),
    _T(
        State.ESCALATED,
        Action.TO_MEETING,
        State.MEETING,
        frozenset({G, S, OF}),
        actor_guards=((OF, _no_group_covers),),
    ),
    _T(State.MEETING, Action.ASSIGN, State.ASSIGNED, frozenset({OF})),
    _T(State.MEETING, Action.RESOLVE, State.REPLIED, frozenset({OF})),
    # The enterprise rates; dissatisfied reopens once; silence for 7 days closes.
    _T(State.REPLIED, Action.CONFIRM, State.CLOSED, frozenset({E})),
    _T(State.REPLIED, Action.REOPEN, State.IN_PROGRESS, frozenset({E}), _reopen_once),
    # A second dissatisfaction is never a confirmation: it is reworked a level higher (12345).
    _T(State.REPLIED, Action.REWORK, State.ESCALATED, frozenset({E}), _reopened_before),
    _T(State.REPLIED, Action.EXPIRE, State.CLOSED, frozenset({S})),
    # The enterprise may withdraw an open ticket (kept, and sampled for call-backs).
    *(
        _T(state, Action.WITHDRAW, State.WITHDRAWN, frozenset({E}))
        for state in (
            State.SUBMITTED,
            State.ASSIGNED,
            State.RETURNED,
            State.REPORTED,
            State.IN_PROGRESS,
            State.INFO_REQUESTED,
        )
    ),
)
TABLE: dict[tuple[str, str], Transition] = {(t.source, t.action): t for t in TRANSITIONS}

# The fields besides the state each action may set through `changes`: the history row records
# the state change, so the state itself (and any field an action has no business with) is never
# among them. apply_transition refuses anything else as a programming error.
_DEADLINE = frozenset({"due_date", "due_soon_notified", "overdue_notified", "supervised_at"})
_SLIP = _DEADLINE | {"lead_department", "acknowledge_by", "ack_notified", "paused_since"}
CHANGEABLE: dict[str, frozenset[str]] = {
    Action.ASSIGN: _SLIP,
    Action.REPORT: frozenset(
        {"reported_to", "report_due", "report_due_soon_notified", "report_overdue_notified"}
    ),
    Action.PASS_UP: frozenset({"triage_region"}),
    Action.RECLASSIFY: frozenset({"category"}),
    Action.DECLINE: frozenset({"closed_at"}),
    Action.MERGE: frozenset({"merged_into", "closed_at"}),
    Action.ACKNOWLEDGE: frozenset(),
    Action.RETURN: frozenset(),
    Action.REQUEST_INFO: frozenset({"paused_since"}),
    Action.PROVIDE_INFO: _DEADLINE | {"paused_since"},
    Action.REPLY: frozenset({"outcome", "replied_at"}),
    Action.SUBMIT_REPLY: frozenset({"outcome"}),
    Action.SIGN_OFF: frozenset({"replied_at"}),
    Action.SEND_BACK: frozenset({"replied_at"}),
    Action.REQUEST_EXTENSION: frozenset({"extension_days"}),
    Action.DECIDE_EXTENSION: _DEADLINE | {"extension_days", "extension_used"},
    Action.ESCALATE: frozenset(),
    Action.TO_MEETING: frozenset(),
    Action.RESOLVE: frozenset({"outcome", "replied_at"}),
    Action.CONFIRM: frozenset({"rating", "rating_comment", "closed_at"}),
    Action.REOPEN: _DEADLINE | {"reopen_count", "rating", "rating_comment"},
    Action.REWORK: frozenset({"reopen_count", "rating", "rating_comment"}),
    Action.EXPIRE: frozenset({"closed_at"}),
    Action.WITHDRAW: frozenset({"closed_at"}),
}


def check_changes(action: str, changes: dict | None) -> None:
    """Refuse, as a programming error, fields `action` does not declare in CHANGEABLE."""
    extra = set(changes or ()) - CHANGEABLE.get(action, frozenset())
    if extra:
        raise ValueError(f"{action!r} may not change {', '.join(sorted(extra))}")


def allowed_actions(state: str, actors: set[str]) -> list[Action]:
    return [t.action for t in TRANSITIONS if t.source == state and t.actors & actors]


def permitted(ticket, action: str, actors: set[str]) -> bool:
    """True when one of `actors` may take `action` on `ticket` now: the table allows it from
    the ticket's state and the transition's guards accept it."""
    transition = TABLE.get((ticket.state, action))
    if transition is None:
        return False
    return any(not transition.refusal(ticket, a) for a in transition.actors & set(actors))


def apply_transition(
    ticket,
    *,
    action: str,
    actor_user,
    actor_role: str,
    note: str = "",
    changes: dict | None = None,
    on_commit: Callable | None = None,
):
    """Apply `action` to `ticket` as `actor_role`; returns the fresh, saved ticket.

    `changes` are further field values the transition sets (the department, the deadline …),
    saved in the same UPDATE. Raises InvalidTransition with a readable message.
    """
    from .models import Ticket, TicketEvent

    check_changes(action, changes)
    with transaction.atomic():
        locked = Ticket.objects.select_for_update(of=("self",)).get(pk=ticket.pk)
        transition = TABLE.get((locked.state, action))
        if transition is None:
            raise InvalidTransition(
                _("“%(action)s” is not possible while the ticket is “%(state)s”.")
                % {"action": Action(action).label, "state": State(locked.state).label}
            )
        if actor_role not in transition.actors:
            raise InvalidTransition(
                _("“%(action)s” is for %(who)s.")
                % {
                    "action": Action(action).label,
                    "who": "、".join(str(Actor(a).label) for a in sorted(transition.actors)),
                }
            )
        refusal = transition.refusal(locked, actor_role)
        if refusal:
            raise InvalidTransition(refusal)
        source = locked.state
        now = timezone.now()
        locked.state = transition.target
        locked.updated_at = now
        fields = ["state", "updated_at"]
        for name, value in (changes or {}).items():
            setattr(locked, name, value)
            fields.append(name)
        locked.save(update_fields=fields)
        TicketEvent.objects.create(
            ticket=locked,
            action=action,
            from_state=source,
            to_state=transition.target,
            actor=actor_user,
            actor_role=actor_role,
            note=note,
            created_at=now,
        )
        from .notices import after_transition

        after_transition(locked, action, actor_user)
        if on_commit is not None:
            transaction.on_commit(on_commit)
    return locked


def apply_bulk(
    ticket_ids, *, action: str, note: str = "", changes: dict | None = None
) -> list[int]:
    """Apply a system action to many tickets at once (the sweep): one UPDATE per source state
    the transition table allows for `action` by the system, and one INSERT of history rows.
    Tickets whose state no longer allows it (another user acted meanwhile) are left alone,
    and rows locked by a user's transaction are skipped until the next run. Returns the ids
    changed."""
    from .models import Ticket, TicketEvent

    check_changes(action, changes)
    now = timezone.now()
    changed: list[int] = []
    events = []
    with transaction.atomic():
        for transition in TRANSITIONS:
            if transition.action != action or Actor.SYSTEM not in transition.actors:
                continue
            ids = list(
                Ticket.objects.select_for_update(skip_locked=True)
                .filter(pk__in=ticket_ids, state=transition.source)
                .values_list("pk", flat=True)
            )
            if not ids:
                continue
            Ticket.objects.filter(pk__in=ids).update(
                state=transition.target, updated_at=now, **(changes or {})
            )
            events += [
                TicketEvent(
                    ticket_id=pk,
                    action=action,
                    from_state=transition.source,
                    to_state=transition.target,
                    actor=None,
                    actor_role=Actor.SYSTEM,
                    note=note,
                    created_at=now,
                )
                for pk in ids
            ]
            changed += ids
        TicketEvent.objects.bulk_create(events, batch_size=1000)
    return changed
