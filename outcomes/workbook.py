"""The results-framework workbook: its sheets and columns in English, French and Spanish, and a
reader that turns a file into the fixtures' JSON shape or refuses it, naming every problem's
file, sheet, row and column. Reading is pure: it writes nothing.

One framework per workbook. Sheets: Framework (one row), Outcomes, Outputs, Indicators,
Milestones (one row per indicator and period), Measurements (one row per measurement).
"""

import contextlib
import datetime
import io
import unicodedata
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from ilo_tracker.excel import PERCENT, shown_as
from ilo_tracker.text import MAX_TEXT_LENGTH, excel_text

from .models import (
    Assessment,
    Direction,
    Framework,
    Language,
    Outcome,
    period_bounds,
    period_label,
    plain_number,
)

MAX_BYTES = 20 * 1024 * 1024
MAX_UNZIPPED = 200 * 1024 * 1024
MAX_ROWS = 20_000
# Columns read: the sheet's own and as many more as a person may add; a stray far-right cell
# is never read.
MAX_COLUMNS = 64

# Sheet and column titles as (English, French, Spanish); any of the three is read.
SHEETS = {
    "framework": ("Framework", "Cadre", "Marco"),
    "outcomes": ("Outcomes", "Résultats", "Resultados"),
    "outputs": ("Outputs", "Produits", "Productos"),
    "indicators": ("Indicators", "Indicateurs", "Indicadores"),
    "milestones": ("Milestones", "Étapes", "Hitos"),
    "measurements": ("Measurements", "Mesures", "Mediciones"),
}
COLUMNS = {
    "code": ("Code", "Code", "Código"),
    "kind": ("Kind", "Type", "Tipo"),
    "title": ("Title", "Titre", "Título"),
    "first_year": ("First year", "Première année", "Primer año"),
    "last_year": ("Last year", "Dernière année", "Último año"),
    "symbol": ("GB symbol", "Cote", "Signatura"),
    "language": ("Language", "Langue", "Idioma"),
    "strategy": ("Strategy", "Stratégie", "Estrategia"),
    "outcome": ("Outcome", "Résultat", "Resultado"),
    "output": ("Output", "Produit", "Producto"),
    "indicator": ("Indicator", "Indicateur", "Indicador"),
    "text": ("Text", "Texte", "Texto"),
    "unit": ("Unit of measure", "Unité de mesure", "Unidad de medida"),
    "direction": ("Direction", "Sens", "Sentido"),
    "baseline_value": ("Baseline value", "Valeur de référence", "Valor de referencia"),
    "baseline_text": ("Baseline", "Base de référence", "Base de referencia"),
    "target_value": ("Target value", "Valeur cible", "Valor de la meta"),
    "target_text": ("Target", "Cible", "Meta"),
    "target_period": ("Target period", "Période de la cible", "Período de la meta"),
    "period": ("Period", "Période", "Período"),
    "value": ("Value", "Valeur", "Valor"),
    "assessment": ("Assessment", "Évaluation", "Evaluación"),
    "as_of": ("As of", "À la date du", "A la fecha"),
    "source": ("Source", "Source", "Fuente"),
    "note": ("Note", "Note", "Nota"),
}
SHEET_COLUMNS = {
    "framework": ["code", "kind", "title", "first_year", "last_year", "symbol", "language"],
    "outcomes": ["code", "kind", "title", "strategy"],
    "outputs": ["outcome", "code", "title"],
    "indicators": [
        "outcome",
        "indicator",
        "output",
        "text",
        "unit",
        "direction",
        "baseline_value",
        "baseline_text",
        "target_value",
        "target_text",
        "target_period",
    ],
    "milestones": ["outcome", "indicator", "period", "value", "text"],
    "measurements": [
        "outcome",
        "indicator",
        "period",
        "value",
        "text",
        "assessment",
        "as_of",
        "source",
        "note",
    ],
}
REQUIRED = {
    "framework": {"code", "kind", "title", "first_year", "last_year", "language"},
    "outcomes": {"code"},
    "outputs": {"outcome", "code", "title"},
    "indicators": {"outcome", "indicator", "text"},
    "milestones": {"outcome", "indicator", "period"},
    "measurements": {"outcome", "indicator", "period", "as_of"},
}
LANGUAGE_INDEX = {"en": 0, "fr": 1, "es": 2}
# The models' field lengths, so that a long cell is refused here with its place, not by the
# database.
LIMITS = {
    ("framework", "code"): 32,
    ("framework", "symbol"): 40,
    ("outcomes", "code"): 8,
    ("outputs", "code"): 8,
    ("indicators", "indicator"): 8,
    ("indicators", "unit"): 60,
    ("measurements", "source"): 200,
}
# Words a person may type for a direction or an assessment, in the three languages.
DIRECTION_WORDS = {
    Direction.INCREASE: ("increase", "hausse", "aumento"),
    Direction.DECREASE: ("decrease", "baisse", "disminucion"),
}
ASSESSMENT_WORDS = {
    Assessment.MET: ("met", "atteint", "alcanzado"),
    Assessment.PARTLY_MET: ("partly met", "partiellement atteint", "parcialmente alcanzado"),
    Assessment.NOT_MET: ("not met", "non atteint", "no alcanzado"),
}


