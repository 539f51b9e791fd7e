"""Attachments kept before names followed the detected type ("invoice.html" holding a JPEG)
are renamed as new ones are ("invoice.jpg"); the stored file and its content do not change."""

from django.db import migrations


def rename(apps, schema_editor):
    from org.uploads import filename_for

    Attachment = apps.get_model("issues", "Attachment")
    changed = []
    for attachment in Attachment.objects.only("pk", "original_name", "extension").iterator():
        name = filename_for(attachment.original_name, attachment.extension)
        if name != attachment.original_name:
            attachment.original_name = name
            changed.append(attachment)
    Attachment.objects.bulk_update(changed, ["original_name"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("issues", "0016_action_choices")]

    operations = [migrations.RunPython(rename, migrations.RunPython.noop)]
