"""Presets: the role groups, the ranks of DOMAIN.md, and the beat schedule of org's tasks."""

from django.db import migrations

ROLES = [
    "cadre",
    "enterprise",
    "liaison_office",
    "department",
    "special_group",
    "leader",
    "office_point_person",
    "admin",
]
# code, name, order, is_leader
RANKS = [
    ("ting", "厅级", 10, True),
    ("county_head", "县处级正职", 20, True),
    ("county_deputy", "县处级副职", 30, False),
    ("section_chief", "正科级", 40, False),
    ("section_deputy", "副科级", 50, False),
    ("other", "其他", 90, False),
]


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Rank = apps.get_model("org", "Rank")
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    for code, name, order, is_leader in RANKS:
        Rank.objects.update_or_create(
            code=code, defaults={"name": name, "order": order, "is_leader": is_leader}
        )
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    del IntervalSchedule
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="3", day_of_week="*", day_of_month="*", month_of_year="*",
        timezone="Asia/Shanghai",
    )
    PeriodicTask.objects.get_or_create(
        name="Clear expired sessions",
        defaults={"task": "org.tasks.clear_expired_sessions", "crontab": crontab},
    )


def backwards(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name="Clear expired sessions").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