def fold(text):
    """Lower case, no accents, single spaces, no closing colon: how titles and words are
    compared."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return " ".join(text.replace("_", " ").lower().split()).rstrip(" :")


@dataclass(frozen=True)
class Problem:
    file: str
    sheet: str | None
    row: int | None
    column: int | None
    message: str

    def __str__(self):
        where = [self.file]
        if self.sheet:
            where.append(_('sheet "%(sheet)s"') % {"sheet": self.sheet})
        if self.row:
            where.append(_("row %(row)d") % {"row": self.row})
        if self.column:
            where.append(_("column %(column)s") % {"column": get_column_letter(self.column)})
        return f"{', '.join(where)}: {self.message}"


class WorkbookRefused(Exception):
    def __init__(self, problems):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class Row:
    sheet: str  # its title in the file
    sheet_key: str
    number: int
    cells: dict  # column key → (value, column number)

    def get(self, key):
        return self.cells.get(key, (None, None))[0]

    def column(self, key):
        return self.cells.get(key, (None, None))[1]


class _Reader:
    def __init__(self, filename):
        self.filename = filename
        self.problems = []
        self.absent = {}  # sheet → its columns the workbook lacks

    def refuse(self, message, sheet=None, row=None, column=None):
        self.problems.append(Problem(self.filename, sheet, row, column, message))

    def refuse_cell(self, row, key, message):
        self.refuse(message, row.sheet, row.number, row.column(key))

    def text(self, row, key):
        value = row.get(key)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = excel_text(str(value)).strip()
        limit = LIMITS.get((row.sheet_key, key), MAX_TEXT_LENGTH)
        if len(text) > limit:
            self.refuse_cell(row, key, _("At most %(limit)d characters.") % {"limit": limit})
        return text

    def number(self, row, key):
        value = row.get(key)
        if value is None or value == "":
            return None
        try:
            # A cell's float as written (98.2), not its binary expansion.
            number = Decimal(plain_number(value) if isinstance(value, str) else str(value))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or abs(number) >= 10**12:
            self.refuse_cell(row, key, _("“%(value)s” is not a number.") % {"value": value})
            return None
        rounded = number.quantize(Decimal("0.01"))
        if rounded != number:
            self.refuse_cell(
                row, key, _("“%(value)s” has more than 2 decimals.") % {"value": value}
            )
            return None
        return str(rounded)

    def year(self, row, key):
        value = self.text(row, key)
        if not value.isdigit() or not 1900 <= int(value) <= 2100:
            self.refuse_cell(row, key, _("“%(value)s” is not a year.") % {"value": value})
            return None
        return int(value)

    def date(self, row, key):
        value = row.get(key)
        if isinstance(value, datetime.datetime):
            return value.date().isoformat()
        if isinstance(value, datetime.date):
            return value.isoformat()
        try:
            return datetime.date.fromisoformat(str(value).strip()).isoformat()
        except ValueError:
            self.refuse_cell(
                row, key, _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": value}
            )
            return None

    def period(self, row, key):
        """The period as the app writes it: "2010-2011", "2010/11" and "2010-11" are one."""
        value = self.text(row, key)
        try:
            return period_label(*period_bounds(value))
        except ValueError:
            self.refuse_cell(
                row,
                key,
                _("“%(value)s” is not a year (1995), a biennium (2010-11) or years (2010-2015).")
                % {"value": value},
            )
        return value

    def choice(self, row, key, allowed, words=None):
        """A code from `allowed`, or one of its words in any of the three languages."""
        value = fold(self.text(row, key))
        for code in allowed:
            if value in (fold(code), *(fold(w) for w in (words or {}).get(code, ()))):
                return str(code)
        self.refuse_cell(
            row,
            key,
            _("“%(value)s” is not one of: %(allowed)s.")
            % {"value": self.text(row, key), "allowed": ", ".join(str(a) for a in allowed)},
        )
        return None

    def sheet_rows(self, workbook, key, formulas):
        """The sheet's rows; `formulas` is the same workbook read for its formulas, to name a
        cell whose formula has no saved value (openpyxl reads it as empty)."""
        titles = {fold(t): t for t in workbook.sheetnames}
        name = next((titles[fold(n)] for n in SHEETS[key] if fold(n) in titles), None)
        if name is None:
            if key in ("framework", "indicators"):
                self.refuse(_("No sheet named %(names)s.") % {"names": " / ".join(SHEETS[key])})
            return []
        sheet = workbook[name]
        known = {fold(t): k for k in SHEET_COLUMNS[key] for t in COLUMNS[k]}
        rows = (
            [_as_shown(cell) for cell in cells] for cells in sheet.iter_rows(max_col=MAX_COLUMNS)
        )
        written = formulas[name].iter_rows(max_col=MAX_COLUMNS, values_only=True)
        next(written, ())
        header = next(rows, ())
        columns = {}
        for number, title in enumerate(header, start=1):
            if title is not None and fold(title) in known:
                if known[fold(title)] in columns:
                    self.refuse(_("This column is there twice."), name, 1, number)
                columns[known[fold(title)]] = number
        self.absent[key] = [kind for kind in SHEET_COLUMNS[key] if kind not in columns]
        for missing in sorted(REQUIRED[key] - set(columns)):
            self.refuse(
                _("No column %(names)s.") % {"names": " / ".join(COLUMNS[missing])}, name, 1
            )
        if REQUIRED[key] - set(columns):
            return []
        found = []
        for number, values in enumerate(rows, start=2):
            if number > MAX_ROWS + 1:
                self.refuse(_("More than %(rows)d rows.") % {"rows": MAX_ROWS}, name)
                break
            for column, formula in enumerate(next(written, ()), start=1):
                if (
                    isinstance(formula, str)
                    and formula.startswith("=")
                    and (column > len(values) or values[column - 1] is None)
                ):
                    self.refuse(
                        _(
                            "the cell holds a formula (=%(formula)s) with no saved value: "
                            "open and save the file in Excel, or type the value."
                        )
                        % {"formula": formula.removeprefix("=")},
                        name,
                        number,
                        column,
                    )
            if all(v is None or str(v).strip() == "" for v in values):
                continue
            cells = {
                k: (values[c - 1] if c <= len(values) else None, c) for k, c in columns.items()
            }
            row = Row(name, key, number, cells)
            for required in REQUIRED[key]:
                if self.text(row, required) == "":
                    self.refuse(_("This cell is required."), name, number, columns[required])
            found.append(row)
        return found


def _as_shown(cell):
    """A cell's value; a number formatted as a percentage in percent, as the cell shows it:
    "45%", not 0.45. Its decimals are all kept (0.125 under "0%" is 12.5, though Excel shows
    13 %): the value is a baseline or a target, not text to print."""
    value = cell.value
    percent = shown_as(getattr(cell, "number_format", None) or "") == PERCENT
    if percent and isinstance(value, int | float) and not isinstance(value, bool):
        return f"{(Decimal(str(value)) * 100).normalize():f}%"
    return value


def open_workbook(content, filename, formulas=False):
    """The workbook in `content` (bytes), in read-only mode, its cells' saved values (or with
    `formulas`, their formulas), or WorkbookRefused."""

    def refused(message):
        return WorkbookRefused([Problem(filename, None, None, None, message)])

    if len(content) > MAX_BYTES:
        raise refused(
            _("The file is larger than %(size)d MB.") % {"size": MAX_BYTES // 1024 // 1024}
        )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED:
                raise refused(_("The workbook holds too much data once unzipped."))
        return load_workbook(io.BytesIO(content), read_only=True, data_only=not formulas)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise refused(_("This is not an Excel workbook (.xlsx).")) from None


def read_framework(content, filename):
    """The framework in the workbook as the fixtures' JSON shape, or WorkbookRefused listing
    every problem. Measurements read here are imported ones, never the app's."""
    workbook = open_workbook(content, filename)
    formulas = open_workbook(content, filename, formulas=True)
    reader = _Reader(filename)
    try:
        sheets = {key: reader.sheet_rows(workbook, key, formulas) for key in SHEETS}
    finally:
        workbook.close()
        formulas.close()
    data = _framework(reader, sheets)
    if reader.problems:
        raise WorkbookRefused(reader.problems)
    return data


