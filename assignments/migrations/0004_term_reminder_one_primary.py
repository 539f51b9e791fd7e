"""End-of-term reminders (a date on the link) and the sweep's index; at most one primary
contact per enterprise among its current links, enforced by the database. Before the
constraint, an enterprise with several current primary contacts keeps the earliest one."""

from django.conf import settings
from django.db import migrations, models


def one_primary_per_enterprise(apps, schema_editor):
    Assignment = apps.get_model("assignments", "Assignment")
    seen = set()
    demote = []
    rows = (
        Assignment.objects.filter(is_primary=True, ended_on__isnull=True, enterprise__isnull=False)
        .order_by("enterprise_id", "start_date", "pk")
        .values_list("pk", "enterprise_id")
    )
    for pk, enterprise_id in rows.iterator():
        if enterprise_id in seen:
            demote.append(pk)
        seen.add(enterprise_id)
    for start in range(0, len(demote), 1000):
        Assignment.objects.filter(pk__in=demote[start : start + 1000]).update(is_primary=False)


class Migration(migrations.Migration):

    dependencies = [
        ('assignments', '0003_list_index'),
        ('enterprises', '0006_name_grams'),
        ('org', '0006_grams_function'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='assignment',
            name='reminder_sent_on',
            field=models.DateField(blank=True, help_text='The office and the cadre are reminded once, 30 days before the term ends.', null=True, verbose_name='end-of-term reminder sent on'),
        ),
        migrations.AddField(
            model_name='historicalassignment',
            name='reminder_sent_on',
            field=models.DateField(blank=True, help_text='The office and the cadre are reminded once, 30 days before the term ends.', null=True, verbose_name='end-of-term reminder sent on'),
        ),
        migrations.AddIndex(
            model_name='assignment',
            index=models.Index(condition=models.Q(('ended_on__isnull', True)), fields=['term_end'], name='assignment_open_term_end'),
        ),
        migrations.RunPython(one_primary_per_enterprise, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='assignment',
            constraint=models.UniqueConstraint(condition=models.Q(('ended_on__isnull', True), ('enterprise__isnull', False), ('is_primary', True)), fields=('enterprise',), name='assignment_one_primary_per_enterprise'),
        ),
    ]
