"""Bulk inserts for tens of thousands of rows: tuples straight to the database, COPY on
PostgreSQL and executemany on SQLite.

Django's `bulk_create` runs every value of every row through its SQL compiler, which costs
several times what the database does with the rows (docs/importing.md, "Limits and speed").
These write the same rows without signals, as `bulk_create` does; call them inside the
transaction that needs the rows.
"""

import gc
from contextlib import contextmanager
from operator import attrgetter

from django.db import connections, router
from django.db.models import Field


@contextmanager
def paused_gc():
    """Run without the cyclic garbage collector: tens of thousands of new objects set it off
    again and again, each pass walking all of them (a quarter of a 20,000-row import's time).
    Reference counting still frees them; cycles wait for the next collection after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def create(model, objs):
    """Save new instances of `model` as `bulk_create` does (their keys set, auto_now and
    defaults applied), for SQLite and PostgreSQL."""
    connection = connections[router.db_for_write(model)]
    for obj, pk in zip(objs, reserve_ids(model, len(objs)), strict=True):
        obj.pk = pk
    fields = model._meta.concrete_fields
    values = attrgetter(*[field.attname for field in fields])
    # Only a few fields (auto_now, files) have a pre_save of their own; the rest are read.
    own = [(i, f) for i, f in enumerate(fields) if type(f).pre_save is not Field.pre_save]
    rows = [list(values(obj)) for obj in objs]
    for row, obj in zip(rows, objs, strict=True):
        for i, field in own:
            row[i] = field.pre_save(obj, True)
    insert(model, fields, rows)
    for obj in objs:
        obj._state.adding, obj._state.db = False, connection.alias


def reserve_ids(model, count):
    """`count` new primary keys of `model`, in increasing order, for rows inserted with them
    in the same transaction."""
    if not count:
        return []
    connection = connections[router.db_for_write(model)]
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk, count],
            )
            return sorted(row[0] for row in cursor.fetchall())
        # SQLite's AUTOINCREMENT keys follow the highest ever used (sqlite_sequence), which
        # inserting these moves on; the transaction holds the write lock from its start
        # (transaction_mode IMMEDIATE), so no other writer takes them meanwhile.
        quote = connection.ops.quote_name
        cursor.execute(
            "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
            f"coalesce((SELECT max({quote(pk)}) FROM {quote(table)}), 0))",
            [table],
        )
        start = cursor.fetchone()[0] + 1
    return list(range(start, start + count))


def insert(model, fields, rows):
    """Insert `rows`, each the Python values of `fields` (fields of `model`) in that order."""
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    rows = list(rows)
    if not rows:
        return
    # Column by column: most hold only values the driver takes as they are.
    columns = list(zip(*rows, strict=True))
    for i, field in enumerate(fields):
        if not {type(value) for value in columns[i]} <= _plain_values(field):
            convert = _converter(field, connection)
            columns[i] = [convert(value) for value in columns[i]]
    rows = list(zip(*columns, strict=True))
    table = quote(model._meta.db_table)
    names = ", ".join(quote(field.column) for field in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", rows)


# Columns whose values, when None, str, int or bool, the drivers store as they are.
_PLAIN_COLUMNS = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "IntegerField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallAutoField",
    "SmallIntegerField",
    "TextField",
}
_PLAIN_VALUES = {str, int, bool, type(None)}


def _plain_values(field):
    """The types of values `field` stores as they are."""
    target = field.target_field if field.is_relation else field
    return _PLAIN_VALUES if target.get_internal_type() in _PLAIN_COLUMNS else {type(None)}


def _converter(field, connection):
    """Django's conversion of a value of `field` for the driver, skipped where it changes
    nothing; dates and times repeat (one history date per import), the last is kept."""
    plain, last = _plain_values(field), [object(), None]

    def convert(value):
        if type(value) in plain:
            return value
        if value is not last[0]:
            last[:] = value, field.get_db_prep_save(value, connection)
        return last[1]

    return convert
