"""Every write to a problem ticket. Each state change goes through workflow.apply_transition."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import Enterprise, KeyProject
from org.calendar import add_working_days, working_days_between
from org.models import Department

from .models import Category, DeadlineRule, Source, Ticket, TicketEvent, Urgency
from .permissions import (
    OFFICE_ROLES,
    assignable_departments,
    capacities,
    county_of,
    reportable_leaders,
    submittable_enterprises,
    tickets_for_user,
    triage_region,
)
from .workflow import (
    OPEN_STATES,
    TABLE,
    Action,
    Actor,
    InvalidTransition,
    State,
    apply_transition,
)


class TicketError(Exception):
    """Input a ticket service refuses; the message is for the user."""


def _today() -> datetime.date:
    return timezone.localdate()


def required(text: str, message) -> str:
    """The text without its surrounding blanks; refused with `message` when nothing is left."""
    text = (text or "").strip()
    if not text:
        raise TicketError(message)
    return text


def _as(user, ticket: Ticket, *wanted: str, action: str | None = None) -> str:
    """The capacity in which `user` acts, among `wanted`; refuses when it has none of them.
    With `action`, the first of them the transition accepts now (an office that is also in a
    special group acts on an escalated ticket as the group)."""
    have = capacities(user, ticket)
    if action is not None:
        transition = TABLE.get((ticket.state, action))
        for actor in wanted:
            if (
                actor in have
                and transition is not None
                and actor in transition.actors
                and not transition.refusal(ticket, actor)
            ):
                return actor
    for actor in wanted:
        if actor in have:
            return actor
    raise InvalidTransition(_("You cannot act on this ticket in this way."))


def deadline_days(*, category: Category, urgency: str) -> int:
    rules = {
        (rule.category_id, rule.urgency): rule.working_days
        for rule in DeadlineRule.objects.filter(urgency=urgency)
    }
    days = rules.get((category.pk, urgency)) or rules.get((None, urgency))
    return days or 10


def fresh_deadline(due_date: datetime.date) -> dict:
    """A new deadline, with the sweep's notices for it not yet sent."""
    return {
        "due_date": due_date,
        "due_soon_notified": False,
        "overdue_notified": False,
        "supervised_at": None,
    }


def assignment_changes(ticket: Ticket, department, working_days: int | None = None) -> dict:
    """A slip to `department`, from the office or a meeting: to be acknowledged within one
    working day, due in `working_days` (by default the rule for the ticket's category and
    urgency), the clock running."""
    days = working_days or deadline_days(category=ticket.category, urgency=ticket.urgency)
    today = _today()
    return {
        "lead_department": department,
        "acknowledge_by": add_working_days(today, 1),
        "ack_notified": False,
        "paused_since": None,
        **fresh_deadline(add_working_days(today, days)),
    }


def _next_number() -> str:
    year = timezone.localdate().year
    prefix = f"SQ{year}"
    last = Ticket.objects.filter(number__startswith=prefix).aggregate(m=Max("number"))["m"]
    sequence = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{sequence:06d}"


def _received_by(actor, enterprise: Enterprise):
    """The region whose office triages a new ticket: the office that received it (an office
    user's own region, when the enterprise lies in it), else the enterprise's county."""
    from org.scoping import region_in_scope, user_roles

    region = getattr(actor, "region", None)
    if user_roles(actor) & OFFICE_ROLES and region_in_scope(actor, enterprise.region):
        return region
    return county_of(enterprise.region)


def _first_unit(actor, source: str, region) -> Department | None:
    """The unit that first received the problem (首问负责制): a cadre's department for a
    cadre's report, else the liaison office (a department of that kind) of the triaging
    region, when it has one."""
    if source == Source.CADRE:
        from org.models import Cadre

        cadre = Cadre.objects.filter(user_id=actor.pk).select_related("department").first()
        if cadre is not None and cadre.department_id:
            return cadre.department
        return actor.department if actor.department_id else None
    if region is None:
        return None
    return (
        Department.objects.filter(
            kind=Department.Kind.LIAISON_OFFICE, region=region, is_active=True
        )
        .order_by("pk")
        .first()
    )


