"""The ticket actions a page offers: one registry entry per workflow action, holding what the
button does (the service it calls), the form it asks for, and the partial that renders it.

The detail page shows the entries the transition table allows the user now, whose guards
accept the ticket (so an urgent ticket offers "submit for sign-off" and never "reply");
ticket_action_view looks the posted action up here and nowhere else. The button's label is
the action's own label, and the service performs exactly that action: a label cannot drift
from what it does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from . import forms, services
from .models import Ticket
from .permissions import capacities
from .workflow import Action, Actor, State, allowed_actions, permitted


@dataclass(frozen=True)
class TicketAction:
    action: Action
    form: type[forms.TicketActionForm]
    # perform(actor=, ticket=, data=) -> the saved ticket; raises TicketError/InvalidTransition
    perform: Callable[..., Ticket]
    template: str = "issues/actions/_fields.html"
    destructive: bool = False
    # Offered only to these capacities (None: any the table allows); the others take the
    # step elsewhere (a group sends a ticket to the standing meeting from its meeting).
    actors: frozenset | None = None
    # A further condition on who the user is, beyond its capacity: when(user, ticket) -> bool.
    when: Callable | None = None

    @property
    def label(self) -> str:
        return Action(self.action).label

    def build(self, ticket: Ticket, user, data=None) -> forms.TicketActionForm:
        return self.form(data, ticket=ticket, user=user, action=self.action.value)

    def done(self, ticket: Ticket) -> str:
        """The success message: what happened to which ticket."""
        if self.action == Action.ASSIGN:
            return _("%(number)s was assigned to %(department)s, due %(due)s.") % {
                "number": ticket.number,
                "department": ticket.lead_department.label,
                "due": ticket.due_date.isoformat(),
            }
        if self.action == Action.REPORT and ticket.reported_to_id:
            return _("%(number)s was reported to %(leader)s, instructions due %(due)s.") % {
                "number": ticket.number,
                "leader": ticket.reported_to.get_display_name(),
                "due": ticket.report_due.isoformat(),
            }
        if self.action == Action.PASS_UP:
            return _("%(number)s was passed up to the liaison office of %(region)s.") % {
                "number": ticket.number,
                "region": ticket.triage_region.name,
            }
        return _("%(number)s: “%(action)s” done; it is now “%(state)s”.") % {
            "number": ticket.number,
            "action": self.label,
            "state": State(ticket.state).label,
        }


def _note(data) -> str:
    return data.get("note") or ""


def _assign(*, actor, ticket, data):
    return services.ticket_assign(
        actor=actor,
        ticket=ticket,
        department=data["department"],
        co_departments=data.get("co_departments") or [],
        working_days=data.get("working_days"),
        note=_note(data),
    )


def _rate(satisfied: bool):
    def perform(*, actor, ticket, data):
        return services.ticket_rate(
            actor=actor,
            ticket=ticket,
            rating=data["rating"],
            satisfied=satisfied,
            comment=_note(data),
        )

    return perform


def _with_note(service, keyword: str = "note"):
    def perform(*, actor, ticket, data):
        return service(actor=actor, ticket=ticket, **{keyword: _note(data)})

    return perform


_A = TicketAction
REGISTRY: dict[str, TicketAction] = {
    entry.action.value: entry
    for entry in (
        _A(Action.ASSIGN, forms.AssignForm, _assign),
        _A(
            Action.REPORT,
            forms.ReportForm,
            lambda *, actor, ticket, data: services.ticket_report(
                actor=actor, ticket=ticket, leader=data["leader"], reason=_note(data)
            ),
        ),
        _A(
            Action.PASS_UP,
            forms.ReasonForm,
            _with_note(services.ticket_pass_up, "reason"),
            when=lambda user, ticket: services.can_pass_up(user, ticket),
        ),
        _A(
            Action.RECLASSIFY,
            forms.ReclassifyForm,
            lambda *, actor, ticket, data: services.ticket_reclassify(
                actor=actor, ticket=ticket, category=data["category"], note=_note(data)
            ),
        ),
        _A(
            Action.TO_MEETING,
            forms.OptionalNoteForm,
            _with_note(services.ticket_to_meeting),
            actors=frozenset({Actor.OFFICE}),
        ),
        _A(
            Action.DECLINE,
            forms.ConfirmedReasonForm,
            _with_note(services.ticket_decline, "reason"),
            template="issues/actions/decline.html",
            destructive=True,
        ),
        _A(
            Action.MERGE,
            forms.MergeForm,
            lambda *, actor, ticket, data: services.ticket_merge(
                actor=actor, ticket=ticket, into=data["target"], note=_note(data)
            ),
            destructive=True,
        ),
        _A(Action.ACKNOWLEDGE, forms.OptionalNoteForm, _with_note(services.ticket_acknowledge)),
        _A(
            Action.RETURN,
            forms.ReasonForm,
            _with_note(services.ticket_return, "reason"),
            destructive=True,
        ),
        _A(
            Action.REQUEST_INFO,
            forms.QuestionForm,
            _with_note(services.ticket_request_info, "question"),
        ),
        _A(
            Action.PROVIDE_INFO,
            forms.AnswerForm,
            _with_note(services.ticket_provide_info, "answer"),
        ),
        _A(Action.REPLY, forms.OutcomeForm, _with_note(services.ticket_reply, "outcome")),
        _A(
            Action.SUBMIT_REPLY,
            forms.OutcomeForm,
            _with_note(services.ticket_submit_reply, "outcome"),
        ),
        _A(
            Action.REQUEST_EXTENSION,
            forms.ExtensionRequestForm,
            lambda *, actor, ticket, data: services.ticket_request_extension(
                actor=actor,
                ticket=ticket,
                working_days=data["working_days"],
                reason=_note(data),
            ),
        ),
        _A(
            Action.DECIDE_EXTENSION,
            forms.ExtensionDecisionForm,
            lambda *, actor, ticket, data: services.ticket_decide_extension(
                actor=actor, ticket=ticket, approve=data["decision"] == "yes", note=_note(data)
            ),
            template="issues/actions/decide_extension.html",
        ),
        _A(Action.SIGN_OFF, forms.OptionalNoteForm, _with_note(services.ticket_sign_off)),
        _A(
            Action.SEND_BACK,
            forms.ReasonForm,
            _with_note(services.ticket_send_back, "reason"),
            destructive=True,
        ),
        _A(Action.ESCALATE, forms.OptionalNoteForm, _with_note(services.ticket_escalate)),
        _A(Action.CONFIRM, forms.ConfirmRatingForm, _rate(True)),
        _A(Action.REOPEN, forms.DissatisfiedForm, _rate(False), destructive=True),
        _A(Action.REWORK, forms.DissatisfiedForm, _rate(False), destructive=True),
        _A(
            Action.WITHDRAW,
            forms.ConfirmedReasonForm,
            _with_note(services.ticket_withdraw, "reason"),
            destructive=True,
        ),
    )
}
# Taken elsewhere: meeting decisions on the meeting's page, the sweep's steps by the system.
# (A group's step to the standing meeting too; the office's, for a ticket no group covers, is
# here.)
ELSEWHERE = frozenset({Action.RESOLVE, Action.EXPIRE})


def offered(ticket: Ticket, user) -> list[TicketAction]:
    """The entries `user` may take on `ticket` now: allowed by the table for the user's
    capacities, and accepted by the transition's guards."""
    have = capacities(user, ticket)
    entries = []
    for action in allowed_actions(ticket.state, have):
        entry = REGISTRY.get(action)
        if entry is None:
            continue
        acting = have if entry.actors is None else have & entry.actors
        if not permitted(ticket, action, acting):
            continue
        if entry.when is not None and not entry.when(user, ticket):
            continue
        entries.append(entry)
    return entries
