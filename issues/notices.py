"""Who hears of a ticket's step: called by workflow.apply_transition after each transition, in
the same transaction (the in-app notices commit with the step; e-mail and group bots go out
after the commit). Texts are functions: send() builds them in each recipient's language."""

from __future__ import annotations

from django.utils.translation import gettext as _

from enterprises.models import LiaisonPerson
from notifications.models import Webhook
from notifications.services import send
from org.models import User
from org.roles import Role
from org.scoping import office_users_above

from .workflow import Action


def _department_users(ticket, *, heads_only=False):
    if not ticket.lead_department_id:
        return []
    users = User.objects.filter(
        department_id=ticket.lead_department_id, is_active=True, groups__name=Role.DEPARTMENT
    )
    if heads_only:
        users = users.filter(is_department_head=True)
    return list(users)


def _enterprise_users(ticket):
    return list(
        User.objects.filter(
            pk__in=LiaisonPerson.objects.filter(
                enterprise_id=ticket.enterprise_id, is_active=True, user__isnull=False
            ).values("user_id"),
            is_active=True,
        )
    )


def _office_users(ticket):
    return list(office_users_above(ticket.enterprise.region.path))


def _department_webhooks(ticket):
    if not ticket.lead_department_id:
        return []
    return list(Webhook.objects.filter(department_id=ticket.lead_department_id, is_active=True))


def _triage_office_users(ticket):
    """The office users of the region that now triages the ticket (not those below it)."""
    if not ticket.triage_region_id:
        return []
    return list(
        User.objects.filter(
            is_active=True, groups__name=Role.LIAISON_OFFICE, region_id=ticket.triage_region_id
        )
    )


def _uncovered_notice(ticket, url, head) -> None:
    """An escalated ticket that no special group covers waits on no agenda: the office routes
    it (to a department or the standing meeting)."""
    from .permissions import group_covers

    if group_covers(ticket):
        return
    send(
        recipients=_office_users(ticket),
        kind="ticket.no_group",
        title=lambda: (
            _("No special group covers %(ticket)s: the office routes it") % {"ticket": head}
        ),
        body=lambda: _("Assign it to a department or send it to the standing meeting."),
        url=url,
    )


def after_transition(ticket, action: str, actor) -> None:
    url = ticket.get_absolute_url()
    head = f"{ticket.number} {ticket.title}"
    if action in (Action.ESCALATE, Action.REWORK):
        _uncovered_notice(ticket, url, head)
    if action == Action.ASSIGN:
        send(
            recipients=_department_users(ticket),
            kind="ticket.assigned",
            title=lambda: _("New assignment slip: %(ticket)s") % {"ticket": head},
            body=lambda: (
                _("Acknowledge by %(ack)s; due %(due)s.")
                % {"ack": ticket.acknowledge_by, "due": ticket.due_date}
            ),
            url=url,
            webhooks=_department_webhooks(ticket),
        )
    elif action in (Action.REPLY, Action.SIGN_OFF, Action.RESOLVE):
        from .links import rating_url

        link = rating_url(ticket)
        send(
            recipients=_enterprise_users(ticket),
            kind="ticket.replied",
            title=lambda: _("Your problem %(ticket)s has a reply") % {"ticket": head},
            body=lambda: _("Please rate how it was handled: %(link)s") % {"link": link},
            url=url,
        )
    elif action == Action.SUBMIT_REPLY:
        send(
            recipients=_department_users(ticket, heads_only=True),
            kind="ticket.signoff",
            title=lambda: _("A reply awaits your sign-off: %(ticket)s") % {"ticket": head},
            url=url,
        )
    elif action in (Action.SEND_BACK, Action.PROVIDE_INFO, Action.DECIDE_EXTENSION):
        send(
            recipients=_department_users(ticket),
            kind=f"ticket.{action}",
            title=lambda: _("%(ticket)s is back with your department") % {"ticket": head},
            url=url,
        )
    elif action == Action.REPORT and ticket.reported_to_id:
        send(
            recipients=[ticket.reported_to],
            kind="ticket.reported",
            title=lambda: _("An escalation report awaits you: %(ticket)s") % {"ticket": head},
            body=lambda: _("Please give instructions by %(due)s.") % {"due": ticket.report_due},
            url=url,
        )
    elif action == Action.PASS_UP:
        send(
            recipients=_triage_office_users(ticket),
            kind="ticket.passed_up",
            title=lambda: (
                _("%(ticket)s was passed up to your office for triage") % {"ticket": head}
            ),
            url=url,
        )
    elif action == Action.REQUEST_INFO:
        send(
            recipients=_enterprise_users(ticket),
            kind="ticket.info_requested",
            title=lambda: _("More information is needed for %(ticket)s") % {"ticket": head},
            url=url,
        )
    elif action in (Action.RETURN, Action.ESCALATE, Action.REQUEST_EXTENSION):
        send(
            recipients=_office_users(ticket),
            kind=f"ticket.{action}",
            title=lambda: (
                _("%(ticket)s needs the office: %(step)s")
                % {"ticket": head, "step": Action(action).label}
            ),
            url=url,
        )
    elif action == Action.REOPEN:
        send(
            recipients=_office_users(ticket) + _department_users(ticket),
            kind="ticket.reopened",
            title=lambda: (
                _("The enterprise is not satisfied: %(ticket)s is reopened") % {"ticket": head}
            ),
            url=url,
        )
    elif action == Action.REWORK:
        send(
            recipients=_office_users(ticket) + _department_users(ticket),
            kind="ticket.rework",
            title=_("The enterprise is still not satisfied: %(ticket)s goes to the special group")
            % {"ticket": head},
            body=ticket.rating_comment,
            url=url,
        )
    elif action in (Action.DECLINE, Action.MERGE):
        send(
            recipients=_enterprise_users(ticket),
            kind=f"ticket.{action}",
            title=lambda: (
                _("%(ticket)s: %(step)s") % {"ticket": head, "step": Action(action).label}
            ),
            url=url,
        )
