"""Beat runs the meetings' rhythm every morning (editable under Periodic tasks)."""

from django.db import migrations


def forwards(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    morning, _ = CrontabSchedule.objects.get_or_create(
        minute="30",
        hour="6",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Asia/Shanghai",
    )
    PeriodicTask.objects.get_or_create(
        name="Meeting rhythm (会议节奏)",
        defaults={"task": "issues.tasks.meeting_rhythm", "crontab": morning},
    )


def backwards(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        task="issues.tasks.meeting_rhythm"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("issues", "0013_meeting_rhythm"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
