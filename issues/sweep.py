"""The escalation sweep (督办): run by Celery beat every 15 minutes.

Set-based and idempotent: each step selects the tickets that newly meet its condition (a flag
or a timestamp on the ticket says what was already done), handles them in bounded batches with
one query per batch for the rows, one for the recipients, one INSERT of notices and one UPDATE
— so its cost grows with the rows it changes, never with the number of tickets, and a second
run the same day changes nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy, gettext_noop

from notifications.services import fan_out, notify_many
from org.calendar import Calendar
from org.models import User
from org.roles import Role
from org.scoping import office_index

from .models import SupervisionNotice, Ticket
from .permissions import group_cover_index
from .workflow import CLOCK_STATES, Action, State, apply_bulk

BATCH = 1000
ROW_FIELDS = ("pk", "number", "title", "lead_department_id", "due_date", "enterprise__region__path")


@dataclass
class SweepResult:
    counts: dict = field(default_factory=dict)

    def add(self, step: str, n: int) -> None:
        self.counts[step] = self.counts.get(step, 0) + n


def _batches(queryset, fields=ROW_FIELDS):
    """Rows of a step, a batch at a time; each batch is marked done before the next is read,
    so the same filter moves on by itself."""
    while True:
        rows = list(queryset.order_by("pk").values_list(*fields)[:BATCH])
        if not rows:
            return
        yield rows


def _department_users(department_ids, *, heads_only=False):
    users = User.objects.filter(
        department_id__in=set(department_ids), is_active=True, groups__name=Role.DEPARTMENT
    )
    if heads_only:
        users = users.filter(is_department_head=True)
    by_department: dict[int, list[tuple[int, str]]] = {}
    for pk, department_id, language in users.values_list("pk", "department_id", "language"):
        by_department.setdefault(department_id, []).append((pk, language))
    return by_department


def _in(language, title, body) -> tuple[str, str]:
    with translation.override(language):
        return str(title), str(body)


def _messages(rows, recipients_for, *, kind, title, body):
    """Each recipient's notices in its language: `title` and `body` are lazy translations,
    rendered once per language."""
    detail = reverse("issues:detail", args=[0]).removesuffix("0/")  # one reverse() a batch
    texts: dict[str, tuple[str, str]] = {}
    messages = []
    for row in rows:
        pk, number, subject, _department, due, _path = row[:6]
        for user_id, language in recipients_for(row):
            if language not in texts:
                texts[language] = _in(language, title, body)
            title_text, body_text = texts[language]
            messages.append(
                {
                    "recipient_id": user_id,
                    "kind": kind,
                    "title": (title_text % {"number": number, "title": subject})[:200],
                    "body": body_text % {"due": due},
                    "url": f"{detail}{pk}/",
                }
            )
    return messages


def _notify(rows, recipients_for, **text) -> None:
    """In-app notices, then e-mail digests and one message per department's group bot."""
    messages = _messages(rows, recipients_for, **text)
    notify_many(messages)
    # Group bots have no language of their own: the portal's default.
    bot_title, _body = _in(settings.LANGUAGE_CODE, text["title"], text["body"])
    digests: dict[int, list[str]] = {}
    for row in rows:
        if row[3]:
            digests.setdefault(row[3], []).append(bot_title % {"number": row[1], "title": row[2]})
    fan_out(messages, department_texts={d: "\n".join(lines) for d, lines in digests.items()})


def _remind_departments(queryset, result, *, step, kind, title, body, done) -> None:
    """Notify each ticket's department, batch by batch, marking the batch `done`."""
    for rows in _batches(queryset):
        users = _department_users(r[3] for r in rows)
        # A batch's notices and its mark are one: a retried sweep never sends them twice.
        with transaction.atomic():
            _notify(
                rows,
                lambda r, users=users: users.get(r[3], []),
                kind=kind,
                title=title,
                body=body,
            )
            Ticket.objects.filter(pk__in=[r[0] for r in rows]).update(**done)
        result.add(step, len(rows))


