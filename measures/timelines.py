"""Read the free-text timeline of a plan measure ("Calendrier", "Échéance") into a Deadline.

French, English and Spanish; the text is folded (case, accents, dashes, apostrophes) and
searched with a handful of regexes.

- A date names a period: a day, month, month range, quarter, half, mid-year, year, or year
  range ("2021-2023", the biennium "2002-03"). A day or a month may be written in figures,
  day first ("31/08/2000", "15.03.2001", "09/2000"); month first only when it cannot be the
  day ("08/31/2000"); a number cited before a year ("Résolution n° 2/2001") is no month.
  The deadline is the period's last day, or its first day with start phrasing ("début",
  "démarrage en", "à compter de", "early", "from", "principios de"; after the date, "onwards",
  "et au-delà", "en adelante"), so "Début janvier 2000" is 2000-01-01
  and "Début 2000" is 2000-01-01.
- Of several dates, the latest wins: it ends the work.
- A year naming a budget ("programme et budget 2002-03", "P&B 2022-23") is a reference, used
  only when the text has no other date.
- A date beats the ongoing and as-needed words ("Début en janvier 2000 puis de manière
  continue" is dated); ongoing beats as-needed.
- A month without a year is no date. "Immédiatement" / "Début immédiat" mean "from the
  plan's start": given the plan's date (`start`), they are dated at it; without it they are
  unread (someone sets the date by hand). A date elsewhere in the text still wins.
- "A la fin des périodes appropriées selon les situations" ("at the end of whatever period
  fits each situation") is as-needed.
"""

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

DATED = "dated"
ONGOING = "ongoing"
AS_NEEDED = "as_needed"
UNREAD = "unread"
KINDS = (DATED, ONGOING, AS_NEEDED, UNREAD)


@dataclass(frozen=True)
class Deadline:
    kind: str
    due: date | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown deadline kind: {self.kind!r}")
        if (self.kind == DATED) != (self.due is not None):
            raise ValueError("a due date goes with a dated deadline, and only with one")


def read_timeline(text: str, start: date | None = None) -> Deadline:
    """The deadline `text` names; `start` is the plan's date, which "immediately" means."""
    folded = fold(text)
    due = _latest_date(folded)
    if due is not None:
        return Deadline(DATED, due)
    if start is not None and _IMMEDIATE.search(folded):
        return Deadline(DATED, start)
    if _ONGOING.search(folded) or _RECURRING.fullmatch(folded.strip().rstrip(".")):
        return Deadline(ONGOING)
    if _AS_NEEDED.search(folded):
        return Deadline(AS_NEEDED)
    return Deadline(UNREAD)


_PLAIN = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u02bc": "'",
        "\u00b4": "'",
        "`": "'",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u0153": "oe",
        "\u00e6": "ae",
        "\u0131": "i",
    }
)


class _Unmarked(dict):
    """`str.translate` table dropping combining marks and making _PLAIN's replacements, filled
    as characters are met: one C-level pass per text instead of a Python test per character."""

    def __missing__(self, code):
        self[code] = None if unicodedata.combining(chr(code)) else _PLAIN.get(code, code)
        return self[code]


_UNMARKED = _Unmarked()


def fold(text: str) -> str:
    """Lower-case, accent-free text with plain apostrophes and dashes, for matching."""
    # Casefold between two decompositions so that no case variant of a character folds
    # differently (e.g. the Kelvin sign, or "ẞ" against "ß").
    text = unicodedata.normalize("NFKD", text.translate(_PLAIN)).casefold()
    return unicodedata.normalize("NFKD", text).translate(_UNMARKED)


def _words(*alternatives: str) -> re.Pattern:
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b")


_IMMEDIATE = _words(
    r"immediate?ment",
    r"debut immediat",
    r"mise en (?:oeuvre|route) immediate",
    r"immediately",
    r"immediate (?:start|action|effect)",
    r"inmediatamente",
    r"de inmediato",
    r"inicio inmediato",
)

_ONGOING = _words(
    r"continu\w*",
    r"permanen\w*",
    r"en cours",
    r"poursui\w*",
    r"sur une base (?:reguliere|permanente|annuelle)",
    r"regulierement",
    r"periodique\w*",
    r"tous les (?:\w+ )?ans",
    r"chaque annee",
    r"annuellement",
    r"on-?going",
    r"in progress",
    r"under ?way",
    r"on an? (?:regular|rolling|annual) basis",
    r"regularly",
    r"periodically",
    r"annually",
    r"(?:every|each) (?:\w+ )?years?",
    r"en curso",
    r"en marcha",
    r"de (?:manera|forma) (?:regular|periodica)",
    r"regularmente",
    r"periodicamente",
    r"anualmente",
    r"cada (?:\w+ )?anos?",
)

