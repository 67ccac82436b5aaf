"""Accent- and case-insensitive text search on both databases: "parite" finds "Parité".

The database folds the stored text as `timelines.fold` folds the search words: SQLite through
that very function, registered on each connection; PostgreSQL with `lower(unaccent(…))` and the
same plain apostrophes and dashes. Folding when searching, not a stored folded copy, keeps
nothing to resynchronise when lines are imported in bulk or a status is added.
"""

from django.db.backends.signals import connection_created
from django.db.models import Func, TextField

from .timelines import _PLAIN, fold

SQLITE_FUNCTION = "ilo_fold"
# The single-character replacements of `fold`, for PostgreSQL's translate().
_PLAIN_FROM = "".join(chr(c) for c, to in _PLAIN.items() if len(to) == 1)
_PLAIN_TO = "".join(to for to in _PLAIN.values() if len(to) == 1)


class Folded(Func):
    """An expression's text, lower-cased and without accents."""

    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function=SQLITE_FUNCTION, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = super().as_sql(
            compiler, connection, template="translate(lower(unaccent(%(expressions)s)), %%s, %%s)"
        )
        return sql, (*params, _PLAIN_FROM, _PLAIN_TO)


def _fold_or_none(text):
    return None if text is None else fold(text)


def register_sqlite_function(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            SQLITE_FUNCTION, 1, _fold_or_none, deterministic=True
        )


connection_created.connect(register_sqlite_function)
