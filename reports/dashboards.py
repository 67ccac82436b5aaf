"""View models of the plan and framework dashboards: a fixed number of queries, every number
carrying the link to the measures table filtered to exactly its lines."""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from measures.models import DUE_SOON_DAYS, ActionLine, StatusCategory, due_within_condition
from measures.outline import attach_statuses
from outcomes.models import Assessment, Indicator, Milestone, Outcome, Output

from .charts import Bar, bar_chart
from .filters import NO_STATUS_VALUE, lines_as_of, output_links
from .results import framework_outcomes

OLDEST_OVERDUE = 10
DUE_WITHIN_DAYS = (DUE_SOON_DAYS, 90)
STATUS_KINDS = {StatusCategory.COMPLETED: "completed", StatusCategory.DELAYED: "overdue"}


def table_url(as_of, **filters):
    return f"{reverse('measures')}?{urlencode({'as_of': as_of.isoformat(), **filters})}"


@dataclass
class Figure:
    label: str
    number: int
    url: str
    kind: str = ""


@dataclass
class Counts:
    """Lines of one plan, part, outcome or output, counted by status and by deadline."""

    label: str
    total: Figure
    statuses: list[Figure]
    deadlines: list[Figure] = field(default_factory=list)

    def status_chart(self, chart_id, title):
        return bar_chart(
            chart_id, title, [Bar(f.label, f.number, f.url, f.kind) for f in self.statuses]
        )


def status_figures(by_status, as_of, filters):
    """One figure per status category, then lines with no status reported yet."""
    choices = [*StatusCategory.choices, (NO_STATUS_VALUE, _("No status reported"))]
    return [
        Figure(
            label,
            by_status.get(value, 0),
            table_url(as_of, status=value, **filters),
            STATUS_KINDS.get(value, ""),
        )
        for value, label in choices
    ]


def _status_key(category):
    return category or NO_STATUS_VALUE


# Plan dashboard ------------------------------------------------------------------------------


@dataclass
class PlanDashboard:
    plan: object
    as_of: datetime.date
    whole: Counts
    parts: list[tuple[object, Counts]]
    oldest_overdue: list[tuple[ActionLine, str]]

    def status_chart(self):
        return self.whole.status_chart("plan-status", _("Lines by status"))


def plan_dashboard(plan, as_of):
    lines = ActionLine.objects.filter(question__part__plan=plan)
    in_set = {
        "overdue": Q(is_overdue=True),
        "not_read": Q(pk__in=ActionLine.objects.deadline_not_read().values("pk")),
        **{f"due_{days}": due_within_condition(days, as_of) for days in DUE_WITHIN_DAYS},
    }
    rows = (
        lines.with_status_as_of(as_of)
        .annotate(category=F("status_category"))
        .values("question__part_id", "category")
        .annotate(total=Count("pk"), **{k: Count("pk", filter=q) for k, q in in_set.items()})
        .order_by()
    )
    by_part = defaultdict(Counter)
    statuses = defaultdict(Counter)
    for row in rows:
        part_id = row.pop("question__part_id")
        statuses[part_id][_status_key(row.pop("category"))] += row["total"]
        by_part[part_id].update(row)

    def counts(label, deadline_counts, by_status, filters):
        get = deadline_counts.get
        deadlines = [
            Figure(_("Overdue"), get("overdue", 0), table_url(as_of, overdue=1, **filters)),
            *(
                Figure(
                    _("Due within %(days)d days") % {"days": days},
                    get(f"due_{days}", 0),
                    table_url(as_of, due_within=days, **filters),
                )
                for days in DUE_WITHIN_DAYS
            ),
            Figure(
                _("Deadline not read"), get("not_read", 0), table_url(as_of, not_read=1, **filters)
            ),
        ]
        return Counts(
            label,
            Figure(_("Lines"), get("total", 0), table_url(as_of, **filters)),
            status_figures(by_status, as_of, filters),
            deadlines,
        )

    parts = list(plan.parts.all())
    part_counts = [
        (part, counts(part.title, by_part[part.pk], statuses[part.pk], {"part": part.pk}))
        for part in parts
    ]
    whole = counts(
        str(plan),
        sum(by_part.values(), Counter()),
        sum(statuses.values(), Counter()),
        {"plan": plan.pk},
    )
    oldest = (
        lines_as_of(as_of)
        .filter(question__part__plan=plan, is_overdue=True)
        .order_by("due_date", "question__part__order", "question__order", "order")
    )
    oldest_overdue = [
        (line, line.status.label if line.status else "")
        for line in attach_statuses(list(oldest[:OLDEST_OVERDUE]))
    ]
    return PlanDashboard(plan, as_of, whole, part_counts, oldest_overdue)


# Framework dashboard -------------------------------------------------------------------------


@dataclass
class OutputNode:
    output: Output
    counts: Counts
    indicators: list[Indicator]