# A recurrence as the whole timeline ("Annuel", "Quarterly"). Within a longer one the same
# adjective names an event ("avant la session annuelle de la Conférence"), left for a person to
# date.
_RECURRING = re.compile(
    r"(?:annuel|mensuel|trimestriel|semestriel)(?:le)?s?|annual|monthly|quarterly|half-yearly"
    r"|biannual|(?:anual|mensual|trimestral|semestral)(?:es)?"
)

_AS_NEEDED = _words(
    r"selon (?:les|que de) besoins?",
    r"en fonction des besoins",
    r"au besoin",
    r"si (?:besoin|necessaire)",
    r"le cas echeant",
    r"a la demande",
    r"selon (?:les|la) situations?",
    r"selon les cas",
    r"sur demande",
    r"as (?:and when )?(?:required|needed|necessary|appropriate)",
    r"when(?:ever)? (?:required|needed|necessary)",
    r"if (?:required|needed|necessary)",
    r"(?:on|upon) (?:demand|request)",
    r"(?:as|depending on) the situation(?: requires)?",
    r"segun (?:sea necesario|se requiera|las necesidades|proceda|corresponda)",
    r"cuando (?:sea necesario|se requiera|proceda)",
    r"si (?:es necesario|procede)",
    r"a (?:peticion|solicitud|demanda)",
    r"segun (?:la situacion|las situaciones|el caso)",
)

_MONTHS = {
    **dict.fromkeys(["janvier", "janv", "january", "enero", "jan", "ene"], 1),
    **dict.fromkeys(["fevrier", "fevr", "fev", "february", "febrero", "feb"], 2),
    **dict.fromkeys(["mars", "march", "marzo", "mar"], 3),
    **dict.fromkeys(["avril", "avr", "april", "apr", "abril", "abr"], 4),
    **dict.fromkeys(["mai", "may", "mayo"], 5),
    **dict.fromkeys(["juin", "june", "jun", "junio"], 6),
    **dict.fromkeys(["juillet", "juil", "july", "jul", "julio"], 7),
    **dict.fromkeys(["aout", "august", "aug", "agosto", "ago"], 8),
    **dict.fromkeys(["septembre", "september", "septiembre", "setiembre", "sept", "sep"], 9),
    **dict.fromkeys(["octobre", "october", "octubre", "oct"], 10),
    **dict.fromkeys(["novembre", "november", "noviembre", "nov"], 11),
    **dict.fromkeys(["decembre", "december", "diciembre", "dec", "dic"], 12),
}

_ORDINALS = {
    **dict.fromkeys(["premier", "premiere", "1er", "1re", "first", "1st", "primer", "primero"], 1),
    **dict.fromkeys(["deuxieme", "second", "seconde", "2e", "2eme", "2nd", "segundo"], 2),
    **dict.fromkeys(["troisieme", "3e", "3eme", "third", "3rd", "tercer", "tercero"], 3),
    **dict.fromkeys(["quatrieme", "4e", "4eme", "fourth", "4th", "cuarto"], 4),
    **dict.fromkeys(["dernier", "last", "final", "ultimo"], -1),
}


def _alternatives(words) -> str:
    # Longest first, so that "septembre" is not read as "sept" followed by junk.
    return "|".join(sorted(words, key=len, reverse=True))


def _month(name: str = "month") -> str:
    return rf"\b(?P<{name}>{_alternatives(_MONTHS)})\b\.?"


_YEAR = r"(?<!\d)(?P<year>199\d|20\d\d)(?!\d)"
_OF = r"[\s,]*(?:(?:de|del|of)\s+)?"
_FILLER = r"(?:(?:en|in|of|the|de|du|del|la|le|el|los|an|annee|ano|year)\s+|[dl]')*"
_CONTEXT = 48

_STARTS_HERE = re.compile(
    r"\b(?:debut\w*|demarr\w*|commenc\w*|a partir|a compter|des|depuis|lancement"
    r"|start\w*|begin\w*|began|early|from|since"
    r"|principios|comienzos?|inicios?|desde)\s*" + _FILLER + "$"
)
# Start phrasing after the date: "2023 onwards", "2022 et au-delà", "2021 en adelante".
_STARTS_BEFORE = re.compile(  # matched where the date ends
    r"\s*(?:onwards?|and (?:beyond|after)|et (?:au-?dela|apres)"
    r"|en adelante|y (?:siguientes|despues))\b"
)
_NAMES_BUDGET = re.compile(
    r"\b(?:programme et (?:de )?budget|program(?:me)? and budget|programa y presupuesto"
    r"|p ?& ?b|budget|presupuesto|bienn?i\w*|bienio|exercice)"
    r"\s*(?:(?:pour|for|para|de|del|of|the|le|la|el)\s+|l')*$"
)


