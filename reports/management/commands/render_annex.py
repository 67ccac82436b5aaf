"""Render a plan's annex to PDF or Word from the command line (no worker needed)."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from measures.management.arguments import report_date
from measures.management.files import write_output
from measures.models import Plan
from reports import docx
from reports.annex import LAYOUTS, default_as_of, plan_annex
from reports.changes import report_before
from reports.pdf import write_pdf


class Command(BaseCommand):
    help = "Render a plan's annex as a GB paper, e.g. GB.279/TC/2 --as-of 2000-08-31 -o out.pdf"

    def add_arguments(self, parser):
        parser.add_argument("plan", help="the plan's GB symbol (GB.279/TC/2) or id")
        parser.add_argument(
            "--as-of",
            type=report_date,
            help="statuses as of this date, YYYY-MM-DD (default: the plan's latest report)",
        )
        parser.add_argument(
            "--layout", choices=sorted(LAYOUTS), help="default: chosen from the plan's content"
        )
        parser.add_argument(
            "--changes",
            action="store_true",
            help="add the changes since the plan's previous published report",
        )
        parser.add_argument("--format", choices=["pdf", "docx"], default="pdf")
        parser.add_argument("-o", "--output", help="file to write (default: its own name)")

    def handle(self, *args, plan, as_of, layout, changes, output, format, **options):
        condition = Q(symbol=plan) | Q(pk=int(plan)) if plan.isdigit() else Q(symbol=plan)
        found = Plan.objects.filter(condition).first()
        if found is None:
            raise CommandError(f"No plan with symbol or id {plan!r}.")
        if changes and not report_before(found, as_of or default_as_of(found)):
            raise CommandError("No report was published before the annex's date to compare with.")
        started = time.perf_counter()
        document = plan_annex(found, as_of=as_of, layout=layout, changes=changes)
        pages = [0]
        if format == "docx":
            content, output = docx.annex_docx(document), output or docx.filename(document)
        else:
            content = write_pdf(document, on_page=pages.append)
            output = output or document.filename
        write_output(Path(output), content)
        size = f"{max(pages)} pages" if format == "pdf" else f"{len(content) // 1024} kB"
        self.stdout.write(
            f"{output}: {size}, {document.body.line_count} action lines, "
            f"layout {document.body.layout}, "
            f"as of {document.body.as_of}, {time.perf_counter() - started:.1f} s"
        )
