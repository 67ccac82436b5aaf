"""Bulk inserts for tens of thousands of rows: tuples straight to the database, COPY on
PostgreSQL and executemany on SQLite.

Django's `bulk_create` runs every value of every row through its SQL compiler, which costs
several times what the database does with the rows (docs/importing.md, "Limits and speed").
These write the same rows without signals, as `bulk_create` does; call them inside the
transaction that needs the rows.
"""

import gc
from contextlib import contextmanager
from operator import attrgetter, itemgetter

from django.db import connections, router
from django.db.models import DateField, DateTimeField, Field


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
    ids = reserve_ids(model, len(objs))
    if model._meta.parents:  # `pk` sets the parents' keys too
        for obj, pk in zip(objs, ids, strict=True):
            obj.pk = pk
    else:
        name = model._meta.pk.attname
        for obj, pk in zip(objs, ids, strict=True):
            obj.__dict__[name] = pk
    fields = model._meta.concrete_fields
    own = [(i, f) for i, f in enumerate(fields) if _fills_itself(f)]
    rows = values_of(objs, [field.attname for field in fields])
    if own:
        rows = [list(row) for row in rows]
        for row, obj in zip(rows, objs, strict=True):
            for i, field in own:
                row[i] = field.pre_save(obj, True)
    insert(model, fields, rows)
    for obj in objs:
        obj._state.adding, obj._state.db = False, connection.alias


def values_of(objs, names):
    """A tuple of the attributes `names` of each of `objs`, read from the instances' own
    values: a foreign key's descriptor would cost a call per value. A deferred field is
    loaded as usual."""
    try:
        return list(map(itemgetter(*names), (obj.__dict__ for obj in objs)))
    except KeyError:
        return list(map(attrgetter(*names), objs))


def _fills_itself(field):
    """Whether `field` sets its value on save (auto_now, files): the rest are only read."""
    pre_save = type(field).pre_save
    if pre_save in (DateField.pre_save, DateTimeField.pre_save):
        return field.auto_now or field.auto_now_add
    return pre_save is not Field.pre_save


def reserve_ids(model, count):
    """`count` new primary keys of `model`, in increasing order, for rows inserted with them
    in the same transaction."""
    if not count:
        return []
    connection = connections[router.db_for_write(model)]
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The sequence looked up once, not per key: ten times faster.
            cursor.execute(
                "WITH sequence AS MATERIALIZED (SELECT pg_get_serial_sequence(%s, %s)::regclass"
                " AS name) SELECT nextval(name) FROM sequence, generate_series(1, %s)",
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
        if not set(map(type, columns[i])) <= _plain_values(field):
            columns[i] = _converted(field, connection, columns[i])
    rows = list(zip(*columns, strict=True))
    table = quote(model._meta.db_table)
    names = ", ".join(quote(field.column) for field in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Binary COPY, about twice as fast as text; it needs each column's type.
            cursor.execute(f"SELECT {names} FROM {table} LIMIT 0")
            types = [column.type_code for column in cursor.description]
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(types)
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", rows)


# The values the drivers store as they are in columns of each kind (binary COPY takes only
# the column's own type); the rest go through Django's conversion.
_PLAIN_VALUES = {
    "AutoField": int,
    "BigAutoField": int,
    "BigIntegerField": int,
    "BooleanField": bool,
    "CharField": str,
    "IntegerField": int,
    "PositiveBigIntegerField": int,
    "PositiveIntegerField": int,
    "PositiveSmallIntegerField": int,
    "SmallAutoField": int,
    "SmallIntegerField": int,
    "TextField": str,
}


def _plain_values(field):
    """The types of values `field` stores as they are."""
    target = field.target_field if field.is_relation else field
    plain = _PLAIN_VALUES.get(target.get_internal_type())
    return {type(None), plain} if plain else {type(None)}


def _converted(field, connection, values):
    """Django's conversion of `values` of `field` for the driver, skipped where it changes
    nothing and made once per distinct value: a column's dates, times and choices repeat
    (one history date per import)."""
    plain = _plain_values(field)

    def convert(value):
        return value if type(value) in plain else field.get_db_prep_save(value, connection)

    try:
        distinct = {value: convert(value) for value in set(values)}
    except TypeError:  # unhashable values (JSON)
        return [convert(value) for value in values]
    return [distinct[value] for value in values]
