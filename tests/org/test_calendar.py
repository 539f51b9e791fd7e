import datetime

import pytest
from django.core.management import call_command

from org.calendar import add_working_days, calendar_import, working_days_between
from org.models import CalendarDay

pytestmark = pytest.mark.django_db
D = datetime.date


def test_the_2026_preset_is_loaded():
    assert CalendarDay.objects.get(date=D(2026, 10, 1)).is_working_day is False
    assert CalendarDay.objects.get(date=D(2026, 10, 10)).is_working_day is True  # a Saturday


def test_plain_weeks_skip_weekends():
    # Thursday 12 March 2026 + 3 working days = Tuesday 17 March.
    assert add_working_days(D(2026, 3, 12), 3) == D(2026, 3, 17)
    assert add_working_days(D(2026, 3, 13), 1) == D(2026, 3, 16)  # Friday → Monday


def test_a_deadline_across_national_day_and_its_make_up_day():
    # Assigned on Tuesday 29 September with 5 working days: 30 Sep is the 1st, 1–7 October are
    # holidays, Thursday 8 and Friday 9 are the 2nd and 3rd, Saturday 10 October is a make-up
    # working day (4th), Monday 12 October the 5th.
    assert add_working_days(D(2026, 9, 29), 5) == D(2026, 10, 12)
    assert working_days_between(D(2026, 9, 29), D(2026, 10, 12)) == 5


def test_a_make_up_sunday_counts_and_a_weekday_holiday_does_not():
    # Friday 18 September + 1 → Sunday 20 September is a make-up working day.
    assert add_working_days(D(2026, 9, 18), 1) == D(2026, 9, 20)
    # Thursday 18 June + 1 → 19 June is the Dragon Boat holiday (Friday) → Monday 22 June.
    assert add_working_days(D(2026, 6, 18), 1) == D(2026, 6, 22)


def test_the_spring_festival_fortnight():
    assert add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)  # Saturday make-up day
    assert add_working_days(D(2026, 2, 14), 1) == D(2026, 2, 24)


def test_import_adds_and_updates_all_or_nothing(tmp_path):
    result = calendar_import("2027-01-01,holiday,元旦\n2026-10-10,放假,改为放假\n")
    assert (result.created, result.updated, result.problems) == (1, 1, [])
    assert CalendarDay.objects.get(date=D(2026, 10, 10)).is_working_day is False
    bad = calendar_import("2027-02-01,holiday,a\n2027-13-01,holiday,b\n2027-03-01,maybe,c\n")
    assert [line for line, _ in bad.problems] == [2, 3]
    assert not CalendarDay.objects.filter(date=D(2027, 2, 1)).exists()
    path = tmp_path / "cal.csv"
    path.write_text("# comment\n2027-05-01,holiday,劳动节\n", encoding="utf-8")
    call_command("import_calendar", str(path), verbosity=0)
    assert CalendarDay.objects.filter(date=D(2027, 5, 1)).exists()
