"""Recognise the header row and the title rows of a plan workbook, in French, English, Spanish.

Titles are compared folded (no case, accents or surrounding spaces or colon). A title row
may give the plan's date: "Date du plan : novembre 1999", "Plan date: November 1999",
"Fecha del plan: noviembre de 1999".
"""

import re
from dataclasses import dataclass
from datetime import date

from measures.timelines import DATED, fold, read_date, read_timeline

QUESTION, LINES, TIMELINE, STATUS = "question", "lines", "timeline", "status"

_QUESTION_TITLES = {
    "questions": "fr",
    "question": "fr",
    "issues": "en",
    "issue": "en",
    "cuestiones": "es",
    "cuestion": "es",
    "mesure proposee": "fr",
    "mesures proposees": "fr",
    "proposed action": "en",
    "proposed actions": "en",
    "medida propuesta": "es",
    "medidas propuestas": "es",
}
_LINES_TITLES = {
    "contexte et lignes d'action": "fr",
    "lignes d'action": "fr",
    "realisations attendues": "fr",
    "context and lines of action": "en",
    "lines of action": "en",
    "expected deliverables": "en",
    "expected outputs": "en",
    "contexto y lineas de accion": "es",
    "lineas de accion": "es",
    "resultados esperados": "es",
}
_TIMELINE_TITLES = {
    "calendrier",
    "echeance",
    "echeances",
    "timetable",
    "timeline",
    "deadline",
    "deadlines",
    "calendario",
    "plazo",
    "plazos",
}
_STATUS_START = re.compile(
    r"^(?:etat des travaux|etat d'avancement|status of work|status as (?:at|of)|status at"
    r"|progress as (?:at|of)|estado de (?:los trabajos|avance|ejecucion))\b"
)
_PLAN_DATE = re.compile(r"^\s*(?:date du plan|plan date|fecha del plan)\b\s*[:-]?\s*")
# The plan date written in each language, in the words `plan_date` reads.
PLAN_DATE_LABELS = {"fr": "Date du plan : ", "en": "Plan date: ", "es": "Fecha del plan: "}
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")
SYMBOL = re.compile(r"\bGB\.(?P<session>\d{2,3})(?:/(?P<committee>[A-Z]+))?(?:/[A-Z0-9.]+)*")


@dataclass
class Header:
    row: int
    columns: dict[str, int]  # kind -> column number
    language: str
    as_of: date | None
    titles: frozenset[str]  # folded titles, to skip the header repeated lower down


def folded_title(text: str) -> str:
    return " ".join(fold(text).strip(" :").split())


def column_kind(text: str) -> str | None:
    title = folded_title(text)
    if title in _QUESTION_TITLES:
        return QUESTION
    if title in _LINES_TITLES:
        return LINES
    if title in _TIMELINE_TITLES:
        return TIMELINE
    if _STATUS_START.match(title):
        return STATUS
    return None


def find_header(row_number: int, cells: dict[int, str]) -> Header | None:
    """The header if this row is one: it names at least the question and the lines columns."""
    columns = {}
    for column, text in cells.items():
        kind = column_kind(text)
        if kind is None or kind in columns:
            return None
        columns[kind] = column
    if not {QUESTION, LINES} <= columns.keys():
        return None
    status_title = cells.get(columns.get(STATUS), "")
    return Header(
        row=row_number,
        columns=columns,
        language=_LINES_TITLES[folded_title(cells[columns[LINES]])],
        as_of=status_date(status_title) if status_title else None,
        titles=frozenset(folded_title(text) for text in cells.values()),
    )


def status_date(title: str) -> date | None:
    """The as-of date a status column title names ("Etat des travaux au 31 août 2000")."""
    numeric = _NUMERIC_DATE.search(title)
    if numeric:
        return _numeric_date(numeric)
    deadline = read_timeline(title)
    return deadline.due if deadline.kind == DATED else None


def plan_date_text(text: str) -> str | None:
    """What follows a "Date du plan :" label ("" if nothing does); None if `text` is no label."""
    folded = fold(text)
    label = _PLAN_DATE.match(folded)
    return folded[label.end() :].strip() if label else None


def read_plan_date(text: str) -> date | None:
    """The date written after the label: "novembre 1999" (its 1st), "5 octobre 2000", 5/10/2000."""
    numeric = _NUMERIC_DATE.fullmatch(text.strip())
    if numeric:
        return _numeric_date(numeric)
    return read_date(text)


def _numeric_date(match: re.Match) -> date | None:
    day, month, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None
