from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ilo_tracker.audit import Source, recorded
from measures.audit import import_recorded
from measures.importing import read_plan
from measures.models import ActionLine, Unit

DEMO_PLANS = ["GB.279-TC-2.xlsx", "GB.341-POL-4.xlsx"]

# The seed documents name no responsible unit per line. For the demo, so that "My measures" is
# not empty, lines without a unit go to PARDEV, except GB.279/TC/2 Part II to PROGRAM.
DEMO_UNITS = {("GB.279/TC/2", "II"): "PROGRAM"}
DEMO_DEFAULT_UNIT = "PARDEV"


class Command(BaseCommand):
    help = "Import the two real plans of fixtures/ (run load_reference_data first); safe to rerun."

    def handle(self, **options):
        with recorded(Source.COMMAND, reason="load_demo_plans"):
            self.load()

    def load(self):
        for name in DEMO_PLANS:
            content = (settings.BASE_DIR / "fixtures" / name).read_bytes()
            changes = import_recorded(read_plan(content, name), content)
            if changes.changes_anything:
                message = _("%(plan)s: loaded")
            else:
                message = _("%(plan)s: already up to date")
            self.stdout.write(message % {"plan": changes.parsed.symbol})
            for warning in changes.warnings:
                self.stderr.write(_("Warning: %(warning)s") % {"warning": warning})
        self.assign_demo_units()

    def assign_demo_units(self):
        units = {unit.code: unit for unit in Unit.objects.all()}
        unowned = ActionLine.objects.filter(units=None).select_related("question__part__plan")
        for line in unowned:
            part = line.question.part
            code = DEMO_UNITS.get((part.plan.symbol, part.number), DEMO_DEFAULT_UNIT)
            if code in units:
                line.units.add(units[code])
