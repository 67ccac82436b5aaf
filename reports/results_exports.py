"""A framework's indicators with their milestones, target and latest actual as of a date, as a
spreadsheet (XLSX or CSV): one row per indicator, read by the same function as the PDF."""

import csv
import datetime
import io

from django.utils.translation import gettext as _

from ilo_tracker.text import clean_text

from .exports import neutralise, rows_xlsx
from .results import framework_outcomes


def indicator_rows(framework, as_of):
    """The header, then one list of cell values per indicator, in the framework's order."""
    outcomes = list(framework_outcomes(framework, as_of))
    indicators = [(o, i) for o in outcomes for i in o.indicators.all()]
    goals = {i.pk: i.goals() for _, i in indicators}
    periods = sorted({g.period for gs in goals.values() for g in gs if g.kind == "milestone"})
    yield [
        _("Framework"),
        _("Outcome"),
        _("Output"),
        _("Indicator"),
        _("Text"),
        _("Unit of measure"),
        _("Direction of improvement"),
        _("Baseline value"),
        _("Baseline"),
        _("Target value"),
        _("Target"),
        _("Target period"),
        _("Assessment against the target"),
        _("Latest actual"),
        _("Latest actual in words"),
        _("Period measured"),
        _("As of"),
        _("Source"),
        *(
            header
            for period in periods
            for header in (
                _("Milestone %(period)s") % {"period": period},
                _("Assessment %(period)s") % {"period": period},
            )
        ),
    ]
    outputs = {p.pk: p.code for o in outcomes for p in o.outputs.all()}
    for outcome, indicator in indicators:
        latest = indicator.latest_measurement()
        by_period = {g.period: g for g in goals[indicator.pk] if g.kind == "milestone"}
        target = next((g for g in goals[indicator.pk] if g.kind == "target"), None)
        milestone_cells = []
        for period in periods:
            goal = by_period.get(period)
            milestone_cells += (
                [goal.text or goal.value, str(goal.assessment_label)] if goal else ["", ""]
            )
        yield [
            framework.code,
            outcome.code,
            outputs.get(indicator.output_id, ""),
            indicator.code,
            indicator.text,
            indicator.unit,
            indicator.get_direction_display(),
            indicator.baseline_value,
            indicator.baseline_text,
            indicator.target_value,
            indicator.target_text,
            indicator.target_period,
            str(target.assessment_label) if target else "",
            latest.value if latest else None,
            latest.text if latest else "",
            latest.period if latest else "",
            latest.as_of if latest else None,
            latest.source if latest else "",
            *milestone_cells,
        ]


def _plain(value):
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return neutralise(clean_text(str(value)))


def indicators_csv(framework, as_of):
    """UTF-8 CSV with a byte-order mark, formulas neutralised."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    for row in indicator_rows(framework, as_of):
        writer.writerow([_plain(v) for v in row])
    return out.getvalue()


def indicators_xlsx(framework, as_of):
    """A write-only workbook in an anonymous temporary file, rewound for reading."""
    return rows_xlsx(indicator_rows(framework, as_of), title=_("Indicators"))
