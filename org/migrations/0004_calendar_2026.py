"""The built-in working-day calendar for 2026 (org/data/calendar-2026.csv)."""

import csv
import datetime
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "calendar-2026.csv"


def forwards(apps, schema_editor):
    CalendarDay = apps.get_model("org", "CalendarDay")
    with DATA.open(encoding="utf-8") as handle:
        for row in csv.reader(line for line in handle if not line.startswith("#")):
            if not row:
                continue
            CalendarDay.objects.update_or_create(
                date=datetime.date.fromisoformat(row[0]),
                defaults={"is_working_day": row[1] == "workday", "name": row[2]},
            )


class Migration(migrations.Migration):
    dependencies = [("org", "0003_calendar")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
