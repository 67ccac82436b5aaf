"""Write every row of the database to one gzipped XML file that `manage.py restore` reads."""

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
        self.stdout.write(_("Backup written to %(path)s") % {"path": path})
