"""A results framework as the TC strategy 2010-15 prints it: per outcome, Indicators | Baseline |
Targets, then the milestones per biennium."""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.text import slugify

from outcomes.models import Indicator, Milestone

from .pdf import Document
from .wording import Wording


@dataclass
class IndicatorRow:
    code: str
    text: str
    baseline: str
    target: str


@dataclass
class MilestoneRow:
    code: str
    texts: list[str]  # one per biennium of the outcome, "" where none


@dataclass
class OutcomeBlock:
    heading: str
    targets_heading: str
    indicators: list[IndicatorRow]
    periods: list[str]
    milestones: list[MilestoneRow]


@dataclass
class ResultsFramework:
    title: str
    columns: dict
    outcomes: list[OutcomeBlock]


def results_framework(framework):
    words = Wording(framework.language)
    outcomes = framework.outcomes.prefetch_related(
        Prefetch(
            "indicators",
            Indicator.objects.order_by("order").prefetch_related(
                Prefetch("milestones", Milestone.objects.order_by("period"))
            ),
        )
    )
    body = ResultsFramework(
        title=framework.title,
        columns={
            "indicators": words["indicators"],
            "baseline": words["baseline"],
            "milestones": words["milestones"],
            "indicator": words["indicator"],
        },
        outcomes=[_outcome_block(outcome, words) for outcome in outcomes],
    )
    return Document(
        template="reports/results_framework.html",
        title=framework.title,
        symbol=framework.symbol or framework.code,
        language=framework.language,
        filename=f"{slugify(framework.code)}-results.pdf",
        body=body,
    )


def _value(text, value, words):
    if text:
        return text
    return words.number(value) if value is not None else ""


def _outcome_block(outcome, words):
    indicators = list(outcome.indicators.all())
    periods = sorted({m.period for i in indicators for m in i.milestones.all()})
    target_periods = {i.target_period for i in indicators} - {""}
    return OutcomeBlock(
        heading=f"{words['outcome']} {outcome.code}: {outcome.title}",
        targets_heading=(
            words.phrase("targets", period=target_periods.pop())
            if len(target_periods) == 1
            else words["targets_plain"]
        ),
        indicators=[
            IndicatorRow(
                code=i.code,
                text=i.text,
                baseline=_value(i.baseline_text, i.baseline_value, words),
                target=_value(i.target_text, i.target_value, words),
            )
            for i in indicators
        ],
        periods=periods,
        milestones=[_milestone_row(i, periods, words) for i in indicators if i.milestones.all()],
    )


def _milestone_row(indicator, periods, words):
    by_period = {m.period: _value(m.text, m.value, words) for m in indicator.milestones.all()}
    return MilestoneRow(indicator.code, [by_period.get(period, "") for period in periods])
