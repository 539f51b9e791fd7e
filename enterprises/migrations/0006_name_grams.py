from django.db import migrations

from org.search import AddGramsIndex


class Migration(migrations.Migration):
    # The problems board finds tickets by their enterprise's name (org/search.py); PostgreSQL
    # only. An index over the function, not stored grams: they doubled this table of short rows.
    dependencies = [
        ("enterprises", "0005_historicalkeyproject_code_keyproject_code"),
        ("org", "0006_grams_function"),
    ]
    operations = [AddGramsIndex("enterprises_enterprise", "name")]
