from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    """Text search folds accents on PostgreSQL with unaccent (a no-op on SQLite)."""

    dependencies = [("measures", "0004_status_update_newest_indexes")]

    operations = [UnaccentExtension()]
