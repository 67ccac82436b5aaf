"""Every printable document by name, so a view, the task worker and the command build the same.

`params` are JSON-safe (dates as ISO strings): they travel through the task queue.
"""

import datetime

from django.http import QueryDict
from django.shortcuts import get_object_or_404

from measures.models import Plan
from outcomes.models import Framework, Indicator

from .annex import count_lines, plan_annex
from .filters import filtered_lines
from .measures_report import measures_report
from .models import RenderJob
from .results import parse_as_of, results_framework

# Above this many action lines a render takes more than a few seconds (see docs/reports.md):
# it goes to the task worker and the user gets a progress page.
BACKGROUND_LINES = 300
# Lines per page (GB.279/TC/2: 78 on 18 pages; 1,000 generated: 205 pages): the progress bar.
LINES_PER_PAGE = 4


def build(kind, object_id, params, user):
    """The Document of `kind`; raises Http404 when its plan or framework is gone."""
    if kind == RenderJob.Kind.ANNEX:
        as_of = params.get("as_of")
        return plan_annex(
            get_object_or_404(Plan, pk=object_id),
            as_of=datetime.date.fromisoformat(as_of) if as_of else None,
            layout=params.get("layout") or None,
            changes=params.get("changes", False),
        )
    if kind == RenderJob.Kind.RESULTS:
        return results_framework(
            get_object_or_404(Framework, pk=object_id), as_of=parse_as_of(params.get("as_of"))
        )
    return measures_report(QueryDict(params.get("query", "")), user, params.get("language"))


def size(kind, object_id, params, user):
    """How many action lines (or their equivalent) the document prints: what decides
    foreground or background."""
    if kind == RenderJob.Kind.ANNEX:
        return count_lines(object_id)
    if kind == RenderJob.Kind.RESULTS:
        # An indicator prints a row and a row of milestones: about two annex lines.
        return 2 * Indicator.objects.filter(outcome__framework_id=object_id).count()
    return filtered_lines(QueryDict(params.get("query", "")), user)[1].count()


def title(kind, object_id, params, user):
    """What the progress page and "My PDFs" call the document."""
    label = RenderJob.Kind(kind).label
    if kind == RenderJob.Kind.ANNEX:
        return f"{label}: {get_object_or_404(Plan, pk=object_id)}"
    if kind == RenderJob.Kind.RESULTS:
        return f"{label}: {get_object_or_404(Framework, pk=object_id)}"
    return str(label)
