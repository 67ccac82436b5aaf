"""Recognise the header row and the title rows of a plan workbook, in French, English, Spanish.

Titles are compared folded (no case, accents or surrounding spaces or colon). A title row
may give the plan's date: "Date du plan : novembre 1999", "Plan date: November 1999",
"Fecha del plan: noviembre de 1999".
"""

import functools
import re
from dataclasses import dataclass
from datetime import date

from measures.timelines import first_date, fold, read_date

from .layouts import LANGUAGES, LAYOUTS, LINES, QUESTION, STATUS, TIMELINE, UNITS

# A timeline title: one of these words, alone or with a qualifier that keeps it the timeline
# ("Calendrier (indicatif)", "Calendrier prévu", "Délai d'exécution", "Échéances prévues");
# not "Calendrier des réunions", "Date limite de rapport" or "Deadline for comments".
_TIMELINE_TITLE = re.compile(
    r"^(?:calendrier|echeancier|echeance|delai|dates? (?:limite|cible|d'echeance)"
    r"|timetable|timeline|time ?frame|deadline|due date|target date|calendario|plazo"
    r"|fechas? (?:limite|de vencimiento))s?"
    r"(?: \(.*\)| (?:prevue?s?|indicati(?:f|ve)s?|d'execution|de (?:mise en oeuvre|realisation)"
    r"|envisagee?s?|proposee?s?|planned|proposed|previst[oa]s?|indicativ[oa]s?"
    r"|de ejecucion))?$"
)
_UNITS_TITLES = {
    "unite responsable",
    "unites responsables",
    "unite chef de file",
    "responsible unit",
    "responsible units",
    "lead unit",
    "lead units",
    "unidad responsable",
    "unidades responsables",
    "unidad principal",
}
_STATUS_START = re.compile(
    r"^(?:etat des travaux|etat d'avancement|status of work|status as (?:at|of)|status at"
    r"|progress as (?:at|of)|estado de (?:los trabajos|avance|ejecucion))\b"
)
# Words that alone would not say "status", then those that introduce a date: a status column
# only when the date follows ("Situation au 31 août 2000"; not "Status at headquarters").
_STATUS_DATED = re.compile(
    r"^(?:situation|status|statut|etat|progress(?: report)?|estado|situacion|avance)\W*"
    r"(?:au|a la date du|en date du|as (?:at|of)|at|on|al|a fecha de)\b"
)
_PLAN_DATE = re.compile(r"^\s*(?:date du plan|plan date|fecha del plan)\b\s*[:-]?\s*")
# The plan date written in each language, in the words `plan_date` reads.
PLAN_DATE_LABELS = {"fr": "Date du plan : ", "en": "Plan date: ", "es": "Fecha del plan: "}
_PLURAL_MARK = re.compile(r"\((?:s|es)\)")
# Footnote marks as the GB papers print them after a title or a biennium ("Échéance¹⁶",
# "Calendrier*", "P&B 2022-23 <sup>17</sup>"): figures in superscript, asterisks, daggers.
_FOOTNOTE_MARKS = re.compile(
    r"<sup>\s*\d+\s*</sup>|[*\u2020\u2021\u00b9\u00b2\u00b3\u2070-\u2079]+"
)
SYMBOL = re.compile(r"\bGB\.(?P<session>\d{2,3})(?:/(?P<committee>[A-Z]+))?(?:/[A-Z0-9.]+)*")
# A header title is short; longer texts are never folded while looking for one.
_LONGEST_TITLE = 80


def _known_titles():
    """Folded title -> (kind, language, layout name) for the question and lines columns."""
    known = {}
    for layout in LAYOUTS.values():
        for language in LANGUAGES:
            for kind in (QUESTION, LINES):
                title = folded_title(layout.titles[language][kind])
                known.setdefault(title, (kind, language, layout.name))
        for kind, titles in layout.variants.items():
            for title, language in titles.items():
                known.setdefault(folded_title(title), (kind, language, layout.name))
    return known


@dataclass
class Header:
    row: int
    columns: dict[str, int]  # kind -> column number
    language: str | None
    layout: str
    as_of: date | None
    texts: frozenset[str]  # its titles as written, to skip the header repeated lower down
    titles: frozenset[str]  # folded
    ignored: dict[int, str]  # column -> title of a column the importer does not read

    @functools.cached_property
    def longest(self):
        """The length of its longest title, give or take spaces and case."""
        return max(map(len, self.texts)) + 10


def without_footnotes(text: str) -> str:
    return _FOOTNOTE_MARKS.sub("", text)


@functools.lru_cache(maxsize=1024)
def folded_title(text: str) -> str:
    # Cached: every row of short texts is compared with its header's titles, and the same
    # timelines ("2021-2023", "De manière continue") come again and again.
    return " ".join(_PLURAL_MARK.sub("", fold(without_footnotes(text))).strip(" :").split())


def column_kind(text: str):
    """(kind, language, layout) of a column title, or None for a title the importer ignores."""
    if len(text) > _LONGEST_TITLE:
        return None
    title = folded_title(text)
    if title in _KNOWN:
        return _KNOWN[title]
    if _TIMELINE_TITLE.match(title):
        return TIMELINE, None, None
    if title in _UNITS_TITLES:
        return UNITS, None, None
    if _STATUS_START.match(title) or (_STATUS_DATED.match(title) and status_date(text)):
        return STATUS, None, None
    return None


def find_header(row_number: int, cells: dict[int, str]) -> Header | None:
    """The header if this row is one: it names at least the question and the lines columns.

    Other titles it does not know are columns to ignore; a title given twice is read once,
    but of two status columns the one of the later date (the other is listed as not imported).
    """
    columns, ignored, languages, layouts = {}, {}, [], {}
    for column, text in sorted(cells.items()):
        found = column_kind(text)
        if (
            found
            and found[0] == STATUS
            and STATUS in columns
            and _newer(text, cells[columns[STATUS]])
        ):
            # Status columns of two dates, the newest last or first: the newest is the status.
            ignored[columns[STATUS]] = cells[columns[STATUS]]
            columns[STATUS] = column
            continue
        if found is None or found[0] in columns:
            ignored[column] = text
            continue
        kind, language, layout = found
        columns[kind] = column
        if language:
            languages.append((kind != LINES, language))
        if layout:
            layouts[kind] = layout
    if not {QUESTION, LINES} <= columns.keys():
        return None
    status_title = cells.get(columns.get(STATUS), "")
    return Header(
        row=row_number,
        columns=columns,
        # The lines column's title says the language best; the question's otherwise.
        language=min(languages)[1] if languages else None,
        layout=layouts[LINES],
        as_of=status_date(status_title) if status_title else None,
        texts=frozenset(cells.values()),
        titles=frozenset(folded_title(text) for text in cells.values()),
        ignored=ignored,
    )


def _newer(title, other):
    return (status_date(title) or date.min) > (status_date(other) or date.min)


def status_date(title: str) -> date | None:
    """The as-of date a status column title names ("Etat des travaux au 31 août 2000",
    "… au 31/08/2000"), not a later one it cites."""
    return first_date(without_footnotes(title))


def plan_date_text(text: str) -> str | None:
    """What follows a "Date du plan :" label ("" if nothing does); None if `text` is no label."""
    folded = fold(text)
    label = _PLAN_DATE.match(folded)
    return folded[label.end() :].strip() if label else None


def read_plan_date(text: str) -> date | None:
    """The date written after the label: "novembre 1999" (its 1st), "5 octobre 2000", 5/10/2000."""
    return read_date(text)


_KNOWN = _known_titles()