def _framework(r, sheets):
    if len(sheets["framework"]) != 1:
        if not r.problems:
            extra = sheets["framework"][1] if sheets["framework"] else None
            r.refuse(
                _("The framework sheet must have exactly one row under its titles."),
                extra and extra.sheet,
                extra and extra.number,
            )
        return None
    (row,) = sheets["framework"]
    first, last = r.year(row, "first_year"), r.year(row, "last_year")
    if first and last and last < first:
        r.refuse_cell(row, "last_year", _("The last year comes before the first."))
    data = {
        "code": r.text(row, "code"),
        "kind": r.choice(row, "kind", Framework.Kind.values),
        "title": r.text(row, "title"),
        "first_year": first,
        "last_year": last,
        "symbol": r.text(row, "symbol"),
        "language": r.choice(row, "language", Language.values),
        "outcomes": [],
    }
    outcomes = {}
    for row in sheets["outcomes"]:
        code = r.text(row, "code")
        if code in outcomes:
            r.refuse_cell(row, "code", _("Outcome %(code)s is listed twice.") % {"code": code})
        kind = r.text(row, "kind") and r.choice(row, "kind", Outcome.Kind.values)
        outcomes[code] = {
            "code": code,
            "kind": kind or Outcome.Kind.STRATEGIC,
            "title": r.text(row, "title"),
            "strategy": r.text(row, "strategy"),
            "outputs": [],
            "indicators": [],
        }
    data["outcomes"] = list(outcomes.values())
    # A column left out of a sheet leaves its field as it is on rows already there.
    data["absent"] = r.absent

    def outcome_of(row):
        code = r.text(row, "outcome")
        if code not in outcomes:
            r.refuse_cell(
                row,
                "outcome",
                _("Outcome %(code)s is not in the outcomes sheet.") % {"code": code},
            )
        return outcomes.get(code)

    for row in sheets["outputs"]:
        if outcome := outcome_of(row):
            outcome["outputs"].append({"code": r.text(row, "code"), "title": r.text(row, "title")})
    indicators = {}
    for row in sheets["indicators"]:
        outcome = outcome_of(row)
        code = r.text(row, "indicator")
        key = (r.text(row, "outcome"), code)
        if key in indicators:
            r.refuse_cell(
                row, "indicator", _("Indicator %(code)s is listed twice.") % {"code": code}
            )
        output = r.text(row, "output") or None
        if outcome and output and output not in {o["code"] for o in outcome["outputs"]}:
            r.refuse_cell(
                row,
                "output",
                _("Output %(output)s is not an output of outcome %(outcome)s.")
                % {"output": output, "outcome": key[0]},
            )
        direction = r.text(row, "direction") and r.choice(
            row, "direction", Direction.values, DIRECTION_WORDS
        )
        target_period = r.text(row, "target_period") and r.period(row, "target_period")
        indicator = {
            "code": code,
            "output": output,
            "text": r.text(row, "text"),
            "unit": r.text(row, "unit"),
            "direction": direction or Direction.INCREASE,
            "baseline_value": r.number(row, "baseline_value"),
            "baseline_text": r.text(row, "baseline_text"),
            "target_value": r.number(row, "target_value"),
            "target_text": r.text(row, "target_text"),
            "target_period": target_period or "",
            "milestones": [],
            "measurements": [],
        }
        indicators[key] = indicator
        if outcome:
            outcome["indicators"].append(indicator)

    def indicator_of(row):
        key = (r.text(row, "outcome"), r.text(row, "indicator"))
        if key not in indicators:
            r.refuse_cell(
                row,
                "indicator",
                _("Indicator %(indicator)s of outcome %(outcome)s is not in the indicators sheet.")
                % {"indicator": key[1], "outcome": key[0]},
            )
        return indicators.get(key)

    for row in sheets["milestones"]:
        milestone = {
            "period": r.period(row, "period"),
            "value": r.number(row, "value"),
            "text": r.text(row, "text"),
        }
        if (indicator := indicator_of(row)) is not None:
            if milestone["period"] in {m["period"] for m in indicator["milestones"]}:
                r.refuse_cell(row, "period", _("This milestone is listed twice."))
            indicator["milestones"].append(milestone)
    for row in sheets["measurements"]:
        assessment = r.text(row, "assessment") and r.choice(
            row, "assessment", [v for v, _ in Assessment.judgements()], ASSESSMENT_WORDS
        )
        measurement = {
            "period": r.period(row, "period"),
            "value": r.number(row, "value"),
            "text": r.text(row, "text"),
            "assessment": assessment or "",
            "as_of": r.date(row, "as_of"),
            "source": r.text(row, "source"),
            "note": r.text(row, "note"),
        }
        if measurement["value"] is None and not measurement["text"] and not assessment:
            r.refuse(_("Give a value, a text or an assessment."), row.sheet, row.number)
        with contextlib.suppress(ValueError, TypeError):  # a bad period or date is refused above
            if measurement["as_of"] < period_bounds(measurement["period"])[0].isoformat():
                r.refuse_cell(
                    row, "as_of", _("A result cannot be known before its period begins.")
                )
        if (indicator := indicator_of(row)) is not None:
            key = (measurement["period"], measurement["as_of"])
            if key in {(m["period"], m["as_of"]) for m in indicator["measurements"]}:
                r.refuse_cell(
                    row, "as_of", _("This measurement (period and date) is listed twice.")
                )
            indicator["measurements"].append(measurement)
    return data