@transaction.atomic
def ticket_submit(
    *,
    actor,
    enterprise: Enterprise,
    category: Category,
    title: str,
    description: str,
    source: str,
    urgency: str = Urgency.NORMAL,
    project: KeyProject | None = None,
    consent_to_share: bool = False,
) -> Ticket:
    """Collect a problem (收集). The actor must be able to see the enterprise's tickets: its
    liaison person, a cadre who serves it through a current link, or the office of its area
    (submittable_enterprises); it never creates a ticket it then cannot open."""
    if not submittable_enterprises(actor).filter(pk=enterprise.pk).exists():
        raise TicketError(_("You cannot submit problems for this enterprise."))
    if project is not None and project.owner_id not in (None, enterprise.pk):
        raise TicketError(_("This project does not belong to the enterprise."))
    title, description = title.strip(), description.strip()
    if not title or not description:
        raise TicketError(_("Give the problem a title and a description."))
    # Numbers are allocated under a lock on the year's last ticket, so that two submissions
    # at once never take the same number.
    list(
        Ticket.objects.select_for_update()
        .filter(number__startswith=f"SQ{_today().year}")
        .order_by("-number")[:1]
    )
    region = _received_by(actor, enterprise)
    ticket = Ticket.objects.create(
        number=_next_number(),
        triage_region=region,
        first_unit=_first_unit(actor, source, region),
        enterprise=enterprise,
        project=project,
        source=source,
        category=category,
        title=title[:120],
        description=description,
        urgency=urgency,
        consent_to_share=consent_to_share,
        submitted_by=actor,
    )
    TicketEvent.objects.create(
        ticket=ticket,
        action=Action.SUBMIT,
        from_state="",
        to_state=State.SUBMITTED,
        actor=actor,
        actor_role=Actor.ENTERPRISE if source == Source.ENTERPRISE else Actor.OFFICE,
        note="",
        created_at=timezone.now(),
    )
    if not tickets_for_user(actor).filter(pk=ticket.pk).exists():
        # Rolled back with the transaction: the two scopes must never disagree.
        raise TicketError(_("You cannot submit problems for this enterprise."))
    return ticket


def check_assignable(*, departments, lead, co_departments=()) -> None:
    """Refuse a lead or co-handling department outside `departments` (inactive, or outside the
    assigner's area) with a message that names none of them."""
    wanted = {lead.pk, *(d.pk for d in co_departments)}
    allowed = set(departments.filter(pk__in=wanted).values_list("pk", flat=True))
    if lead.pk not in allowed:
        raise TicketError(_("Choose the lead department from the departments offered to you."))
    if wanted - allowed:
        raise TicketError(
            _("Choose the co-handling departments from the departments offered to you.")
        )


def co_handling_note(note: str, co_departments) -> str:
    """The note of an assignment, naming its co-handling departments for the timeline."""
    names = "、".join(d.name for d in co_departments)
    if not names:
        return note
    line = _("Co-handling departments: %(names)s") % {"names": names}
    return f"{note}\n{line}" if note else line


@transaction.atomic
def ticket_assign(
    *,
    actor,
    ticket: Ticket,
    department: Department,
    co_departments=(),
    note: str = "",
    working_days: int | None = None,
) -> Ticket:
    """Send an assignment slip (交办单) to the lead department with a deadline in working days.
    From a returned slip this reassigns (or overrules, with the same department). The lead and
    co-handling departments come from assignable_departments(actor); the slip, the
    co-handling departments and the timeline's entry naming them are one transaction."""
    role = _as(actor, ticket, Actor.OFFICE, Actor.GROUP, Actor.LEADER, action=Action.ASSIGN)
    co_departments = [d for d in co_departments if d.pk != department.pk]
    check_assignable(
        departments=assignable_departments(actor, ticket),
        lead=department,
        co_departments=co_departments,
    )
    changes = assignment_changes(ticket, department, working_days)
    # The timeline names where the slip went and by when, whatever the note says.
    slip = _("Assigned to %(department)s, due %(due)s.") % {
        "department": department.name,
        "due": changes["due_date"].isoformat(),
    }
    ticket = apply_transition(
        ticket,
        action=Action.ASSIGN,
        actor_user=actor,
        actor_role=role,
        note=co_handling_note(f"{slip}\n{note.strip()}".strip(), co_departments),
        changes=changes,
    )
    ticket.co_departments.set(co_departments)
    return ticket


