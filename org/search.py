"""Substring search that an index can answer, for Chinese text as well as Latin.

Chinese has no spaces to split words on, and a search for 用地 must find 临时用地审批. PostgreSQL's
full-text parsers and pg_trgm (which needs three characters) do not serve two-character words.
The database function ``liaison_grams`` (migration org 0006) turns a text into the set of its
characters and character pairs, Latin letters in lower case, and a GIN index over them finds
the rows holding every pair of the search text (its one character when it is that short). Up
to two characters that is the answer; longer texts are then checked exactly on those
candidates alone. SQLite, used by ``make run``, has no such index and scans.

Two ways to keep the grams:
- stored beside the column (AddGramsColumn, ticket titles): cheap to test row by row, which the
  planner does when it prefers another index (a state, a category); computing them instead cost
  20 µs a row, a quarter of a second for a common word over 11,000 rows;
- an index over the function (AddGramsIndex, enterprise names): no wider rows (stored grams
  doubled the enterprise table, and every scan of it), for searches that are the only
  condition on their table, where no other index competes.

``search_q`` ORs such fields with other indexed conditions, so that the planner ORs their
bitmaps rather than scanning the table.
"""

from django.db import connections
from django.db.migrations.operations.base import Operation
from django.db.models import BooleanField, Expression, F, Q

# Only A-Z are folded, in Python as in liaison_grams: a locale's lower() may change a text's
# length (İ) or depend on the character's place (a final Σ), and the two sides would disagree.
# Other scripts' letters match in the case they were written.
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def grams(text: str) -> list[str]:
    """The lexemes a text must contain if it holds ``text``: its pairs, or its one character."""
    text = text.translate(ASCII_LOWER)
    if len(text) < 2:
        return [text] if text else []
    return sorted({text[i : i + 2] for i in range(len(text) - 1)})


def tsquery_literal(lexemes: list[str]) -> str:
    """A tsquery in its input syntax, every lexeme quoted so that no character is an operator."""
    quoted = ("'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'" for lexeme in lexemes)
    return " & ".join(quoted)


class _ColumnCondition(Expression):
    """A true/false condition on one column (Expression resolves it)."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, expression):
        super().__init__()
        self.expression = expression

    def get_source_expressions(self):
        return [self.expression]

    def set_source_expressions(self, exprs):
        (self.expression,) = exprs


class GramsMatch(_ColumnCondition):
    """``column_grams @@ query`` (stored grams), or ``liaison_grams(column) @@ query`` (an index
    over the function): rows whose column holds every gram of the text."""

    def __init__(self, expression, text: str, *, stored: bool = True):
        super().__init__(expression)
        self.text = text
        self.stored = stored

    def as_sql(self, compiler, connection):
        query = tsquery_literal(grams(self.text))
        if not self.stored:
            sql, params = compiler.compile(self.expression)
            return f"liaison_grams({sql}) @@ %s::tsquery", [*params, query]
        column = self.expression  # a resolved Col: the stored grams sit beside it
        grams_column = connection.ops.quote_name(f"{column.target.column}_grams")
        sql = f"{compiler.quote_name_unless_alias(column.alias)}.{grams_column}"
        return f"{sql} @@ %s::tsquery", [query]


class InArray(_ColumnCondition):
    """``column = ANY(ARRAY(subquery))``: PostgreSQL runs the subquery once and can then read
    the column's index, also as one arm of an OR, which ``column IN (subquery)`` cannot."""

    def __init__(self, expression, queryset):
        super().__init__(expression)
        self.queryset = queryset

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.expression)
        sub_sql, sub_params = self.queryset.query.get_compiler(connection=connection).as_sql()
        return f"{sql} = ANY(ARRAY({sub_sql}))", [*params, *sub_params]


def in_q(field: str, queryset, using: str = "default") -> Q:
    """Rows whose ``field`` is among the values of a one-column ``queryset``."""
    if connections[using].vendor != "postgresql":
        return Q(**{f"{field}__in": queryset})
    return Q(InArray(F(field), queryset))