REPORT_FIELDS = (
    "pk",
    "number",
    "title",
    # No department's group bot hears of a report: the slot of the department stays empty.
    "pk",
    "report_due",
    "enterprise__region__path",
    "reported_to_id",
    "reported_to__language",
    "reported_to__is_active",
)


def _remind_reports(today, soon, result) -> None:
    reported = Ticket.objects.filter(state=State.REPORTED, reported_to__isnull=False)
    steps = (
        (
            reported.filter(
                report_due__gte=today, report_due__lte=soon, report_due_soon_notified=False
            ),
            "report_due_soon",
            "ticket.report_due_soon",
            gettext_lazy("Escalation report %(number)s is due soon: %(title)s"),
            gettext_lazy("Please give instructions by %(due)s."),
            {"report_due_soon_notified": True},
            False,
        ),
        (
            reported.filter(report_due__lt=today, report_overdue_notified=False),
            "report_overdue",
            "ticket.report_overdue",
            gettext_lazy("Escalation report %(number)s is overdue: %(title)s"),
            gettext_lazy("Instructions were due %(due)s."),
            {"report_overdue_notified": True, "report_due_soon_notified": True},
            True,
        ),
    )
    offices = None
    for queryset, step, kind, title, body, done, tell_office in steps:
        for rows in _batches(queryset, REPORT_FIELDS):
            if tell_office and offices is None:
                offices = office_index()

            def recipients(row, offices=offices, tell_office=tell_office):
                leader = [(row[6], row[7])] if row[8] else []
                if not tell_office:
                    return leader
                return leader + [
                    (pk, lang) for pk, path, lang in offices if row[5].startswith(path)
                ]

            rows = [(*r[:3], None, *r[4:]) for r in rows]
            with transaction.atomic():
                _notify(rows, recipients, kind=kind, title=title, body=body)
                Ticket.objects.filter(pk__in=[r[0] for r in rows]).update(**done)
            result.add(step, len(rows))


def _tell_uncovered(ids, offices) -> None:
    """Of the tickets just escalated, those no active special group covers wait on no agenda:
    the office of their area is told to route them. One query for the groups, one for the
    rows."""
    if not ids:
        return
    index = group_cover_index()
    rows = [
        r[:6]
        for r in Ticket.objects.filter(pk__in=ids)
        .order_by("pk")
        .values_list(*ROW_FIELDS, "category_id")
        if not any(r[5].startswith(path) for path in index.get(r[6], ()))
    ]
    if rows:
        _notify(
            [(*r[:3], None, *r[4:]) for r in rows],
            lambda row: [(pk, lang) for pk, path, lang in offices if row[5].startswith(path)],
            kind="ticket.no_group",
            title=gettext_lazy("No special group covers %(number)s: the office routes it"),
            body=gettext_lazy("Assign it to a department or send it to the standing meeting."),
        )