def report_deadline() -> datetime.date:
    from django.conf import settings

    return add_working_days(_today(), settings.REPORT_DUE_WORKING_DAYS)


def ticket_report(*, actor, ticket: Ticket, leader, reason: str) -> Ticket:
    """A matter spanning departments goes as an escalation report (呈报单) to the named city
    leader (one of reportable_leaders(actor)), to be answered within REPORT_DUE_WORKING_DAYS;
    the sweep reminds the leader as the date nears and passes."""
    reason = required(reason, _("Say why the matter goes to a city leader."))
    role = _as(actor, ticket, Actor.OFFICE, action=Action.REPORT)
    if leader is None or not reportable_leaders(actor).filter(pk=leader.pk).exists():
        raise TicketError(_("Choose the city leader from the leaders offered to you."))
    due = report_deadline()
    line = _("To %(leader)s, answer due %(due)s.") % {
        "leader": leader.get_display_name(),
        "due": due.isoformat(),
    }
    return apply_transition(
        ticket,
        action=Action.REPORT,
        actor_user=actor,
        actor_role=role,
        note=f"{line}\n{reason}",
        changes={
            "reported_to": leader,
            "report_due": due,
            "report_due_soon_notified": False,
            "report_overdue_notified": False,
        },
    )


def can_pass_up(user, ticket: Ticket) -> bool:
    """A county (or town) office that triages `ticket` may pass it one level up."""
    region = getattr(user, "region", None)
    return bool(
        region is not None
        and region.parent_id is not None
        and not user.is_superuser
        and Actor.OFFICE in capacities(user, ticket)
        and (here := triage_region(ticket)) is not None
        and here.path.startswith(region.path)
        and here.parent_id is not None
    )


def ticket_pass_up(*, actor, ticket: Ticket, reason: str) -> Ticket:
    """A county office passes a ticket it cannot settle up to the office one level above
    (contact person → unit → liaison office → city): that office now triages it, and is told."""
    reason = required(reason, _("Say why the ticket goes to the office above."))
    ticket = Ticket.objects.select_related("triage_region", "enterprise__region").get(pk=ticket.pk)
    role = _as(actor, ticket, Actor.OFFICE, action=Action.PASS_UP)
    if not can_pass_up(actor, ticket):
        raise InvalidTransition(_("Only the county office that triages a ticket passes it up."))
    above = triage_region(ticket).parent
    return apply_transition(
        ticket,
        action=Action.PASS_UP,
        actor_user=actor,
        actor_role=role,
        note=_("To the office of %(region)s: %(reason)s")
        % {"region": above.name, "reason": reason},
        changes={"triage_region": above},
    )


def ticket_reclassify(*, actor, ticket: Ticket, category: Category, note: str = "") -> Ticket:
    """The office corrects the category during triage; the timeline says from what to what,
    and the deadline rule of the new category applies when it is assigned."""
    ticket = Ticket.objects.select_related("category").get(pk=ticket.pk)
    role = _as(actor, ticket, Actor.OFFICE, action=Action.RECLASSIFY)
    if category is None or category.pk == ticket.category_id:
        raise TicketError(_("Choose a category other than the current one."))
    line = _("Category: %(old)s → %(new)s") % {
        "old": ticket.category.display_name,
        "new": category.display_name,
    }
    return apply_transition(
        ticket,
        action=Action.RECLASSIFY,
        actor_user=actor,
        actor_role=role,
        note=f"{line}\n{note.strip()}".strip(),
        changes={"category": category},
    )


def ticket_to_meeting(*, actor, ticket: Ticket, note: str = "") -> Ticket:
    """The office sends an escalated ticket that no special group covers to the standing
    meeting (a group's members decide theirs in the group's meeting)."""
    return apply_transition(
        ticket,
        action=Action.TO_MEETING,
        actor_user=actor,
        actor_role=_as(actor, ticket, Actor.OFFICE, action=Action.TO_MEETING),
        note=note,
    )


