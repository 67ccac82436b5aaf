"""Write every row of the database to one gzipped XML file that `manage.py restore` reads."""

import os
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils.translation import gettext as _

SUFFIX = ".xml.gz"
# Rebuilt by `migrate` (and referred to by natural keys), or worthless once restored.
EXCLUDED = ["contenttypes", "auth.permission", "sessions"]


class Command(BaseCommand):
    help = (
        "Back up every row: users and groups, units, frameworks, plans, status updates, "
        "reporting rounds, imports, the audit trail, admin log, render jobs and tasks."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help=f"the file to write, ending in {SUFFIX}")

    def handle(self, path, **options):
        if not path.endswith(SUFFIX):
            raise CommandError(
                _("The backup file name must end in %(suffix)s.") % {"suffix": SUFFIX}
            )
        # Written beside it, then renamed: a backup that fails half-way (a full disk, a
        # database error) leaves the previous one at `path` whole.
        try:
            handle, partial = tempfile.mkstemp(
                dir=Path(path).parent, prefix=".backup-", suffix=SUFFIX
            )
        except OSError as error:
            raise CommandError(
                _("%(path)s cannot be written: %(error)s") % {"path": path, "error": error}
            ) from error
        os.close(handle)
        try:
            self.dump(partial)
            os.replace(partial, path)
        finally:
            Path(partial).unlink(missing_ok=True)
        self.stdout.write(_("Backup written to %(path)s") % {"path": path})

    def dump(self, path):
        # One consistent snapshot even while the app keeps writing.
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if connection.vendor == "postgresql" and outermost:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            # XML keeps times to the microsecond; Django's JSON cuts them to milliseconds.
            call_command(
                "dumpdata",
                format="xml",
                natural_foreign=True,
                exclude=EXCLUDED,
                output=path,
                verbosity=0,
            )
