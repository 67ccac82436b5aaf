"""Load the results frameworks and units from fixtures/ (safe to run again)."""

import datetime
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from measures.models import Unit
from outcomes.models import (
    Direction,
    Framework,
    Indicator,
    Measurement,
    Milestone,
    Outcome,
    Output,
    period_bounds,
)

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


@transaction.atomic
def load_framework(data):
    """Create or update one framework and everything under it from its JSON description."""
    framework, _ = Framework.objects.update_or_create(
        code=data["code"],
        defaults={
            key: data[key]
            for key in ("kind", "title", "first_year", "last_year", "symbol", "language")
        },
    )
    for order, o in enumerate(data["outcomes"], start=1):
        outcome, _ = Outcome.objects.update_or_create(
            framework=framework,
            code=o["code"],
            defaults={
                "order": order,
                "kind": o["kind"],
                "title": o["title"],
                "strategy": o["strategy"],
            },
        )
        outputs = {}
        for n, out in enumerate(o["outputs"], start=1):
            outputs[out["code"]], _ = Output.objects.update_or_create(
                outcome=outcome, code=out["code"], defaults={"order": n, "title": out["title"]}
            )
        for n, ind in enumerate(o["indicators"], start=1):
            indicator, _ = Indicator.objects.update_or_create(
                outcome=outcome,
                code=ind["code"],
                defaults={
                    "order": n,
                    "output": outputs.get(ind["output"]),
                    "direction": ind.get("direction", Direction.INCREASE),
                    **{
                        key: ind[key]
                        for key in (
                            "text",
                            "unit",
                            "baseline_value",
                            "baseline_text",
                            "target_value",
                            "target_text",
                            "target_period",
                        )
                    },
                },
            )
            for m in ind["milestones"]:
                Milestone.objects.update_or_create(
                    indicator=indicator,
                    period=m["period"],
                    defaults={"value": m["value"], "text": m["text"]},
                )
            for m in ind.get("measurements", []):
                load_measurement(indicator, m)
    return framework


def load_measurement(indicator, data):
    """A figure a seed states, as imported; measurements entered in the app are left alone."""
    start, end = period_bounds(data["period"])
    Measurement.objects.update_or_create(
        indicator=indicator,
        period_start=start,
        period_end=end,
        as_of=datetime.date.fromisoformat(data["as_of"]),
        origin=Measurement.Origin.IMPORT,
        defaults={
            "value": data["value"],
            "text": data["text"],
            "source": data["source"],
            "note": data.get("note", ""),
        },
    )


class Command(BaseCommand):
    help = "Load the P&B frameworks, the TC strategy and the ILO units from fixtures/."

    def handle(self, *args, **options):
        for path in sorted((FIXTURES / "frameworks").glob("*.json")):
            framework = load_framework(json.loads(path.read_text(encoding="utf-8")))
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
