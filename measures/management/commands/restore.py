"""Replace every row of the database by those of a file written by `manage.py backup`."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils.translation import gettext as _

from .backup import SUFFIX


class Command(BaseCommand):
    help = (
        "Replace all data by a backup written by `manage.py backup`, all or nothing. "
        "The database must be migrated to the same version as when the backup was made."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help=f"the backup file, ending in {SUFFIX}")
        parser.add_argument(
            "--no-input", action="store_false", dest="interactive", help="Do not ask."
        )

    def handle(self, path, interactive, **options):
        if not path.endswith(SUFFIX) or not Path(path).is_file():
            raise CommandError(
                _("No backup file %(path)s (written by manage.py backup, ending in %(suffix)s).")
                % {"path": path, "suffix": SUFFIX}
            )
        if interactive:
            answer = input(
                _("Every row of the database %(name)s will be replaced. Type 'yes' to go on: ")
                % {"name": connection.settings_dict["NAME"]}
            )
            if answer != "yes":
                raise CommandError(_("Restore cancelled: nothing changed."))
        # One transaction: a file that cannot be loaded leaves the database as it was. The
        # audit trail is restored as it was written, not recorded again by the load itself.
        try:
            with transaction.atomic(), override_settings(SIMPLE_HISTORY_ENABLED=False):
                call_command("flush", interactive=False, verbosity=0)
                call_command("loaddata", path, verbosity=0)
                # A backup of a working app has its users: without one, the file is empty or
                # is no backup, and loading it would leave nobody to sign in.
                if not get_user_model().objects.exists():
                    raise CommandError(_("the file holds no user"))
        except Exception as error:  # whatever broke the load, the transaction undid it
            raise CommandError(
                _("%(path)s could not be restored (%(error)s); nothing changed.")
                % {"path": path, "error": error}
            ) from error
        self.stdout.write(_("Restored from %(path)s") % {"path": path})
