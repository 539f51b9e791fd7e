"""History rows of Excel imports stored their reason already translated ("Excel 导入"); the
reason is now stored as its msgid ("Excel import") and translated where the history is shown."""

from django.db import migrations

STORED = ["Excel 导入"]  # the reason as the Chinese catalogue rendered it


def forwards(apps, schema_editor):
    History = apps.get_model("assignments", "HistoricalAssignment")
    History.objects.filter(history_change_reason__in=STORED).update(
        history_change_reason="Excel import"
    )


class Migration(migrations.Migration):
    dependencies = [("assignments", "0006_preset_minimums")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
