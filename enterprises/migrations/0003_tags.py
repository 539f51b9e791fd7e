"""Preset classification tags (分类建库) from DOMAIN.md."""

from django.db import migrations

TAGS = [
    ("above_size", "规上", 10),
    ("revenue_100m", "亿元", 20),
    ("foreign", "外资", 30),
    ("high_tech", "高新技术", 40),
    ("joint_stock", "股份制", 50),
    ("listed", "上市", 60),
    ("four_new", "四新", 70),
    ("in_difficulty", "困难企业", 80),
]


def forwards(apps, schema_editor):
    Tag = apps.get_model("enterprises", "EnterpriseTag")
    for code, name, order in TAGS:
        Tag.objects.update_or_create(code=code, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0002_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