def ticket_acknowledge(*, actor, ticket: Ticket, note: str = "") -> Ticket:
    return apply_transition(
        ticket,
        action=Action.ACKNOWLEDGE,
        actor_user=actor,
        actor_role=_as(actor, ticket, Actor.DEPARTMENT, action=Action.ACKNOWLEDGE),
        note=note,
    )


def ticket_return(*, actor, ticket: Ticket, reason: str) -> Ticket:
    reason = required(reason, _("Say why the slip is returned."))
    return apply_transition(
        ticket,
        action=Action.RETURN,
        actor_user=actor,
        actor_role=_as(actor, ticket, Actor.DEPARTMENT, action=Action.RETURN),
        note=reason,
    )


def ticket_decline(*, actor, ticket: Ticket, reason: str) -> Ticket:
    reason = required(reason, _("Choose or write the reason it is not accepted."))
    return apply_transition(
        ticket,
        action=Action.DECLINE,
        actor_user=actor,
        actor_role=_as(actor, ticket, Actor.OFFICE, action=Action.DECLINE),
        note=reason,
        changes={"closed_at": timezone.now()},
    )


def ticket_merge(*, actor, ticket: Ticket, into: Ticket, note: str = "") -> Ticket:
    if into.pk == ticket.pk or into.enterprise_id != ticket.enterprise_id:
        raise TicketError(_("A ticket merges into another open ticket of the same enterprise."))
    if into.state not in OPEN_STATES:
        raise TicketError(_("%(number)s is no longer open.") % {"number": into.number})
    return apply_transition(
        ticket,
        action=Action.MERGE,
        actor_user=actor,
        actor_role=_as(actor, ticket, Actor.OFFICE, action=Action.MERGE),
        note=note,
        changes={"merged_into": into, "closed_at": timezone.now()},
    )


def ticket_request_info(*, actor, ticket: Ticket, question: str) -> Ticket:
    """Ask the enterprise for more material; the deadline clock stops until it answers."""
    question = required(question, _("Say what information is needed."))
    return apply_transition(
        ticket,
        action=Action.REQUEST_INFO,
        actor_user=actor,
        actor_role=_as(actor, ticket, Actor.DEPARTMENT, action=Action.REQUEST_INFO),
        note=question,
        changes={"paused_since": _today()},
    )


def ticket_provide_info(*, actor, ticket: Ticket, answer: str) -> Ticket:
    """The enterprise answers; the deadline moves by the working days the clock stood still."""
    answer = required(answer, _("Write the information asked for."))
    ticket = Ticket.objects.get(pk=ticket.pk)
    changes = {"paused_since": None}
    if ticket.paused_since and ticket.due_date:
        stopped = working_days_between(ticket.paused_since, _today())
        if stopped:
            # A later deadline is a new one: its notices (and the supervision that follows
            # them) start afresh, or the sweep would escalate a ticket no longer late.
            changes.update(fresh_deadline(add_working_days(ticket.due_date, stopped)))
    return apply_transition(
        ticket,
        action=Action.PROVIDE_INFO,
        actor_user=actor,
        actor_role=_as(actor, ticket, Actor.ENTERPRISE, action=Action.PROVIDE_INFO),
        note=answer,
        changes=changes,
    )


def ticket_reply(*, actor, ticket: Ticket, outcome: str) -> Ticket:
    """The department's outcome (办理结果), straight to the enterprise. An urgent ticket's
    reply goes through ticket_submit_reply (the table's guard refuses it here)."""
    outcome = required(outcome, _("Write the outcome."))
    return apply_transition(
        ticket,
        action=Action.REPLY,
        actor_user=actor,
        actor_role=_as(actor, ticket, Actor.DEPARTMENT, action=Action.REPLY),
        note=outcome,
        changes={"outcome": outcome, "replied_at": timezone.now()},
    )


