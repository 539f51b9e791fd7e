"""The meetings' rhythm: special groups meet weekly or every two weeks, the standing meeting
monthly (001). Celery beat runs `meeting_rhythm()` once a day:

1. it drafts each active group's next meeting from its cadence, and each standing meeting's
   next month, when none is planned, with the current queue as the agenda;
2. it brings planned agendas up to date with what has reached the queue since;
3. it reminds the members (the office, for the standing meeting) one working day before;
4. it flags to the office a meeting whose date passed without minutes.

Idempotent: a second run the same day changes nothing. The loops run over groups and regions
(tens), never over tickets; the reminders and flags are one UPDATE each.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from notifications.services import send
from org.calendar import Calendar
from org.models import Region, User
from org.scoping import office_users_above

from .models import AgendaItem, Meeting, SpecialGroup

CADENCE_DAYS = {SpecialGroup.Cadence.WEEKLY: 7, SpecialGroup.Cadence.BIWEEKLY: 14}


@dataclass
class RhythmResult:
    drafted: list[int] = field(default_factory=list)
    added_items: int = 0
    reminded: int = 0
    missed: int = 0

    @property
    def counts(self) -> dict:
        return {
            "drafted": len(self.drafted),
            "added_items": self.added_items,
            "reminded": self.reminded,
            "missed": self.missed,
        }


def add_month(day: datetime.date) -> datetime.date:
    month = day.month % 12 + 1
    year = day.year + (day.month == 12)
    for last in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=last)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def first_working_day(calendar: Calendar, day: datetime.date) -> datetime.date:
    while not calendar.is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def next_date(
    *, last: datetime.date | None, cadence: str | None, today: datetime.date, calendar: Calendar
) -> datetime.date:
    """The next meeting's date: a cadence after the last meeting (a month for the standing
    meeting), never before tomorrow, moved to a working day."""
    earliest = today + datetime.timedelta(days=1)
    if last is None:
        wanted = earliest
    elif cadence is None:
        wanted = add_month(last)
    else:
        wanted = last + datetime.timedelta(days=CADENCE_DAYS.get(cadence, 7))
    return first_working_day(calendar, max(wanted, earliest))


def standing_regions():
    """Where a standing meeting sits: the city (a root region) and every region that held one
    before (a county that mirrors the city's process)."""
    held = Meeting.objects.filter(kind=Meeting.Kind.STANDING).values("region_id")
    return Region.objects.filter(Q(parent__isnull=True) | Q(pk__in=held))


def _queue(*, group, region):
    from .meetings import queue

    return queue(group=group, region=region)


def _draft(*, group, region, today, calendar) -> Meeting | None:
    meetings = Meeting.objects.filter(
        group=group, region=region, kind=Meeting.Kind.GROUP if group else Meeting.Kind.STANDING
    )
    if meetings.filter(status=Meeting.Status.PLANNED).exists():
        return None
    last = meetings.order_by("-held_on").values_list("held_on", flat=True).first()
    held_on = next_date(
        last=last, cadence=group.cadence if group else None, today=today, calendar=calendar
    )
    from .meetings import meeting_with_agenda

    return meeting_with_agenda(group=group, region=region, held_on=held_on, drafted=True)


def _members(meeting: Meeting) -> list[User]:
    if meeting.group_id:
        group = meeting.group
        users = list(group.members.filter(is_active=True))
        if group.leader_id and group.leader.is_active and group.leader not in users:
            users.append(group.leader)
        return users
    return _office_of(meeting.region)


def _office_of(region: Region) -> list[User]:
    """The liaison office of `region` and of the regions above it."""
    return list(office_users_above(region.path))


def meeting_rhythm(*, today: datetime.date | None = None) -> RhythmResult:
    today = today or timezone.localdate()
    calendar = Calendar(today - datetime.timedelta(days=60), today + datetime.timedelta(days=60))
    result = RhythmResult()
    with transaction.atomic():
        # 1. Draft what has no planned meeting.
        for group in SpecialGroup.objects.filter(is_active=True).select_related("region"):
            meeting = _draft(group=group, region=group.region, today=today, calendar=calendar)
            if meeting:
                result.drafted.append(meeting.pk)
        for region in standing_regions():
            meeting = _draft(group=None, region=region, today=today, calendar=calendar)
            if meeting:
                result.drafted.append(meeting.pk)
        # 2. Planned agendas take in what reached the queue since they were drafted.
        upcoming = Meeting.objects.filter(
            status=Meeting.Status.PLANNED, held_on__gte=today
        ).select_related("group", "region")
        for meeting in upcoming:
            if meeting.pk in result.drafted:
                continue
            new = [
                AgendaItem(meeting=meeting, ticket=t)
                for t in _queue(group=meeting.group, region=meeting.region)
            ]
            AgendaItem.objects.bulk_create(new)
            result.added_items += len(new)
    # 3. Reminders one working day before, once.
    tomorrow = calendar.add(today, 1)
    due = Meeting.objects.filter(
        status=Meeting.Status.PLANNED,
        reminded_at__isnull=True,
        held_on__gt=today,
        held_on__lte=tomorrow,
    ).select_related("group__leader", "region")
    for meeting in due:
        with transaction.atomic():
            claimed = Meeting.objects.filter(pk=meeting.pk, reminded_at__isnull=True).update(
                reminded_at=timezone.now()
            )
            if not claimed:
                continue
            items = meeting.items.count()
            # Written in each recipient's language (send() calls these once per language).
            send(
                recipients=_members(meeting),
                kind="meeting.reminder",
                title=lambda m=meeting: (
                    _("Meeting on %(date)s: %(meeting)s")
                    % {"date": m.held_on.isoformat(), "meeting": m}
                ),
                body=lambda n=items: (
                    ngettext(
                        "%(count)d problem is on the agenda.",
                        "%(count)d problems are on the agenda.",
                        n,
                    )
                    % {"count": n}
                ),
                url=meeting.get_absolute_url(),
            )
            result.reminded += 1
    # 4. A date more than a working day past, still without minutes, is flagged to the office, once.
    overdue = Meeting.objects.filter(
        status=Meeting.Status.PLANNED,
        missed_flagged_at__isnull=True,
        held_on__lt=calendar.subtract(today, 1),
    ).select_related("group", "region")
    for meeting in overdue:
        with transaction.atomic():
            claimed = Meeting.objects.filter(pk=meeting.pk, missed_flagged_at__isnull=True).update(
                missed_flagged_at=timezone.now()
            )
            if not claimed:
                continue
            waiting = meeting.items.filter(decision=AgendaItem.Decision.PENDING).count()
            send(
                recipients=_office_of(meeting.region),
                kind="meeting.missed",
                title=lambda m=meeting: (
                    _("No minutes for the meeting of %(date)s: %(meeting)s")
                    % {"date": m.held_on.isoformat(), "meeting": m}
                ),
                body=lambda n=waiting: (
                    ngettext(
                        "Its %(count)d problem is still waiting. Hold the meeting and record the "
                        "minutes, or close it with a note.",
                        "Its %(count)d problems are still waiting. Hold the meeting and record the "
                        "minutes, or close it with a note.",
                        n,
                    )
                    % {"count": n}
                ),
                url=meeting.get_absolute_url(),
            )
            result.missed += 1
    return result