def _month_number(text: str) -> int:
    return int(text) if text.isdigit() else _MONTHS[text]


def _months(year: int, first_month: int, last_month: int) -> tuple[date, date] | None:
    if not (1 <= first_month <= 12 and 1 <= last_month <= 12):
        return None
    # "novembre-février 2001" starts in the year before.
    first_year = year - 1 if first_month > last_month else year
    last_day = calendar.monthrange(year, last_month)[1]
    return date(first_year, first_month, 1), date(year, last_month, last_day)


def _exact(year: int, month: int, day: int) -> tuple[date, date] | None:
    if not (1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]):
        return None
    exact = date(year, month, day)
    return exact, exact


def _day(match: re.Match) -> tuple[date, date] | None:
    return _exact(int(match["year"]), _month_number(match["month"]), int(match["day"]))


def _numeric_day(match: re.Match) -> tuple[date, date] | None:
    """ "31/08/2000" day first, as the ILO's three languages write it; month first only when
    nothing else can be meant ("08/31/2000")."""
    year, first, second = int(match["year"]), int(match["first"]), int(match["second"])
    return _exact(year, second, first) or _exact(year, first, second)


def _month_range(match: re.Match) -> tuple[date, date] | None:
    return _months(int(match["year"]), _MONTHS[match["first"]], _MONTHS[match["month"]])


def _one_month(match: re.Match) -> tuple[date, date] | None:
    month = _month_number(match["month"])
    return _months(int(match["year"]), month, month)


