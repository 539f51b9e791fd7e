from django.db import migrations

from org.search import AddGramsColumn


class Migration(migrations.Migration):
    # The board's search of ticket titles (org/search.py), PostgreSQL only.
    dependencies = [("issues", "0009_callbacks"), ("org", "0006_grams_function")]
    operations = [AddGramsColumn("issues_ticket", "title")]