@dataclass
class OutcomeNode:
    outcome: Outcome
    counts: Counts
    outputs: list[OutputNode]
    indicators: list[Indicator]

    @property
    def label(self):
        return f"{self.outcome.code}. {self.outcome.title}"


@dataclass
class FrameworkDashboard:
    framework: object
    as_of: datetime.date
    whole: Counts
    outcomes: list[OutcomeNode]

    def status_chart(self):
        return self.whole.status_chart("framework-status", _("Linked lines by status"))


def framework_dashboard(framework, as_of):
    indicators = Indicator.objects.prefetch_related(
        Prefetch("milestones", queryset=Milestone.objects.order_by("period"))
    )
    outcomes = list(
        framework.outcomes.prefetch_related("outputs", Prefetch("indicators", queryset=indicators))
    )
    outputs = Output.objects.filter(outcome__framework=framework)
    lines_of_output = defaultdict(set)
    for output_id, line_id in output_links(outputs):
        lines_of_output[output_id].add(line_id)
    linked = (
        ActionLine.objects.with_status_as_of(as_of)
        .linked_to_outputs(outputs)
        .annotate(category=F("status_category"))
    )
    status_of = {}
    overdue = set()
    for pk, category, is_overdue in linked.values_list("pk", "category", "is_overdue"):
        status_of[pk] = _status_key(category)
        if is_overdue:
            overdue.add(pk)

    def counts(label, line_ids, filters):
        return Counts(
            label,
            Figure(_("Linked lines"), len(line_ids), table_url(as_of, **filters)),
            status_figures(Counter(status_of[pk] for pk in line_ids), as_of, filters),
            [
                Figure(
                    _("Overdue"),
                    len(line_ids & overdue),
                    table_url(as_of, overdue=1, **filters),
                    "overdue",
                )
            ],
        )

    nodes = []
    for outcome in outcomes:
        output_nodes = [
            OutputNode(
                output,
                counts(output.title, lines_of_output[output.pk], {"output": output.pk}),
                [i for i in outcome.indicators.all() if i.output_id == output.pk],
            )
            for output in outcome.outputs.all()
        ]
        outcome_lines = set().union(*(lines_of_output[o.output.pk] for o in output_nodes))
        nodes.append(
            OutcomeNode(
                outcome,
                counts(outcome.title, outcome_lines, {"outcome": outcome.pk}),
                output_nodes,
                [i for i in outcome.indicators.all() if i.output_id is None],
            )
        )
    whole = counts(str(framework), set(status_of), {"framework": framework.pk})
    return FrameworkDashboard(framework, as_of, whole, nodes)


# Indicators by assessment --------------------------------------------------------------------

NO_GOAL = "no_goal"
ASSESSMENT_KINDS = {
    Assessment.MET: "completed",
    Assessment.PARTLY_MET: "due-soon",
    Assessment.NOT_MET: "overdue",
}


def assessment_choices():
    return [*Assessment.choices, (NO_GOAL, _("No milestone nor target"))]


def assessment_key(indicator):
    """What the indicator counts as on the dashboard: its current goal's assessment."""
    goal = indicator.current_goal()
    return goal.assessment if goal else NO_GOAL


def indicators_url(framework, as_of, **filters):
    url = reverse("framework_indicators", args=[framework.pk])
    return f"{url}?{urlencode({'as_of': as_of.isoformat(), **filters})}"


@dataclass
class AssessmentCounts:
    label: str
    total: Figure
    figures: list[Figure]


@dataclass
class IndicatorAssessments:
    """Indicators of a framework, of each outcome, by the assessment they are judged by."""

    whole: AssessmentCounts
    outcomes: list[AssessmentCounts]

    def chart(self):
        bars = [Bar(f.label, f.number, f.url, f.kind) for f in self.whole.figures]
        return bar_chart("framework-assessments", _("Indicators by assessment"), bars)


def indicator_assessments(framework, as_of):
    """Five queries: outcomes, outputs, indicators, milestones, measurements as of the date."""
    outcomes = list(framework_outcomes(framework, as_of))
    keys = {o.pk: Counter(assessment_key(i) for i in o.indicators.all()) for o in outcomes}

    def counts(label, by_key, filters):
        return AssessmentCounts(
            label,
            Figure(
                _("Indicators"), sum(by_key.values()), indicators_url(framework, as_of, **filters)
            ),
            [
                Figure(
                    label,
                    by_key.get(value, 0),
                    indicators_url(framework, as_of, assessment=value, **filters),
                    ASSESSMENT_KINDS.get(value, ""),
                )
                for value, label in assessment_choices()
            ],
        )

    return IndicatorAssessments(
        counts(str(framework), sum(keys.values(), Counter()), {}),
        [counts(f"{o.code}. {o.title}", keys[o.pk], {"outcome": o.pk}) for o in outcomes],
    )
