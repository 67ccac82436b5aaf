"""Frameworks with indicators, milestones and measurements for the results tests."""

import datetime
import itertools
from decimal import Decimal

from ilo_tracker import audit
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

_sequence = itertools.count(1)


MILESTONES = (("2010-11", 70), ("2012-13", 80))


def make_framework(*, outcomes=1, outputs=0, indicators=1, language="fr", bulk=False, **kwargs):
    """A 2010-2015 framework of `outcomes` × (`outputs` outputs, `indicators` indicators), each
    indicator going from 50 to 90 with milestones 70 (2010-11) and 80 (2012-13).

    With `bulk=True` the same indicators, milestones and their history are written by bulk
    inserts: for the query pins' large frameworks."""
    n = next(_sequence)
    milestones = kwargs.pop("milestones", MILESTONES)
    framework = Framework.objects.create(
        code=kwargs.pop("code", f"F{n}"),
        kind=Framework.Kind.STRATEGY,
        title=kwargs.pop("title", f"Stratégie {n}"),
        first_year=2010,
        last_year=2015,
        language=language,
    )
    new_indicators = []
    for o in range(1, outcomes + 1):
        outcome = Outcome.objects.create(framework=framework, order=o, code=str(o), title=f"R{o}")
        for p in range(1, outputs + 1):
            Output.objects.create(outcome=outcome, order=p, code=f"{o}.{p}", title=f"P{o}.{p}")
        for i in range(1, indicators + 1):
            if bulk:
                new_indicators.append(new_indicator(outcome, order=i, **kwargs))
            else:
                make_indicator(outcome, order=i, milestones=milestones, **kwargs)
    if new_indicators:
        audit.bulk_create_with_history(Indicator, new_indicators)
        audit.bulk_create_with_history(
            Milestone,
            [m for indicator in new_indicators for m in new_milestones(indicator, milestones)],
        )
    return framework


def make_indicator(outcome, *, order=1, milestones=MILESTONES, **kw):
    indicator = new_indicator(outcome, order=order, **kw)
    indicator.save()
    for milestone in new_milestones(indicator, milestones):
        milestone.save()
    return indicator


def new_indicator(outcome, *, order=1, **kw):
    """`make_indicator`'s indicator, not saved yet."""
    return Indicator(
        outcome=outcome,
        order=order,
        code=f"{outcome.code}.{order}",
        text=kw.pop("text", f"Indicateur {outcome.code}.{order}"),
        baseline_value=kw.pop("baseline_value", Decimal(50)),
        target_value=kw.pop("target_value", Decimal(90)),
        target_text=kw.pop("target_text", ""),
        target_period=kw.pop("target_period", "2010-2015"),
        direction=kw.pop("direction", Direction.INCREASE),
        **kw,
    )


def new_milestones(indicator, milestones):
    """Unsaved milestones of `indicator`: (period, a number or a text) each."""
    for period, value in milestones:
        numeric = isinstance(value, (int, Decimal))
        yield Milestone(
            indicator=indicator,
            period=period,
            value=value if numeric else None,
            text="" if numeric else value,
        )


def measure(indicator, period, value=None, *, as_of, **kwargs):
    start, end = period_bounds(period)
    return Measurement.objects.create(
        indicator=indicator,
        period_start=start,
        period_end=end,
        value=value,
        as_of=as_of,
        **kwargs,
    )


def results(indicator, as_of):
    """The indicator read back with its results as of `as_of`."""
    return Indicator.objects.with_results_as_of(as_of).get(pk=indicator.pk)


def assessments(indicator, as_of):
    """{"milestone 2010-11": "met", …, "target 2010-2015": …} as of `as_of`."""
    return {f"{g.kind} {g.period}": g.assessment for g in results(indicator, as_of).goals()}


def day(text):
    return datetime.date.fromisoformat(text)
