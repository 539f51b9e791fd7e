from django.db import migrations

# See org/search.py. IMMUTABLE so that an index may use it; a high COST so that the planner reads
# the index rather than computing the grams row by row.
CREATE = r"""
CREATE OR REPLACE FUNCTION liaison_grams(text) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 1000 AS $$
    SELECT array_to_tsvector(ARRAY(
        SELECT DISTINCT substr(lower($1), i, n)
        FROM generate_series(1, 2) AS n, generate_series(1, length($1) - n + 1) AS i
    ))
$$
"""
DROP = "DROP FUNCTION IF EXISTS liaison_grams(text)"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("org", "0005_department_head")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
