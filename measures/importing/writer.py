"""Write a plan back as a workbook in its layout's table, which the importer reads back.

A question takes one row, as in the annex, when its timeline, status and units cells can be
read back unambiguously (one paragraph per line, or a whole-question cell whose paragraphs do
not number the lines); otherwise it takes one row per line, and whole-question cells a row of
their own. Texts are cleaned of control characters and written as strings, never as formulas;
superscripts ("87<sup>e</sup>") as rich text.

The plan is read through `measures.outline`, as its pages read it, as of its latest cleared
report; each line's status cell is its own newest text, not its question's.
"""

import io
import re
from datetime import date

from django.db.models import Max, Prefetch, prefetch_related_objects
from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Alignment, Font

from ilo_tracker.text import clean_text
from measures.models import StatusUpdate
from measures.outline import plan_outline
from measures.text import is_bullet, is_numbered
from outcomes.models import Output

from .headers import PLAN_DATE_LABELS
from .layouts import LINES, QUESTION, STATUS, TIMELINE, UNITS, get_layout
from .layouts.gb341 import LAYOUT as GROUPED_LAYOUT

_SUPERSCRIPT = re.compile(r"<sup>(.*?)</sup>", re.DOTALL)
_SUPERSCRIPT_FONT = InlineFont(vertAlign="superscript")
_MONTHS = {
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "en": "January February March April May June July August September October November December",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
    "diciembre",
}
_WIDTHS = {QUESTION: 42, LINES: 90, TIMELINE: 34, STATUS: 70, UNITS: 18}
_WRAP = Alignment(wrap_text=True, vertical="top")
_BOLD = Font(bold=True)


def long_date(day: date, language: str) -> str:
    month = _MONTHS[language].split()[day.month - 1]
    if language == "es":
        return f"{day.day} de {month} de {day.year}"
    return f"{day.day} {month} {day.year}"


def month_and_year(day: date, language: str) -> str:
    month = _MONTHS[language].split()[day.month - 1]
    return f"{month} de {day.year}" if language == "es" else f"{month} {day.year}"


def _titles(layout, language, as_of, units):
    """Column kind -> title, in the table's order."""
    words = layout.titles[language]
    kinds = [QUESTION, LINES, TIMELINE] + [STATUS] * bool(as_of) + [UNITS] * units
    titles = {kind: words[kind] for kind in kinds}
    if as_of:
        titles[STATUS] = words[STATUS].format(long_date(as_of, language))
    return titles


def write_blank_template(language: str, as_of: date) -> bytes:
    sheet = _Sheet(_titles(get_layout("gb279"), language, as_of, units=True))
    sheet.merged("GB.___/___/_ – …", bold=True)
    sheet.merged(PLAN_DATE_LABELS[language].strip())
    sheet.header()
    return sheet.save()


def write_plan(plan) -> bytes:
    # The outline as of the plan's latest report, with each line's own newest text: a line's
    # status may be its question's, but the round trip needs each target's own cell back.
    as_of = latest_report_date(plan)
    outline = plan_outline(plan, as_of or date.min)
    prefetch_related_objects(
        [node.question for part in outline.parts for node in part.questions],
        Prefetch(
            "outputs",
            queryset=Output.objects.with_framework().order_by(
                "outcome__framework__first_year", "outcome__order", "order"
            ),
        ),
    )

    layout = get_layout(plan.layout)
    language = plan.language if plan.language in layout.titles else "fr"
    has_units = any(line.units for line in outline.lines)
    sheet = _Sheet(_titles(layout, language, as_of, units=has_units))
    sheet.merged(f"{plan.symbol} – {plan.title}", bold=True)
    if plan.date:
        # The 1st of a month is read back from the month alone, as the annexes write it.
        written = (month_and_year if plan.date.day == 1 else long_date)(plan.date, language)
        sheet.merged(PLAN_DATE_LABELS[language] + written)
    else:
        sheet.row += 1
    sheet.header()
    sentences = (layout.group_sentences or GROUPED_LAYOUT.group_sentences)[language]
    for part in outline.parts:
        if part.part.title:
            sheet.merged(part.part.title, bold=True)
        run, run_key = [], None
        for node in part.questions:
            question = node.question
            key = _group_key(question)
            if run and key != run_key:
                _write_group(sheet, run, sentences)
                run = []
            for values in _question_rows(node):
                sheet.values(values, bold=question.is_heading)
            if key:
                run.append(question)
            run_key = key
        if run:
            _write_group(sheet, run, sentences)
    return sheet.save()


def latest_report_date(plan):
    """The latest as-of date of the plan's cleared updates, None before any."""
    updates = StatusUpdate.objects.cleared().of_plan(plan)
    return updates.aggregate(latest=Max("as_of"))["latest"]


def _narrative(status):
    return status.narrative if status else ""


