"""A results framework as the workbook `import_framework` reads (see outcomes.workbook): the
same sheets and columns, titled in the framework's language, one row per measurement."""

import tempfile

from openpyxl import Workbook
from openpyxl.styles import Font

from outcomes.models import Measurement
from outcomes.workbook import COLUMNS, LANGUAGE_INDEX, SHEET_COLUMNS, SHEETS

from .exports import _cell


def framework_rows(framework):
    """{sheet key: [row, …]}, each row a dict by column key. Five queries."""
    outcomes = list(framework.outcomes.prefetch_related("outputs", "indicators__milestones"))
    outputs = {p.pk: p.code for o in outcomes for p in o.outputs.all()}
    measurements = Measurement.objects.filter(indicator__outcome__framework=framework)
    measurements = measurements.select_related("indicator__outcome").order_by(
        "indicator__outcome__order", "indicator__order", "period_end", "as_of", "entered_at", "pk"
    )
    rows = {key: [] for key in SHEETS}
    rows["framework"].append({k: getattr(framework, k) for k in SHEET_COLUMNS["framework"]})
    for o in outcomes:
        rows["outcomes"].append(
            {"code": o.code, "kind": o.kind, "title": o.title, "strategy": o.strategy}
        )
        for p in o.outputs.all():
            rows["outputs"].append({"outcome": o.code, "code": p.code, "title": p.title})
        for i in o.indicators.all():
            rows["indicators"].append(
                {
                    "outcome": o.code,
                    "indicator": i.code,
                    "output": outputs.get(i.output_id, ""),
                    **{k: getattr(i, k) for k in SHEET_COLUMNS["indicators"][3:]},
                }
            )
            for m in i.milestones.all():
                rows["milestones"].append(
                    {
                        "outcome": o.code,
                        "indicator": i.code,
                        "period": m.period,
                        "value": m.value,
                        "text": m.text,
                    }
                )
    for m in measurements:
        rows["measurements"].append(
            {
                "outcome": m.indicator.outcome.code,
                "indicator": m.indicator.code,
                "period": m.period,
                **{k: getattr(m, k) for k in SHEET_COLUMNS["measurements"][3:]},
            }
        )
    return rows


def framework_workbook(framework):
    """The workbook in an anonymous temporary file, rewound for reading."""
    language = LANGUAGE_INDEX.get(framework.language, 0)
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for key, rows in framework_rows(framework).items():
        sheet = workbook.create_sheet(title=SHEETS[key][language])
        columns = SHEET_COLUMNS[key]
        sheet.append([_cell(sheet, COLUMNS[c][language], font=bold) for c in columns])
        for row in rows:
            sheet.append([_cell(sheet, "" if row[c] is None else row[c]) for c in columns])
    file = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it, which deletes it)
    workbook.save(file)
    file.seek(0)
    return file
