from django.db import migrations

from org.search import PostgresOnlySQL

# See org/search.py. IMMUTABLE, as a stored generated column requires, and truly so: it folds
# A-Z alone, where lower() would follow the database's locale. A high COST, so that the planner
# never chooses to compute it row by row.
CREATE = r"""
CREATE OR REPLACE FUNCTION liaison_grams(text) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 1000 AS $$
    SELECT array_to_tsvector(ARRAY(
        SELECT DISTINCT substr(translate($1, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
                                             'abcdefghijklmnopqrstuvwxyz'), i, n)
        FROM generate_series(1, 2) AS n, generate_series(1, length($1) - n + 1) AS i
    ))
$$
"""
DROP = "DROP FUNCTION IF EXISTS liaison_grams(text)"


class Migration(migrations.Migration):
    dependencies = [("org", "0005_department_head")]
    operations = [PostgresOnlySQL(CREATE, DROP)]
