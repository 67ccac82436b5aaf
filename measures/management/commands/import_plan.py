import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from measures.audit import import_recorded
from measures.importing import ImportRefused, compare_plan, read_plan
from measures.importing.summary import summary_lines
from measures.management.arguments import report_date
from measures.management.files import read_input

# Above this many rows the command reports each stage, with its time.
PROGRESS_ROWS = 2000


class Command(BaseCommand):
    help = "Import an implementation plan from an Excel workbook laid out like the GB annex."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--symbol", default="", help="GB symbol, if the file names none.")
        parser.add_argument(
            "--date",
            type=report_date,
            help="The plan's date, YYYY-MM-DD, over the file's “Date du plan” row; "
            "“Immédiatement” is dated at it.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Say what would change.")
        parser.add_argument(
            "--delete-missing",
            action="store_true",
            help="Remove parts, questions, lines and output links the file no longer has.",
        )

    def handle(self, path, symbol, date, dry_run, delete_missing, **options):
        path = Path(path)
        started = time.monotonic()
        try:
            content = read_input(path)
            parsed = read_plan(content, path.name, symbol, date)
        except ImportRefused as refused:
            raise CommandError("\n".join(str(problem) for problem in refused.problems)) from None
        big = parsed.row_count > PROGRESS_ROWS

        def progress(message):
            if big:
                self.stderr.write(f"{time.monotonic() - started:6.1f} s  {message}")

        progress(_("read %(rows)d rows") % {"rows": parsed.row_count})
        if dry_run:
            changes = compare_plan(parsed)
        else:
            changes = import_recorded(
                parsed, content, delete_missing=delete_missing, progress=progress
            )
        progress(_("done"))
        for line in summary_lines(changes, dry_run=dry_run):
            self.stdout.write(line)
