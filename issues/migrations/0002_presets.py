"""Problem categories seen in the source documents, and the default deadlines."""

from django.db import migrations

CATEGORIES = [
    ("labour", "用工"),
    ("environment", "环保"),
    ("funding", "资金"),
    ("technology", "技术"),
    ("talent", "人才"),
    ("market", "市场"),
    ("approval", "审批"),
    ("land", "用地"),
    ("energy", "能源"),
    ("policy", "政策"),
    ("other", "其他"),
]
# urgency -> working days (3/5/10/15), for every category without a rule of its own.
DEADLINES = {"urgent": 3, "high": 5, "normal": 10, "complex": 15}


def forwards(apps, schema_editor):
    Category = apps.get_model("issues", "Category")
    DeadlineRule = apps.get_model("issues", "DeadlineRule")
    for order, (code, name) in enumerate(CATEGORIES, start=1):
        Category.objects.update_or_create(code=code, defaults={"name": name, "order": order * 10})
    for urgency, days in DEADLINES.items():
        DeadlineRule.objects.update_or_create(
            category=None, urgency=urgency, defaults={"working_days": days}
        )


class Migration(migrations.Migration):
    dependencies = [("issues", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
