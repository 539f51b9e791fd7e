"""Beat runs the escalation sweep every 15 minutes (editable under Periodic tasks)."""

from django.db import migrations


def forwards(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = IntervalSchedule.objects.get_or_create(every=15, period="minutes")
    PeriodicTask.objects.get_or_create(
        name="Escalation sweep (督办)",
        defaults={"task": "issues.tasks.escalation_sweep", "interval": every},
    )


def backwards(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        task="issues.tasks.escalation_sweep"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("issues", "0003_supervision"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
