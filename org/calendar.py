"""The working-day calendar: Monday to Friday, minus public holidays, plus make-up working days
(调休) — as the admin maintains them in CalendarDay. Deadlines in working days count on it."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from .models import CalendarDay

# A deadline of N working days never needs to look further ahead than this.
_HORIZON_FACTOR = 3
_MIN_HORIZON = 40


class Calendar:
    """The exceptions of a date range, read in one query; answers any number of questions."""

    def __init__(self, start: datetime.date, end: datetime.date):
        self.start, self.end = start, end
        self.exceptions = dict(
            CalendarDay.objects.filter(date__range=(start, end)).values_list(
                "date", "is_working_day"
            )
        )

    @classmethod
    def around(cls, day: datetime.date, working_days: int = 0) -> Calendar:
        span = max(_MIN_HORIZON, abs(working_days) * _HORIZON_FACTOR)
        return cls(day - datetime.timedelta(days=span), day + datetime.timedelta(days=span))

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.exceptions:
            return self.exceptions[day]
        return day.weekday() < 5

    def add(self, start: datetime.date, working_days: int) -> datetime.date:
        """The working day that is `working_days` working days after `start` (start itself not
        counted). add(Friday, 1) is the next Monday, unless that is a holiday."""
        day = start
        remaining = working_days
        while remaining > 0:
            day += datetime.timedelta(days=1)
            if day > self.end:
                raise ValueError("beyond the calendar range read")
            if self.is_working_day(day):
                remaining -= 1
        return day

    def subtract(self, start: datetime.date, working_days: int) -> datetime.date:
        """The working day `working_days` working days before `start`."""
        day = start
        remaining = working_days
        while remaining > 0:
            day -= datetime.timedelta(days=1)
            if day < self.start:
                raise ValueError("before the calendar range read")
            if self.is_working_day(day):
                remaining -= 1
        return day

    def between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after `start` up to and including `end` (0 when end <= start)."""
        count, day = 0, start
        while day < end:
            day += datetime.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


def add_working_days(start: datetime.date, working_days: int) -> datetime.date:
    return Calendar.around(start, working_days).add(start, working_days)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    if end <= start:
        return 0
    return Calendar(start, end).between(start, end)


@dataclass
class CalendarImportResult:
    created: int = 0
    updated: int = 0
    problems: list[tuple[int, str]] | None = None


KIND_WORDS = {
    "holiday": False,
    "假": False,
    "休": False,
    "放假": False,
    "workday": True,
    "班": True,
    "上班": True,
    "调休上班": True,
}


def calendar_import(text: str) -> CalendarImportResult:
    """Import lines `date,kind,name` (kind: holiday/放假 or workday/上班); all or nothing."""
    result = CalendarImportResult(problems=[])
    rows = []
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or not "".join(row).strip() or row[0].strip().startswith("#"):
            continue
        if len(row) < 2:
            result.problems.append((number, _("Write: date,kind,name.")))
            continue
        try:
            day = datetime.date.fromisoformat(row[0].strip())
        except ValueError:
            result.problems.append(
                (number, _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": row[0]})
            )
            continue
        kind = row[1].strip().lower()
        if kind not in KIND_WORDS:
            result.problems.append(
                (
                    number,
                    _("The kind must be holiday (放假) or workday (上班), not “%(value)s”.")
                    % {"value": row[1]},
                )
            )
            continue
        name = (row[2].strip() if len(row) > 2 else "")[:50] or (
            _("Holiday") if not KIND_WORDS[kind] else _("Make-up working day")
        )
        rows.append((day, KIND_WORDS[kind], name))
    if result.problems:
        return result
    with transaction.atomic():
        for day, working, name in rows:
            _obj, created = CalendarDay.objects.update_or_create(
                date=day, defaults={"is_working_day": working, "name": name}
            )
            if created:
                result.created += 1
            else:
                result.updated += 1
    return result
