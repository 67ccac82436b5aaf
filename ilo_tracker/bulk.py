"""Bulk inserts for tens of thousands of rows: tuples straight to the database, COPY on
PostgreSQL and executemany on SQLite.

Django's `bulk_create` runs every value of every row through its SQL compiler, which costs
several times what the database does with the rows (docs/importing.md, "Limits and speed").
These write the same rows without signals, as `bulk_create` does; call them inside the
transaction that needs the rows.
"""

from functools import partial
from operator import attrgetter

from django.db import connections, router
from django.db.models import Field


def create(model, objs):
    """Save new instances of `model` as `bulk_create` does (their keys set, auto_now and
    defaults applied), for SQLite and PostgreSQL."""
    connection = connections[router.db_for_write(model)]
    for obj, pk in zip(objs, reserve_ids(model, len(objs)), strict=True):
        obj.pk = pk
    fields = model._meta.concrete_fields
    # Only a few fields (auto_now, files) have a pre_save of their own; the rest are read.
    values = [
        attrgetter(field.attname)
        if type(field).pre_save is Field.pre_save
        else partial(field.pre_save, add=True)
        for field in fields
    ]
    insert(model, fields, ([value(obj) for value in values] for obj in objs))
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
    convert = [_converter(field, connection) for field in fields]
    rows = [[to_db(value) for to_db, value in zip(convert, row, strict=True)] for row in rows]
    if not rows:
        return
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)


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


def _converter(field, connection):
    """What turns a value of `field` into what the driver takes: the value itself in plain
    columns, where Django's `get_db_prep_save` (a few calls per value) would change nothing."""
    target = field.target_field if field.is_relation else field
    plain = _PLAIN_VALUES if target.get_internal_type() in _PLAIN_COLUMNS else {type(None)}
    # Dates and times repeat (one history date per import): the last one is converted once.
    last = [object(), None]

    def convert(value):
        if type(value) in plain:
            return value
        if value is not last[0]:
            last[:] = value, field.get_db_prep_save(value, connection)
        return last[1]

    return convert
