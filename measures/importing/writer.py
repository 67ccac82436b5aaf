"""Write a plan back as a workbook in the layout the importer reads (GB annex columns).

A question takes one row, as in the annex, when its timeline and status cells can be read
back unambiguously (one paragraph per line, or a whole-question cell whose paragraphs do not
number the lines); otherwise it takes one row per line, and whole-question cells a row of
their own. Texts are written as strings, never as formulas.
"""

import io
from collections import defaultdict
from datetime import date

from django.db.models import Prefetch, Q
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from measures.models import ActionLine, Question, StatusUpdate
from measures.text import clean_text
from outcomes.models import Output

from .headers import PLAN_DATE_LABELS
from .layout import is_bullet

_HEADERS = {
    "fr": ["Questions", "Contexte et lignes d'action", "Calendrier", "Etat des travaux au {}"],
    "en": ["Questions", "Context and lines of action", "Timetable", "Status of work as of {}"],
    "es": [
        "Cuestiones",
        "Contexto y líneas de acción",
        "Calendario",
        "Estado de los trabajos al {}",
    ],
}
# Plans whose lines are deliverables without bullets (GB.341/POL/4) use these titles.
_MEASURE_HEADERS = {
    "fr": ["Mesure proposée", "Réalisations attendues", "Échéance"],
    "en": ["Proposed action", "Expected deliverables", "Deadline"],
    "es": ["Medida propuesta", "Resultados esperados", "Plazo"],
}
_MONTHS = {
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "en": "January February March April May June July August September October November December",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
    "diciembre",
}
_GROUP_SENTENCE = {
    "fr": (
        "La mesure proposée {} concerne en particulier les produits suivants:",
        "Les mesures proposées {} concernent en particulier les produits suivants:",
        "et",
        "produit",
    ),
    "en": (
        "Proposed action {} relates in particular to the following outputs:",
        "Proposed actions {} relate in particular to the following outputs:",
        "and",
        "output",
    ),
    "es": (
        "La medida propuesta {} se refiere en particular a los productos siguientes:",
        "Las medidas propuestas {} se refieren en particular a los productos siguientes:",
        "y",
        "producto",
    ),
}
_WIDTHS = [42, 90, 34, 70]
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


def write_blank_template(language: str, as_of: date) -> bytes:
    sheet = _Sheet(
        _HEADERS[language][:3] + [_HEADERS[language][3].format(long_date(as_of, language))]
    )
    sheet.merged("GB.___/___/_ – …", bold=True)
    sheet.merged(PLAN_DATE_LABELS[language].strip())
    sheet.header()
    return sheet.save()


def write_plan(plan) -> bytes:
    parts = list(plan.parts.order_by("order"))
    questions = defaultdict(list)
    for question in (
        Question.objects.filter(part__plan=plan)
        .order_by("order")
        .prefetch_related(
            Prefetch(
                "outputs",
                queryset=Output.objects.with_framework().order_by(
                    "outcome__framework__first_year", "outcome__order", "order"
                ),
            )
        )
    ):
        questions[question.part_id].append(question)
    lines = defaultdict(list)
    for line in ActionLine.objects.filter(question__part__plan=plan).order_by("order"):
        lines[line.question_id].append(line)
    status, as_of = _latest_status(plan)

    language = plan.language if plan.language in _HEADERS else "fr"
    bulleted = any(is_bullet(line.text) for group in lines.values() for line in group)
    titles = (_HEADERS if bulleted else _MEASURE_HEADERS)[language][:3]
    if as_of:
        titles = [*titles, _HEADERS[language][3].format(long_date(as_of, language))]
    sheet = _Sheet(titles)
    sheet.merged(f"{plan.symbol} – {plan.title}", bold=True)
    if plan.date:
        # The 1st of a month is read back from the month alone, as the annexes write it.
        written = (month_and_year if plan.date.day == 1 else long_date)(plan.date, language)
        sheet.merged(PLAN_DATE_LABELS[language] + written)
    else:
        sheet.row += 1
    sheet.header()
    for part in parts:
        if part.title:
            sheet.merged(part.title, bold=True)
        run, run_key = [], None
        for question in questions[part.pk]:
            key = _group_key(question)
            if run and key != run_key:
                _write_group(sheet, run, language)
                run = []
            for values in _question_rows(question, lines[question.pk], status):
                sheet.values(values[: len(titles)], bold=question.is_heading)
            if key:
                run.append(question)
            run_key = key
        if run:
            _write_group(sheet, run, language)
    return sheet.save()