def sweep(*, now: datetime.datetime | None = None) -> SweepResult:
    now = now or timezone.now()
    today = timezone.localdate(now)
    calendar = Calendar.around(today, 60)
    result = SweepResult()
    clock = Q(state__in=list(CLOCK_STATES), paused_since__isnull=True, due_date__isnull=False)

    # 1. Not acknowledged in time: remind the department.
    _remind_departments(
        Ticket.objects.filter(state=State.ASSIGNED, acknowledge_by__lt=today, ack_notified=False),
        result,
        step="acknowledge_reminders",
        kind="ticket.ack_late",
        title=gettext_lazy("Please acknowledge %(number)s: %(title)s"),
        body=gettext_lazy("The assignment slip has not been acknowledged; due %(due)s."),
        done={"ack_notified": True},
    )
    # 2. Due within one working day.
    soon = calendar.add(today, 1)
    _remind_departments(
        Ticket.objects.filter(
            clock, due_date__gte=today, due_date__lte=soon, due_soon_notified=False
        ),
        result,
        step="due_soon",
        kind="ticket.due_soon",
        title=gettext_lazy("%(number)s is due soon: %(title)s"),
        body=gettext_lazy("Due %(due)s."),
        done={"due_soon_notified": True},
    )
    # 3. Overdue.
    _remind_departments(
        Ticket.objects.filter(clock, due_date__lt=today, overdue_notified=False),
        result,
        step="overdue",
        kind="ticket.overdue",
        title=gettext_lazy("%(number)s is overdue: %(title)s"),
        body=gettext_lazy("It was due %(due)s."),
        done={"overdue_notified": True, "due_soon_notified": True},
    )

    # 4. Overdue by the margin: a supervision notice to the department head and the office.
    margin = settings.SUPERVISE_AFTER_WORKING_DAYS
    supervise_by = calendar.subtract(today, margin)
    to_supervise = Ticket.objects.filter(clock, due_date__lt=supervise_by, supervised_at=None)
    offices = None
    for rows in _batches(to_supervise):
        offices = offices if offices is not None else office_index()
        heads = _department_users((r[3] for r in rows), heads_only=True)

        def recipients(row, heads=heads, offices=offices):
            above = [(pk, lang) for pk, path, lang in offices if row[5].startswith(path)]
            return heads.get(row[3], []) + above

        with transaction.atomic():  # the notices, their messages and the mark: one
            SupervisionNotice.objects.bulk_create(
                [
                    SupervisionNotice(
                        ticket_id=r[0],
                        department_id=r[3],
                        due_date=r[4],
                        overdue_working_days=calendar.between(r[4], today),
                    )
                    for r in rows
                ]
            )
            _notify(
                rows,
                recipients,
                kind="ticket.supervision",
                title=gettext_lazy("Supervision notice: %(number)s %(title)s"),
                body=gettext_lazy(
                    "Overdue since %(due)s: the liaison office supervises its handling."
                ),
            )
            Ticket.objects.filter(pk__in=[r[0] for r in rows]).update(supervised_at=now)
        result.add("supervised", len(rows))

    # 5. Still unresolved a further margin after the supervision notice (counted from the
    #    notice, so that a department always has that long to act on it): to the group.
    noticed_before = datetime.datetime.combine(
        calendar.subtract(today, settings.ESCALATE_AFTER_WORKING_DAYS) + datetime.timedelta(days=1),
        datetime.time.min,
        tzinfo=timezone.get_current_timezone(),
    )
    to_escalate = Ticket.objects.filter(
        state__in=[State.ASSIGNED, State.IN_PROGRESS],
        paused_since__isnull=True,
        supervised_at__lt=noticed_before,
    )
    for rows in _batches(to_escalate):
        changed = apply_bulk(
            [r[0] for r in rows],
            action=Action.ESCALATE,
            # System notes are stored as msgids: the timeline shows them in the reader's language.
            note=gettext_noop("Escalated automatically: overdue after the supervision notice."),
        )
        offices = offices if offices is not None else office_index()
        _notify(
            [r for r in rows if r[0] in set(changed)],
            lambda row, offices=offices: [
                (pk, lang) for pk, path, lang in offices if row[5].startswith(path)
            ],
            kind="ticket.escalated",
            title=gettext_lazy("%(number)s went to the special group: %(title)s"),
            body=gettext_lazy("Overdue since %(due)s and still unresolved after supervision."),
        )
        _tell_uncovered(changed, offices)
        result.add("escalated", len(changed))
        if len(changed) < len(rows):  # rows locked by users: leave them to the next run
            break

    # 5b. Escalation reports (呈报单) due within a working day, then overdue: the leader is
    #     reminded; the office is told when one is overdue.
    _remind_reports(today, calendar.add(today, 1), result)

    # 6. Replied and unrated for the rating window: closed as "no response".
    window = now - datetime.timedelta(days=settings.RATING_WINDOW_DAYS)
    unrated = Ticket.objects.filter(state=State.REPLIED, replied_at__lt=window)
    while True:
        ids = list(unrated.order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not ids:
            break
        changed = apply_bulk(
            ids,
            action=Action.EXPIRE,
            note=gettext_noop("No rating within the rating window."),
            changes={"closed_at": now},
        )
        result.add("closed_unrated", len(changed))
        if len(changed) < len(ids):
            break
    return result