def ticket_submit_reply(*, actor, ticket: Ticket, outcome: str) -> Ticket:
    """An urgent ticket's outcome, submitted to the department head for sign-off."""
    outcome = required(outcome, _("Write the outcome."))
    return apply_transition(
        ticket,
        action=Action.SUBMIT_REPLY,
        actor_user=actor,
        actor_role=_as(actor, ticket, Actor.DEPARTMENT, action=Action.SUBMIT_REPLY),
        note=outcome,
        changes={"outcome": outcome},
    )


def ticket_sign_off(*, actor, ticket: Ticket, note: str = "") -> Ticket:
    return apply_transition(
        ticket,
        action=Action.SIGN_OFF,
        actor_user=actor,
        actor_role=_as(actor, ticket, Actor.HEAD, action=Action.SIGN_OFF),
        note=note,
        changes={"replied_at": timezone.now()},
    )


def ticket_send_back(*, actor, ticket: Ticket, reason: str) -> Ticket:
    reason = required(reason, _("Say what must be redone."))
    return apply_transition(
        ticket,
        action=Action.SEND_BACK,
        actor_user=actor,
        actor_role=_as(actor, ticket, Actor.HEAD, Actor.OFFICE, action=Action.SEND_BACK),
        note=reason,
        changes={"replied_at": None},
    )


def ticket_rate(
    *, actor, ticket: Ticket, rating: int, satisfied: bool, comment: str = ""
) -> Ticket:
    """The enterprise rates the outcome. Satisfied closes the ticket. Not satisfied (with a
    reason) reopens it once, to the same department with a fresh deadline; a second
    dissatisfaction is reworked a level higher: the special group, the office alerted. A
    dissatisfied rating is never recorded as a confirmation."""
    if rating not in range(1, 6):
        raise TicketError(_("Rate from 1 to 5."))
    comment = (comment or "").strip()
    if not satisfied:
        comment = required(comment, _("Say why you are not satisfied."))
    role = _as(actor, ticket, Actor.ENTERPRISE)
    ticket = Ticket.objects.get(pk=ticket.pk)
    rated = {"rating": rating, "rating_comment": comment}
    if satisfied:
        return apply_transition(
            ticket,
            action=Action.CONFIRM,
            actor_user=actor,
            actor_role=role,
            note=comment,
            changes={**rated, "closed_at": timezone.now()},
        )
    if ticket.reopen_count == 0:
        days = deadline_days(category=ticket.category, urgency=ticket.urgency)
        return apply_transition(
            ticket,
            action=Action.REOPEN,
            actor_user=actor,
            actor_role=role,
            note=comment,
            changes={
                **rated,
                "reopen_count": ticket.reopen_count + 1,
                **fresh_deadline(add_working_days(_today(), days)),
            },
        )
    return apply_transition(
        ticket,
        action=Action.REWORK,
        actor_user=actor,
        actor_role=role,
        note=comment,
        changes={**rated, "reopen_count": ticket.reopen_count + 1},
    )


def ticket_withdraw(*, actor, ticket: Ticket, reason: str) -> Ticket:
    reason = required(reason, _("Say why the problem is withdrawn."))
    return apply_transition(
        ticket,
        action=Action.WITHDRAW,
        actor_user=actor,
        actor_role=_as(actor, ticket, Actor.ENTERPRISE, action=Action.WITHDRAW),
        note=reason,
        changes={"closed_at": timezone.now()},
    )


def ticket_request_extension(
    *, actor, ticket: Ticket, working_days: int | None, reason: str
) -> Ticket:
    """The department asks, once, for more working days; the office decides."""
    if not working_days or not 1 <= working_days <= 60:
        raise TicketError(_("Ask for 1 to 60 more working days."))
    reason = required(reason, _("Say why more time is needed."))
    return apply_transition(
        ticket,
        action=Action.REQUEST_EXTENSION,
        actor_user=actor,
        actor_role=_as(actor, ticket, Actor.DEPARTMENT, action=Action.REQUEST_EXTENSION),
        note=reason,
        changes={"extension_days": working_days},
    )