def _question_rows(node):
    """The question's rows, each a {column kind: text}."""
    question, lines = node.question, node.lines
    first = f"{question.code} {question.title}".strip()
    if question.is_heading:
        return [{QUESTION: first}]
    whole_status = _narrative(node.status)
    whole = {TIMELINE: question.timeline, STATUS: whole_status}
    if not lines:
        return [{QUESTION: first, LINES: question.context, **whole}]
    texts = [line.text for line in lines]
    own = {
        TIMELINE: [_one_paragraph(line.timeline) for line in lines],
        STATUS: [_one_paragraph(_narrative(line.own_update)) for line in lines],
        UNITS: ["; ".join(unit.code for unit in line.units) for line in lines],
    }
    if (
        (all(map(is_bullet, texts)) or all(map(is_numbered, texts)))
        and all(_reads_back(own[kind], whole[kind]) for kind in whole)
        # One units paragraph is every line's; else one a line.
        and (len(set(own[UNITS])) == 1 or all(own[UNITS]))
    ):
        row = {QUESTION: first, LINES: _join(question.context, *texts)}
        for kind, per_line in own.items():
            same = kind == UNITS and len(set(per_line)) == 1
            row[kind] = per_line[0] if same else _join(*per_line) or whole.get(kind, "")
        return [row]
    rows = [
        {LINES: text, **{kind: values[index] for kind, values in own.items()}}
        for index, text in enumerate(texts)
    ]
    rows[0] |= {QUESTION: first, LINES: _join(question.context, texts[0])}
    if question.timeline or whole_status:
        rows.append(whole)
    return rows


def _reads_back(per_line, whole):
    if all(per_line):
        return not whole
    return not any(per_line) and len(whole.split("\n")) != len(per_line)


def _one_paragraph(text):
    return " ".join(text.split("\n"))


def _join(*paragraphs):
    return "\n".join(paragraph for paragraph in paragraphs if paragraph)


def _group_key(question):
    outputs = tuple(output.pk for output in question.outputs.all())
    return (outputs, question.outputs_note) if outputs or question.outputs_note else None


def _write_group(sheet, questions, sentence):
    codes = [question.code.rstrip(".") for question in questions]
    if len(codes) == 1:
        sheet.merged(sentence.singular.format(codes[0]))
    else:
        listed = f"{', '.join(codes[:-1])} {sentence.conjunction} {codes[-1]}"
        sheet.merged(sentence.plural.format(listed))
    first = questions[0]
    for note in filter(None, first.outputs_note.split("\n")):
        sheet.merged(note)
    for output in first.outputs.all():
        framework = output.outcome.framework.code
        sheet.merged(f"{framework}, {sentence.output} {output.code}: {output.title}")


class _Sheet:
    def __init__(self, titles):
        self.book = Workbook()
        self.sheet = self.book.active
        self.sheet.title = "Plan"
        self.titles = titles
        self.columns = {kind: column for column, kind in enumerate(titles, start=1)}
        self.row = 1

    def put(self, column, text, bold=False):
        cell = self.sheet.cell(self.row, column)
        # A control character stored before the app cleaned its input cannot break the file.
        text = clean_text(text) if isinstance(text, str) else text
        if isinstance(text, str) and "<sup>" in text:
            cell.value = rich_text_value(text)
        else:
            cell.value = text
            if cell.data_type == "f":
                cell.data_type = "s"  # a text starting with "=" stays text
        cell.alignment = _WRAP
        if bold:
            cell.font = _BOLD

    def values(self, values, bold=False):
        """Write one row of {column kind: text}; kinds the table lacks are not written."""
        for kind, text in values.items():
            if text and kind in self.columns:
                self.put(self.columns[kind], text, bold=bold and kind == QUESTION)
        self.row += 1

    def merged(self, text, bold=False):
        self.put(1, text, bold=bold)
        self.sheet.merge_cells(
            start_row=self.row, start_column=1, end_row=self.row, end_column=len(self.titles)
        )
        self.row += 1

    def header(self):
        self.values(self.titles, bold=False)
        for column in range(1, len(self.titles) + 1):
            self.sheet.cell(self.row - 1, column).font = _BOLD
        self.sheet.freeze_panes = self.sheet.cell(self.row, 1)

    def save(self):
        for kind, column in self.columns.items():
            self.sheet.column_dimensions[chr(ord("A") + column - 1)].width = _WIDTHS[kind]
        buffer = io.BytesIO()
        self.book.save(buffer)
        return buffer.getvalue()


def rich_text_value(text):
    """ "87<sup>e</sup> session" as rich text: "87", "e" raised, " session"."""
    runs, start = [], 0
    for match in _SUPERSCRIPT.finditer(text):
        runs.append(text[start : match.start()])
        runs.append(TextBlock(_SUPERSCRIPT_FONT, match[1]))
        start = match.end()
    runs.append(text[start:])
    return CellRichText([run for run in runs if run])
