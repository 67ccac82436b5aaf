"""A results framework as the TC strategy 2010-15 prints it, with its results as of a date: per
outcome, its outputs, then Indicators | Baseline | Targets | Latest actual | Assessment, then the
milestones per biennium with their assessment."""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.text import slugify

from outcomes.models import Indicator

from .pdf import Document
from .wording import Wording


@dataclass
class IndicatorRow:
    code: str
    text: str
    baseline: str
    target: str
    latest: str  # the latest actual known on the date, "" where none
    assessment: str  # of the target
    assessment_value: str


@dataclass
class MilestoneCell:
    text: str
    assessment: str
    assessment_value: str


@dataclass
class MilestoneRow:
    code: str
    cells: list  # one MilestoneCell (or None) per biennium of the outcome


@dataclass
class OutputBlock:
    heading: str
    indicators: list[IndicatorRow]


@dataclass
class OutcomeBlock:
    heading: str
    targets_heading: str
    outputs: list[OutputBlock]
    indicators: list[IndicatorRow]  # those of the outcome itself, under no output
    periods: list[str]
    milestones: list[MilestoneRow]


@dataclass
class ResultsFramework:
    title: str
    as_of: str
    columns: dict
    outcomes: list[OutcomeBlock]


def framework_outcomes(framework, as_of):
    """The framework's outcomes with their outputs and indicators, results read as of `as_of`:
    five queries, however many indicators. Shared by the document and the exports."""
    indicators = Indicator.objects.with_results_as_of(as_of).order_by("order")
    return framework.outcomes.prefetch_related("outputs", Prefetch("indicators", indicators))


def results_framework(framework, as_of=None):
    as_of = as_of or timezone.localdate()
    words = Wording(framework.language)
    body = ResultsFramework(
        title=framework.title,
        as_of=words.phrase("results_as_of", date=words.date(as_of)),
        columns={
            "indicators": words["indicators"],
            "baseline": words["baseline"],
            "milestones": words["milestones"],
            "indicator": words["indicator"],
            "outputs": words["outputs"],
            "latest": words.phrase("latest_actual", date=words.date(as_of)),
            "assessment": words["target_assessment"],
        },
        outcomes=[_outcome_block(o, words) for o in framework_outcomes(framework, as_of)],
    )
    return Document(
        template="reports/results_framework.html",
        title=framework.title,
        symbol=framework.symbol or framework.code,
        language=framework.language,
        filename=f"{slugify(framework.code)}-results-{as_of.isoformat()}.pdf",
        body=body,
    )


def value_text(text, value, words):
    if text:
        return text
    return words.number(value) if value is not None else ""


def measurement_text(measurement, words):
    """ "72 (2010-11)": the figure, its words, and the period it measures."""
    if measurement is None:
        return ""
    figure = " ".join(
        part for part in (value_text("", measurement.value, words), measurement.text) if part
    )
    return f"{figure} ({measurement.period})"


def _outcome_block(outcome, words):
    indicators = list(outcome.indicators.all())
    goals = {i.pk: i.goals() for i in indicators}
    periods = sorted({m.period for i in indicators for m in i.milestones.all()})
    target_periods = {i.target_period for i in indicators} - {""}
    rows = {i.pk: _indicator_row(i, goals[i.pk], words) for i in indicators}
    return OutcomeBlock(
        heading=f"{words['outcome']} {outcome.code}: {outcome.title}",
        targets_heading=(
            words.phrase("targets", period=target_periods.pop())
            if len(target_periods) == 1
            else words["targets_plain"]
        ),
        outputs=[
            OutputBlock(
                f"{words.phrase('output_item', code=output.code)}: {output.title}",
                [rows[i.pk] for i in indicators if i.output_id == output.pk],
            )
            for output in outcome.outputs.all()
        ],
        indicators=[rows[i.pk] for i in indicators if i.output_id is None],
        periods=periods,
        milestones=[
            _milestone_row(i, goals[i.pk], periods, words)
            for i in indicators
            if i.milestones.all()
        ],
    )


def _indicator_row(indicator, goals, words):
    target = next((g for g in goals if g.kind == "target"), None)
    return IndicatorRow(
        code=indicator.code,
        text=indicator.text,
        baseline=value_text(indicator.baseline_text, indicator.baseline_value, words),
        target=value_text(indicator.target_text, indicator.target_value, words),
        latest=measurement_text(indicator.latest_measurement(), words),
        assessment=words.assessment(target.assessment) if target else "",
        assessment_value=target.assessment if target else "",
    )


def _milestone_row(indicator, goals, periods, words):
    by_period = {
        g.period: MilestoneCell(
            value_text(g.text, g.value, words), words.assessment(g.assessment), g.assessment
        )
        for g in goals
        if g.kind == "milestone"
    }
    return MilestoneRow(indicator.code, [by_period.get(period) for period in periods])


def parse_as_of(value):
    """A document's `as_of` parameter (ISO date or empty) as a date or None."""
    return datetime.date.fromisoformat(value) if value else None
