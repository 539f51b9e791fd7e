from django.db import migrations

from org.search import AddGramsColumn


class Migration(migrations.Migration):
    # The board finds tickets by their enterprise's name (org/search.py), PostgreSQL only.
    dependencies = [
        ("enterprises", "0005_historicalkeyproject_code_keyproject_code"),
        ("org", "0006_grams_function"),
    ]
    operations = [AddGramsColumn("enterprises_enterprise", "name")]
