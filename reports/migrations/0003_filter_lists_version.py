"""The filter lists' version (`FilterListsVersion`) and the triggers that change it."""

from django.db import migrations, models

# The tables the measures table's filter lists are read from (`reports.filters.LineFilter`).
TABLES = [
    "measures_plan",
    "measures_part",
    "measures_unit",
    "outcomes_framework",
    "outcomes_outcome",
    "outcomes_output",
]
# An upsert: after a flush (tests) the row is gone until the next write makes it again.
NEW_TOKEN = (
    "INSERT INTO reports_filterlistsversion (id, token) VALUES (1, {random}) "
    "ON CONFLICT (id) DO UPDATE SET token = excluded.token;"
)
OPERATIONS = ["INSERT", "UPDATE", "DELETE"]


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # One run per statement, however many rows an import writes or a TRUNCATE empties.
        schema_editor.execute(
            "CREATE FUNCTION reports_new_filter_lists_token() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            + NEW_TOKEN.format(random="(random() * 9e18)::bigint")
            + " RETURN NULL; END $$"
        )
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_filter_lists AFTER INSERT OR UPDATE OR DELETE OR "
                f"TRUNCATE ON {table} FOR EACH STATEMENT "
                "EXECUTE FUNCTION reports_new_filter_lists_token()"
            )
    else:  # SQLite: row triggers only
        for table in TABLES:
            for operation in OPERATIONS:
                schema_editor.execute(
                    f"CREATE TRIGGER {table}_filter_lists_{operation.lower()} AFTER {operation} "
                    f"ON {table} BEGIN {NEW_TOKEN.format(random='random()')} END"
                )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER {table}_filter_lists ON {table}")
        schema_editor.execute("DROP FUNCTION reports_new_filter_lists_token()")
    else:
        for table in TABLES:
            for operation in OPERATIONS:
                schema_editor.execute(f"DROP TRIGGER {table}_filter_lists_{operation.lower()}")


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_render_job_heartbeat_and_failure"),
        ("measures", "0015_drop_indexes_covered_by_others"),
        ("outcomes", "0005_history_of_new_fields"),
    ]

    operations = [
        migrations.CreateModel(
            name="FilterListsVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
