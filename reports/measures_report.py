"""The managers' measures table, with any filter, as a PDF report in the reader's language.

Same lines (`reports.filters.filtered_lines`), order and columns (`MeasuresTable`) as the page.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext, override
from django_tables2.rows import BoundRow

from measures.outline import attach_statuses

from .filters import filtered_lines
from .pdf import Document
from .tables import MeasuresTable


@dataclass
class QuestionStatus:
    """A status reported for a whole question: printed once, above the first of its lines."""

    heading: str
    narrative: str


@dataclass
class ReportRow:
    cells: list[str]
    narrative: str  # the line's own status text, printed under its status
    question_status: QuestionStatus | None = None


@dataclass
class MeasuresReport:
    title: str
    as_of: str
    filters: list[tuple[str, str]]  # (label, value) of each filter in use, for the reader
    columns: list[tuple[str, str]]  # (name, title)
    rows: list[ReportRow]
    status_column: int


def measures_report(data, user, language=None):
    """The report of the lines `user` may read that match the filters in `data` (a QueryDict)."""
    language = language or get_language()
    with override(language):
        filterset, lines, as_of = filtered_lines(data, user)
        lines = attach_statuses(list(lines))
        table = MeasuresTable(lines, as_of=as_of)
        names = [column.name for column in table.columns]
        title = gettext("Measures as of %(date)s") % {
            "date": date_format(as_of or timezone.localdate())
        }
        body = MeasuresReport(
            title=title,
            as_of=date_format(as_of) if as_of else "",
            filters=_filters_in_use(filterset),
            columns=[(column.name, str(column.header)) for column in table.columns],
            rows=_rows(lines, table, names),
            status_column=names.index("status"),
        )
    return Document(
        template="reports/measures.html",
        title=title,
        symbol="",
        language=language,
        filename=f"measures-{(as_of or timezone.localdate()).isoformat()}.pdf",
        body=body,
    )


def _rows(lines, table, names):
    """One row per line; a status reported for a whole question goes once above its lines."""
    rows, printed = [], set()
    for line in lines:
        status = line.status
        row = ReportRow(
            [_text(BoundRow(line, table=table).get_cell_value(name)) for name in names], ""
        )
        if status is None:
            pass
        elif not status.about_question:
            row.narrative = status.narrative
        elif status.update_id not in printed and status.narrative:
            printed.add(status.update_id)
            row.question_status = QuestionStatus(
                gettext("%(plan)s, question %(code)s: status of the whole question")
                % {"plan": line.question.part.plan, "code": line.question.code},
                status.narrative,
            )
        rows.append(row)
    return rows


def _text(value):
    if isinstance(value, datetime.date):
        return date_format(value)
    return "" if value is None else str(value)


def _filters_in_use(filterset):
    if not filterset.is_valid():
        return []
    used = []
    for name, value in filterset.form.cleaned_data.items():
        if isinstance(value, slice):
            value = None if value == slice(None) else _range(value)
        if name == "as_of" or value in (None, "", [], False):
            continue
        if isinstance(value, list | tuple):
            choices = dict(filterset.form.fields[name].choices)
            value = ", ".join(str(choices.get(v, v)) for v in value)
        elif value is True:
            value = gettext("Yes")
        used.append((str(filterset.form.fields[name].label), str(value)))
    return used


def _range(value):
    return " – ".join(date_format(d) if d else "…" for d in (value.start, value.stop))