def contains(field: str, text: str) -> Q:
    """``field`` contains ``text``, ignoring case: a plain scan, for small tables."""
    # Chinese has no letter case: without cased letters no UPPER() on every row is needed,
    # which halves the cost of a scan.
    lookup = "icontains" if text.lower() != text.upper() else "contains"
    return Q(**{f"{field}__{lookup}": text})


def search_q(
    text: str, fields, *, other: Q | None = None, stored: bool = True, using: str = "default"
) -> Q:
    """Rows where any of ``fields`` contains ``text`` (ignoring case), or ``other`` holds.

    Each field needs its stored grams on PostgreSQL (AddGramsColumn), or with ``stored=False``
    an index over ``liaison_grams(field)`` (AddGramsIndex): only where the search is the sole
    condition on its table, so that no other index tempts the planner to compute the grams
    row by row. ``other`` should be indexed conditions too (a prefix, ``in_q``): every arm of
    the OR must be, or the table is scanned.
    """
    text = text.strip()
    found = Q()
    for field in fields:
        exact = contains(field, text)
        if text and connections[using].vendor == "postgresql":
            match = Q(GramsMatch(F(field), text, stored=stored))
            # Up to two characters the grams are the text itself: the index answers exactly,
            # and the planner, without a LIKE it cannot estimate, judges the matches right.
            exact = match if len(text) <= 2 else match & exact
        found |= exact
    return found | other if other is not None else found


class PostgresOnlySQL(Operation):
    """Migration operation: SQL that only PostgreSQL runs (SQLite has no use for it). Not a
    RunPython, so that nothing replays it as data (tests/browser/conftest.py)."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, sql: str | list[str], reverse_sql: str | list[str]):
        self.sql = [sql] if isinstance(sql, str) else list(sql)
        self.reverse_sql = [reverse_sql] if isinstance(reverse_sql, str) else list(reverse_sql)

    def deconstruct(self):
        return self.__class__.__qualname__, [self.sql, self.reverse_sql], {}

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            for statement in self.sql:
                schema_editor.execute(statement)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            for statement in self.reverse_sql:
                schema_editor.execute(statement)

    def describe(self):
        return "SQL for PostgreSQL only"


class AddGramsColumn(PostgresOnlySQL):
    """Migration operation: the stored ``<column>_grams`` column of ``table`` and its GIN index.
    The database computes the column on every write; Django's model does not know it, and
    GramsMatch names it."""

    def __init__(self, table: str, column: str):
        self.table, self.column = table, column
        grams_column, index = f'"{column}_grams"', f'"{table}_{column}_grams"'
        super().__init__(
            [
                f'ALTER TABLE "{table}" ADD COLUMN IF NOT EXISTS {grams_column} tsvector '
                f'GENERATED ALWAYS AS (liaison_grams("{column}")) STORED',
                f'CREATE INDEX IF NOT EXISTS {index} ON "{table}" USING gin ({grams_column})',
            ],
            [
                f"DROP INDEX IF EXISTS {index}",
                f'ALTER TABLE "{table}" DROP COLUMN IF EXISTS {grams_column}',
            ],
        )

    def deconstruct(self):
        return self.__class__.__qualname__, [self.table, self.column], {}

    def describe(self):
        return f"Add the searchable grams of {self.table}.{self.column}"


class AddGramsIndex(PostgresOnlySQL):
    """Migration operation: a GIN index over ``liaison_grams(column)`` of ``table``, for
    ``search_q(..., stored=False)``: no wider rows, but the grams are computed again whenever
    the planner tests a row without the index."""

    def __init__(self, table: str, column: str):
        self.table, self.column = table, column
        index = f'"{table}_{column}_grams"'
        super().__init__(
            f'CREATE INDEX IF NOT EXISTS {index} ON "{table}" '
            f'USING gin (liaison_grams("{column}"))',
            f"DROP INDEX IF EXISTS {index}",
        )

    def deconstruct(self):
        return self.__class__.__qualname__, [self.table, self.column], {}

    def describe(self):
        return f"Add the grams index of {self.table}.{self.column}"
