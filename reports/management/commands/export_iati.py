"""Write plans and frameworks as an IATI 2.03 activity file, validated against the schema."""

import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from measures.management.arguments import report_date
from measures.management.files import write_output
from measures.models import Plan
from outcomes.models import Framework
from reports.iati import InvalidIati, activities_file, framework_activity, plan_activity


def _find(model, key, field):
    condition = Q(**{field: key}) | (Q(pk=int(key)) if key.isdigit() else Q())
    found = model.objects.filter(condition).first()
    if found is None:
        raise CommandError(f"No {model._meta.verbose_name} with {field} or id {key!r}.")
    return found


class Command(BaseCommand):
    help = (
        "Export plans and frameworks as IATI 2.03 activities, e.g. "
        "--plan GB.279/TC/2 --framework 'TC 2010-15' --as-of 2000-08-31 -o ilo.xml"
    )

    def add_arguments(self, parser):
        parser.add_argument("--plan", action="append", default=[], help="GB symbol or id")
        parser.add_argument("--framework", action="append", default=[], help="code or id")
        parser.add_argument(
            "--as-of",
            type=report_date,
            default=datetime.date.today(),
            help="statuses as of this date, YYYY-MM-DD (default: today)",
        )
        parser.add_argument(
            "--base-url",
            default=settings.SITE_URL,
            help="where the linked PDFs are served (default: the SITE_URL setting)",
        )
        parser.add_argument("-o", "--output", required=True, help="XML file to write")

    def handle(self, *args, plan, framework, as_of, base_url, output, **options):
        if not plan and not framework:
            raise CommandError("Name at least one --plan or --framework.")
        base_url = base_url.rstrip("/")
        activities = [
            plan_activity(_find(Plan, key, "symbol"), as_of, base_url) for key in plan
        ] + [
            framework_activity(_find(Framework, key, "code"), as_of, base_url) for key in framework
        ]
        try:
            content = activities_file(activities)
        except InvalidIati as invalid:
            raise CommandError(
                "The file would not be valid IATI 2.03:\n" + "\n".join(invalid.errors)
            ) from None
        write_output(Path(output), content)
        self.stdout.write(f"{output}: {len(activities)} activities, valid IATI 2.03")