def _latest_status(plan):
    """Each line's and question's latest narrative, and the latest as-of date among them."""
    status, as_of = {}, None
    updates = StatusUpdate.objects.filter(
        Q(action_line__question__part__plan=plan) | Q(question__part__plan=plan)
    ).order_by("as_of", "entered_at", "pk")
    for line, question, day, narrative in updates.values_list(
        "action_line_id", "question_id", "as_of", "narrative"
    ):
        status[("line", line) if line else ("question", question)] = narrative
        as_of = day
    return status, as_of


def _question_rows(question, lines, status):
    first = f"{question.code} {question.title}".strip()
    if question.is_heading:
        return [[first]]
    whole_status = status.get(("question", question.pk), "")
    if not lines:
        return [[first, question.context, question.timeline, whole_status]]
    texts = [line.text for line in lines]
    timelines = [_one_paragraph(line.timeline) for line in lines]
    statuses = [_one_paragraph(status.get(("line", line.pk), "")) for line in lines]
    if (
        all(is_bullet(text) for text in texts)
        and _reads_back(timelines, question.timeline)
        and _reads_back(statuses, whole_status)
    ):
        return [
            [
                first,
                _join(question.context, *texts),
                _join(*timelines) or question.timeline,
                _join(*statuses) or whole_status,
            ]
        ]
    rows = [
        [first, _join(question.context, texts[0]), timelines[0], statuses[0]],
        *(["", *values] for values in zip(texts[1:], timelines[1:], statuses[1:], strict=True)),
    ]
    if question.timeline or whole_status:
        rows.append(["", "", question.timeline, whole_status])
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


def _write_group(sheet, questions, language):
    singular, plural, conjunction, word = _GROUP_SENTENCE[language]
    codes = [question.code.rstrip(".") for question in questions]
    if len(codes) == 1:
        sheet.merged(singular.format(codes[0]))
    else:
        sheet.merged(plural.format(f"{', '.join(codes[:-1])} {conjunction} {codes[-1]}"))
    first = questions[0]
    for note in filter(None, first.outputs_note.split("\n")):
        sheet.merged(note)
    for output in first.outputs.all():
        sheet.merged(f"{output.outcome.framework.code}, {word} {output.code}: {output.title}")


class _Sheet:
    def __init__(self, titles):
        self.book = Workbook()
        self.sheet = self.book.active
        self.sheet.title = "Plan"
        self.titles = titles
        self.row = 1

    def put(self, column, text, bold=False):
        cell = self.sheet.cell(self.row, column)
        # A control character stored before the app cleaned its input cannot break the file.
        cell.value = clean_text(text) if isinstance(text, str) else text
        if cell.data_type == "f":
            cell.data_type = "s"  # a text starting with "=" stays text
        cell.alignment = _WRAP
        if bold:
            cell.font = _BOLD

    def values(self, values, bold=False):
        for column, text in enumerate(values, start=1):
            if text:
                self.put(column, text, bold=bold and column == 1)
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
        for column, width in enumerate(_WIDTHS[: len(self.titles)], start=1):
            self.sheet.column_dimensions[chr(ord("A") + column - 1)].width = width
        buffer = io.BytesIO()
        self.book.save(buffer)
        return buffer.getvalue()