def _numeric_month_range(match: re.Match) -> tuple[date, date] | None:
    first_year, first_month = int(match["first_year"]), int(match["first"])
    year, month = int(match["year"]), int(match["month"])
    if (first_year, first_month) > (year, month):
        return None
    return date(first_year, first_month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _part_of_year(match: re.Match) -> tuple[date, date] | None:
    unit = match["unit"]
    length = 6 if unit in ("semestre", "half", "h", "s") else 3
    number = _ORDINALS[match["ord"]] if match["ord"] else int(match["num"])
    if number == -1:
        number = 12 // length
    if not 1 <= number <= 12 // length:
        return None
    return _months(int(match["year"]), length * number - length + 1, length * number)


def _mid_year(match: re.Match) -> tuple[date, date]:
    middle = date(int(match["year"]), 6, 30)
    return middle, middle


def _year_range(match: re.Match) -> tuple[date, date] | None:
    first, end = int(match["year"]), match["end"]
    last = int(end)
    if len(end) == 2:
        # "2002-03" is the 2002-2003 biennium; "1999-00" ends in 2000.
        last += first - first % 100
        if last <= first:
            last += 100
    if not 0 < last - first <= 10:
        return None
    return date(first, 1, 1), date(last, 12, 31)


def _whole_year(match: re.Match) -> tuple[date, date]:
    year = int(match["year"])
    return date(year, 1, 1), date(year, 12, 31)


_ORDINAL = _alternatives(_ORDINALS)
_YEAR_WORDS = r"(?:(?:of|the|year|de|del|ano|annee|an)\s+|l')*"

_DAYS = [
    (re.compile(r"(?<!\d)(?P<year>199\d|20\d\d)-(?P<month>\d\d?)-(?P<day>\d\d?)(?!\d)"), _day),
    (
        re.compile(
            r"(?<!\d)(?P<day>\d\d?)(?:er|re|st|nd|rd|th|o)?\s+(?:de\s+)?" + _month() + _OF + _YEAR
        ),
        _day,
    ),
    (re.compile(_month() + r"\s+(?P<day>\d\d?)(?:st|nd|rd|th)?,?\s+" + _YEAR), _day),
    # "31/08/2000", "15.03.2001", "31-08-2000": the separator repeated.
    (
        re.compile(r"(?<![\w./-])(?P<first>\d\d?)(?P<sep>[./-])(?P<second>\d\d?)(?P=sep)" + _YEAR),
        _numeric_day,
    ),
]
_MONTH_OF_YEAR = (re.compile(_month() + _OF + _YEAR), _one_month)
# "09/2000", "12.2001": two figures, after the quarters, so that "T3/2001" stays a quarter;
# a number cited before a year ("Résolution n° 2/2001") is no month.
_NUMERIC_MONTH = (re.compile(r"(?<![\w./-])(?P<month>0[1-9]|1[0-2])[./-]" + _YEAR), _one_month)
# "01/2001-06/2001": a span of months in figures (the second is no month on its own: a dash
# comes before it).
_NUMERIC_MONTHS = (
    re.compile(
        r"(?<![\w./-])(?P<first>0[1-9]|1[0-2])(?P<sep>[./])(?P<first_year>199\d|20\d\d)"
        r"\s*-\s*(?P<month>0[1-9]|1[0-2])(?P=sep)" + _YEAR
    ),
    _numeric_month_range,
)
_CITED = re.compile(
    r"\b(?:n[o°º]?|num\w*|resolution|resolucion|decision|document|documento|doc|rapport"
    r"|report|informe|circulaire|convention|convenio|recommandation|recomendacion)\W*$"
)

# Most specific first: each match blanks its text so that its year is not read again.
_DATE_PATTERNS = [
    *_DAYS,
    (
        re.compile(
            _month("first")
            + r"(?:\s*[-/]\s*|\s+(?:a|au|to|through|until|till|hasta|al|et|and|y)\s+)"
            + _month()
            + _OF
            + _YEAR
        ),
        _month_range,
    ),
    (
        re.compile(
            rf"\b(?P<ord>{_ORDINAL})\s+(?P<unit>trimestre|quarter|semestre|half)\s+"
            + _YEAR_WORDS
            + _YEAR
        ),
        _part_of_year,
    ),
    (
        re.compile(r"\b(?P<unit>[qths])(?P<num>[1-4])\b\s*[-/]?\s*(?P<ord>)" + _YEAR),
        _part_of_year,
    ),
    (
        re.compile(
            r"\b(?:mid|mi|middle of|milieu(?: de)?|mediados del?|mitad del?)\s*-?\s*"
            + _YEAR_WORDS
            + _YEAR
        ),
        _mid_year,
    ),
    _NUMERIC_MONTHS,
    _NUMERIC_MONTH,
    (re.compile(_YEAR + r"\s*[-/]\s*(?P<end>\d\d(?:\d\d)?)(?!\d)"), _year_range),
    _MONTH_OF_YEAR,
    (re.compile(_YEAR), _whole_year),
]


def read_date(text: str) -> date | None:
    """The one day `text` names: a day as written, a month and year as the month's first day
    ("novembre 1999" is 1999-11-01, "5 octobre 2000" 2000-10-05); None for anything else."""
    folded = " ".join(fold(text).split()).strip(" .,")
    for pattern, period in [*_DAYS, _MONTH_OF_YEAR, _NUMERIC_MONTH]:
        match = pattern.fullmatch(folded)
        bounds = period(match) if match else None
        if bounds is not None:
            return bounds[0]
    return None


def first_date(text: str) -> date | None:
    """The date `text` names first, as `read_timeline` reads it: a status column's title gives
    its as-of date before any it cites ("Etat des travaux au 31 août 2000 (voir le document
    de novembre 2000)")."""
    found = sorted(_dates(fold(text)))
    return found[0][1] if found else None


def _latest_date(text: str) -> date | None:
    found = _dates(text)
    firm = [due for _, due, budget in found if not budget]
    found = firm or [due for _, due, budget in found]
    return max(found) if found else None


def _dates(text: str) -> list[tuple[int, date, bool]]:
    """(position, due date, names a budget) of each date in the folded `text`."""
    found = []
    for pattern, period in _DATE_PATTERNS:
        read = []
        for match in pattern.finditer(text):
            bounds = period(match)
            if bounds is None:
                continue
            before = text[max(0, match.start() - _CONTEXT) : match.start()]
            if pattern is _NUMERIC_MONTH[0] and _CITED.search(before):
                continue
            starts = _STARTS_HERE.search(before) or _STARTS_BEFORE.match(text, match.end())
            due = bounds[0] if starts else bounds[1]
            found.append((match.start(), due, bool(_NAMES_BUDGET.search(before))))
            read.append(match.span())
        text = _blank_out(text, read)
    return found


def _blank_out(text: str, spans: list[tuple[int, int]]) -> str:
    pieces, position = [], 0
    for start, end in spans:
        pieces += [text[position:start], " " * (end - start)]
        position = end
    return "".join(pieces) + text[position:]
