"""The sweep's own timeline notes were stored already translated into Chinese; they are now
stored as their msgids and the timeline shows them in the reader's language."""

from django.db import migrations

NOTES = {
    "督办后仍超期，自动提交专项小组。": (
        "Escalated automatically: overdue after the supervision notice."
    ),
    "企业在评价期限内未评价。": "No rating within the rating window.",
}


def forwards(apps, schema_editor):
    TicketEvent = apps.get_model("issues", "TicketEvent")
    for stored, msgid in NOTES.items():
        TicketEvent.objects.filter(note=stored).update(note=msgid)


class Migration(migrations.Migration):
    dependencies = [("issues", "0018_category_name_en")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