def ticket_decide_extension(*, actor, ticket: Ticket, approve: bool, note: str = "") -> Ticket:
    ticket = Ticket.objects.get(pk=ticket.pk)
    changes = {"extension_days": None, "extension_used": True}
    if approve and ticket.extension_days and ticket.due_date:
        changes.update(fresh_deadline(add_working_days(ticket.due_date, ticket.extension_days)))
    verdict = _("Extension approved.") if approve else _("Extension refused.")
    return apply_transition(
        ticket,
        action=Action.DECIDE_EXTENSION,
        actor_user=actor,
        actor_role=_as(actor, ticket, Actor.OFFICE, action=Action.DECIDE_EXTENSION),
        note=f"{verdict} {note}".strip(),
        changes=changes,
    )


def ticket_escalate(*, actor, ticket: Ticket, note: str = "") -> Ticket:
    return apply_transition(
        ticket,
        action=Action.ESCALATE,
        actor_user=actor,
        actor_role=_as(
            actor, ticket, Actor.DEPARTMENT, Actor.OFFICE, Actor.LEADER, action=Action.ESCALATE
        ),
        note=note,
    )


__all__ = [
    "InvalidTransition",
    "TicketError",
    "ticket_acknowledge",
    "ticket_assign",
    "ticket_decline",
    "ticket_escalate",
    "ticket_merge",
    "ticket_provide_info",
    "ticket_rate",
    "ticket_reply",
    "ticket_request_info",
    "ticket_return",
    "ticket_send_back",
    "ticket_sign_off",
    "ticket_submit",
    "ticket_submit_reply",
    "ticket_withdraw",
    "tickets_for_user",
]


def attachment_add(*, actor, ticket: Ticket, upload):
    """Attach a file to a ticket the actor may act on (or submitted). Its type is judged by its
    content; anything else is refused with the reason, and nothing is stored."""
    from django.core.files.base import ContentFile

    from org.uploads import UploadRefused, accept

    from .models import Attachment

    # Only those who take part: a capacity on the ticket (a leader's while it is reported to
    # it, a grant to act), or its submitter while it still sees it.
    if not tickets_for_user(actor).filter(pk=ticket.pk).exists():
        raise TicketError(_("You cannot add files to this ticket."))
    if not capacities(actor, ticket) and ticket.submitted_by_id != actor.pk:
        raise TicketError(_("You cannot add files to this ticket."))
    try:
        accepted = accept(upload)
    except UploadRefused as exc:
        raise TicketError(str(exc)) from exc
    attachment = Attachment(
        ticket=ticket,
        original_name=accepted.name,
        extension=accepted.extension,
        content_type=accepted.content_type,
        size=len(accepted.data),
        uploaded_by=actor,
    )
    attachment.file.save("upload", ContentFile(accepted.data), save=False)
    attachment.save()
    return attachment


CALLBACK_STATES = (State.CLOSED, State.WITHDRAWN)


def callback_sample(*, user, size: int = 20, seed: int | None = None):
    """A random sample of the area's tickets closed or withdrawn in the last 30 days and not
    yet called back — withdrawals first, since they can hide pressure on the enterprise."""
    import random

    since = timezone.now() - datetime.timedelta(days=30)
    candidates = list(
        tickets_for_user(user)
        .filter(state__in=CALLBACK_STATES, closed_at__gte=since, callbacks__isnull=True)
        .values_list("pk", "state")
    )
    rng = random.Random(seed)  # noqa: S311 - sampling, not security
    withdrawn = [pk for pk, state in candidates if state == State.WITHDRAWN]
    closed = [pk for pk, state in candidates if state == State.CLOSED]
    chosen = withdrawn[:size] + rng.sample(closed, min(len(closed), max(0, size - len(withdrawn))))
    return (
        Ticket.objects.filter(pk__in=chosen)
        .select_related("enterprise", "lead_department")
        .order_by("-closed_at")
    )


def callback_record(*, actor, ticket: Ticket, confirmed: bool, note: str = ""):
    from .models import CallBack

    if Actor.OFFICE not in capacities(actor, ticket):
        raise TicketError(_("Call-backs are recorded by the liaison office."))
    if ticket.state not in CALLBACK_STATES:
        raise TicketError(_("Only closed or withdrawn tickets are called back."))
    return CallBack.objects.create(
        ticket=ticket, confirmed=confirmed, note=note.strip(), called_by=actor
    )
