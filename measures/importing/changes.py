"""The account of an import: what it creates, updates, leaves and finds missing."""

from dataclasses import dataclass, field

from measures.models import Plan

from .parsed import ParsedPlan
from .workbook import Problem

KINDS = ("parts", "questions", "lines", "status_updates", "output_links", "unit_links")


@dataclass
class Count:
    create: int = 0
    update: int = 0
    unchanged: int = 0
    remove: int = 0


@dataclass
class Missing:
    """A row of the database that the file no longer has."""

    kind: str
    label: str
    kept: bool  # it carries status updates entered in the app: never removed
    pk: int


@dataclass
class Changes:
    parsed: ParsedPlan
    plan: Plan | None = None
    plan_action: str = "unchanged"
    counts: dict[str, Count] = field(default_factory=lambda: {kind: Count() for kind in KINDS})
    missing: list[Missing] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    removed: bool = False
    writes: object = None  # apply.Writes: what `apply` writes

    def fingerprint(self):
        """What importing would do, as a preview shows it (JSON, for the session and the task
        queue): confirming checks that nobody changed the plan in between."""
        return {
            "plan": self.plan_action,
            "counts": {kind: vars(count) for kind, count in self.counts.items()},
            "missing": sorted([missing.kind, missing.pk] for missing in self.missing),
        }

    @property
    def changes_anything(self):
        return self.plan_action != "unchanged" or any(
            count.create or count.update or (count.remove and self.removed)
            for count in self.counts.values()
        )
