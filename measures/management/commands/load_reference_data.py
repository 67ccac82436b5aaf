"""Load the results frameworks and units from fixtures/ (safe to run again)."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from ilo_tracker.audit import Source, recorded
from measures.models import Unit
from measures.results_import import import_framework
from outcomes.models import (
    Indicator,
    Measurement,
    Output,
)

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


class Command(BaseCommand):
    help = "Load the P&B frameworks, the TC strategy and the ILO units from fixtures/."

    def handle(self, *args, **options):
        with recorded(Source.COMMAND, reason="load_reference_data"):
            self.load()

    def load(self):
        for path in sorted((FIXTURES / "frameworks").glob("*.json")):
            framework, _changes = import_framework(json.loads(path.read_text(encoding="utf-8")))
            self.stdout.write(
                f"{framework.code}: {framework.outcomes.count()} outcomes, "
                f"{Output.objects.filter(outcome__framework=framework).count()} outputs, "
                f"{Indicator.objects.filter(outcome__framework=framework).count()} indicators, "
                f"{Measurement.objects.filter(indicator__outcome__framework=framework).count()} "
                "measurements"
            )
        units = json.loads((FIXTURES / "units.json").read_text(encoding="utf-8"))
        for unit in units:
            Unit.objects.update_or_create(code=unit["code"], defaults={"name": unit["name"]})
        self.stdout.write(f"{len(units)} units")
