from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from measures.management.files import read_input
from measures.results_import import compare_framework, import_framework, summary_lines
from outcomes.workbook import WorkbookRefused, read_framework


class Command(BaseCommand):
    help = (
        "Import a results framework (outcomes, outputs, indicators, milestones, measurements) "
        "from an Excel workbook; titles in English, French or Spanish."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true", help="Say what would change.")

    def handle(self, path, dry_run, **options):
        path = Path(path)
        try:
            data = read_framework(read_input(path), path.name)
        except WorkbookRefused as refused:
            raise CommandError("\n".join(str(p) for p in refused.problems)) from None
        if dry_run:
            changes = compare_framework(data)
            self.stdout.write(_("Nothing written. Importing would give:"))
        else:
            _framework, changes = import_framework(data)
        for line in summary_lines(changes):
            self.stdout.write(line)
