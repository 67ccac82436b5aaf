from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from measures.importing import write_plan
from measures.management.files import write_output
from measures.models import Plan


class Command(BaseCommand):
    help = "Write a plan as an Excel workbook in the layout import_plan reads."

    def add_arguments(self, parser):
        parser.add_argument("plan", help="GB symbol (GB.279/TC/2) or id of the plan")
        parser.add_argument("-o", "--output", required=True, help="the .xlsx file to write")

    def handle(self, plan, output, **options):
        found = Plan.objects.filter(symbol=plan).first()
        if found is None and plan.isdigit():
            found = Plan.objects.filter(pk=int(plan)).first()
        if found is None:
            raise CommandError(_("No plan %(plan)s.") % {"plan": plan})
        write_output(Path(output), write_plan(found))
        self.stdout.write(_("%(plan)s: written to %(path)s") % {"plan": found, "path": output})
