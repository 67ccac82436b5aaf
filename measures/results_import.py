"""Writing a results framework read from JSON (fixtures/) or a workbook (outcomes.workbook).

One walk over the data serves the preview and the import: the preview only reads and says what
would be new or changed; the import does the same walk inside one transaction, so a framework is
written whole or not at all. Rows are matched by their codes and updated in place; nothing is
deleted; measurements entered in the app are never touched (only imported ones are matched).
"""

import datetime
from collections import Counter
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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

KINDS = [
    ("framework", gettext_lazy("framework")),
    ("outcome", gettext_lazy("outcomes")),
    ("output", gettext_lazy("outputs")),
    ("indicator", gettext_lazy("indicators")),
    ("milestone", gettext_lazy("milestones")),
    ("measurement", gettext_lazy("measurements")),
]


class _Walk:
    def __init__(self, apply):
        self.apply = apply
        self.changes = Counter()
        self.parked = 0

    def sync(self, kind, model, lookup, values, keep=()):
        """The row matched by `lookup`, counted as new, changed or unchanged; written if
        applying. Under a parent not yet saved (a preview of a new one) everything is new.
        Fields in `keep` (their column is not in the workbook) stay as they are on a row
        already there."""
        parents_saved = all(getattr(v, "pk", True) for v in lookup.values())
        existing = model.objects.filter(**lookup).first() if parents_saved else None
        if existing is None:
            self.changes[kind, "new"] += 1
            row = model(**lookup, **values)
        else:
            row = existing
            differs = [
                name
                for name, value in values.items()
                if name not in keep and _differs(row, name, value)
            ]
            self.changes[kind, "changed" if differs else "unchanged"] += 1
            for name in differs:
                setattr(row, name, values[name])
            if not differs:
                return row
        if self.apply:
            if "order" in values:
                parent = {name: value for name, value in lookup.items() if name != "code"}
                self.make_room(model, parent, row)
            row.full_clean(validate_unique=False, validate_constraints=False)
            row.save()
        return row

    def make_room(self, model, parent, row):
        """Rows change places one at a time and no two of a parent may ever hold the same
        order (the constraints are not deferrable): the row holding `row`'s goes to an order
        above any real one until its own turn gives it its place (a row the file lacks stays
        there, after the file's rows)."""
        self.parked += 1
        holder = model.objects.filter(**parent, order=row.order).exclude(pk=row.pk)
        holder.update(order=_PARKING_ORDER - self.parked)

    def entered_in_the_app(self, indicator, start, end, m):
        """A row that repeats a measurement entered in the app (a workbook exported, then
        imported again) is that measurement: unchanged, never copied as an imported one."""
        if indicator.pk is None:
            return False
        same = Measurement.objects.filter(
            indicator=indicator,
            period_start=start,
            period_end=end,
            as_of=datetime.date.fromisoformat(m["as_of"]),
            origin=Measurement.Origin.APP,
            value=_number(m["value"]),
            text=m["text"],
            assessment=m.get("assessment", ""),
        )
        if same.exists():
            self.changes["measurement", "unchanged"] += 1
            return True
        return False


def _differs(row, name, value):
    field = row._meta.get_field(name)
    if field.is_relation:
        return getattr(row, field.attname) != (value.pk if value else None)
    return getattr(row, name) != field.to_python(value)


# Above any real order, within a smallint.
_PARKING_ORDER = 32767


def _number(value):
    """JSON numbers arrive as floats: 98.2, not 98.2000000000000028…"""
    return None if value is None else Decimal(str(value))


def _walk(data, walk):
    # Columns the workbook left out (none in the fixtures): their fields stay as they are.
    absent = data.get("absent", {})
    framework = walk.sync(
        "framework",
        Framework,
        {"code": data["code"]},
        {
            key: data[key]
            for key in ("kind", "title", "first_year", "last_year", "symbol", "language")
        },
        keep=absent.get("framework", ()),
    )
    for order, o in enumerate(data["outcomes"], start=1):
        outcome = walk.sync(
            "outcome",
            Outcome,
            {"framework": framework, "code": o["code"]},
            {"order": order, "kind": o["kind"], "title": o["title"], "strategy": o["strategy"]},
            keep=absent.get("outcomes", ()),
        )
        outputs = {
            out["code"]: walk.sync(
                "output",
                Output,
                {"outcome": outcome, "code": out["code"]},
                {"order": n, "title": out["title"]},
                keep=absent.get("outputs", ()),
            )
            for n, out in enumerate(o["outputs"], start=1)
        }
        for n, ind in enumerate(o["indicators"], start=1):
            fields = ["text", "unit", "baseline_text", "target_text", "target_period"]
            indicator = walk.sync(
                "indicator",
                Indicator,
                {"outcome": outcome, "code": ind["code"]},
                {
                    "order": n,
                    "output": outputs.get(ind["output"]),
                    "direction": ind.get("direction", Direction.INCREASE),
                    **{key: ind[key] for key in fields},
                    "baseline_value": _number(ind["baseline_value"]),
                    "target_value": _number(ind["target_value"]),
                },
                keep=absent.get("indicators", ()),
            )
            for m in ind["milestones"]:
                walk.sync(
                    "milestone",
                    Milestone,
                    {"indicator": indicator, "period": m["period"]},
                    {"value": _number(m["value"]), "text": m["text"]},
                    keep=absent.get("milestones", ()),
                )
            for m in ind.get("measurements", []):
                start, end = period_bounds(m["period"])
                if walk.entered_in_the_app(indicator, start, end, m):
                    continue
                walk.sync(
                    "measurement",
                    Measurement,
                    {
                        "indicator": indicator,
                        "period_start": start,
                        "period_end": end,
                        "as_of": datetime.date.fromisoformat(m["as_of"]),
                        "origin": Measurement.Origin.IMPORT,
                    },
                    {
                        "value": _number(m["value"]),
                        "text": m["text"],
                        "assessment": m.get("assessment", ""),
                        "source": m["source"],
                        "note": m.get("note", ""),
                    },
                    keep=absent.get("measurements", ()),
                )
    return framework


def compare_framework(data):
    """What importing `data` would change, as a Counter of (kind, new/changed/unchanged).
    Reads only."""
    walk = _Walk(apply=False)
    _walk(data, walk)
    return walk.changes


def import_framework(data):
    """Create or update the framework and everything under it; all or nothing."""
    walk = _Walk(apply=True)
    with transaction.atomic():
        framework = _walk(data, walk)
    return framework, walk.changes


def summary_lines(changes):
    for kind, label in KINDS:
        new, changed = changes[kind, "new"], changes[kind, "changed"]
        unchanged = changes[kind, "unchanged"]
        if new or changed or unchanged:
            yield _("%(kind)s: %(new)d new, %(changed)d changed, %(unchanged)d unchanged") % {
                "kind": label,
                "new": new,
                "changed": changed,
                "unchanged": unchanged,
            }
