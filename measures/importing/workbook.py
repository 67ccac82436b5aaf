"""Open an uploaded workbook safely and read its cells as plain text.

The file is judged by its content: a zip archive holding the parts every .xlsx has. Its size,
the uncompressed sizes its archive declares and the rows its sheets' XML holds are checked
before openpyxl opens it (zipfile never inflates an entry past its declared size, so the
declared total bounds the work).
openpyxl runs in normal mode: read-only mode loses merged cells.
"""

import html
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from xml.etree import ElementTree

import nh3
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

XLSX_PARTS = {"[Content_Types].xml", "xl/workbook.xml"}
ZIP_SIGNATURE = b"PK\x03\x04"
_HTML_LIKE = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>|&(?:[a-zA-Z]+|#\d+);")
_BLOCK_END = re.compile(r"<\s*(?:br\s*/?|/p|/li|/div|/tr)\s*>", re.IGNORECASE)
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')


@dataclass(frozen=True)
class Problem:
    """A refusal or a warning, located in the file as precisely as it can be."""

    file: str
    sheet: str | None
    row: int | None
    column: int | None
    message: str

    @property
    def where(self):
        parts = [self.file]
        if self.sheet is not None:
            parts.append(_('sheet "%(sheet)s"') % {"sheet": self.sheet})
        if self.row:
            parts.append(_("row %(row)d") % {"row": self.row})
        if self.column:
            parts.append(_("column %(column)s") % {"column": get_column_letter(self.column)})
        return ", ".join(parts)

    def __str__(self):
        return f"{self.where}: {self.message}"


class ImportRefused(Exception):
    """The file cannot be imported; nothing was written."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


@dataclass
class Sheet:
    name: str
    # (row number, {column number: text}) for every row holding some text, in order.
    rows: list[tuple[int, dict[int, str]]]


def check_size(size: int, filename: str):
    """Refuse a file over the size limit, before anything reads it."""
    if size > settings.IMPORT_MAX_BYTES:
        message = _("the file is %(size)s, more than the limit of %(limit)s.") % {
            "size": filesizeformat(size),
            "limit": filesizeformat(settings.IMPORT_MAX_BYTES),
        }
        raise ImportRefused([Problem(filename, None, None, None, message)])


def read_workbook(data: bytes, filename: str) -> list[Sheet]:
    def refuse(message, sheet=None, row=None, column=None):
        raise ImportRefused([Problem(filename, sheet, row, column, message)])

    check_size(len(data), filename)
    if not data.startswith(ZIP_SIGNATURE):
        refuse(_("this is not an Excel workbook (.xlsx)."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if not {entry.filename for entry in entries} >= XLSX_PARTS:
                refuse(_("this is not an Excel workbook (.xlsx)."))
            uncompressed = sum(entry.file_size for entry in entries)
            if uncompressed > settings.IMPORT_MAX_UNCOMPRESSED_BYTES:
                refuse(
                    _("the workbook unpacks to %(size)s, more than the limit of %(limit)s.")
                    % {
                        "size": filesizeformat(uncompressed),
                        "limit": filesizeformat(settings.IMPORT_MAX_UNCOMPRESSED_BYTES),
                    }
                )
            has_formulas = _scan_sheets(archive, refuse)
        values = load_workbook(io.BytesIO(data), data_only=True)
        formulas = load_workbook(io.BytesIO(data)) if has_formulas else None
    except ImportRefused:
        raise
    except Exception:  # openpyxl and zipfile raise many kinds of error on a damaged file
        refuse(_("the file is damaged: its archive cannot be read."))

    sheets = []
    for worksheet in values.worksheets:
        if formulas is not None:
            _refuse_formulas_without_value(worksheet, formulas[worksheet.title], refuse)
        sheets.append(Sheet(worksheet.title, list(_rows(worksheet))))
    return sheets


def _scan_sheets(archive, refuse):
    """Refuse a workbook over the row limit from its XML, before openpyxl builds its cells.

    True if some sheet holds a formula.
    """
    counted, has_formulas = 0, False
    for title, part in _worksheet_parts(archive):
        xml = archive.read(part)
        has_formulas = has_formulas or bool(_FORMULA.search(xml))
        for row in _ROW.finditer(xml):
            counted += 1
            if counted > settings.IMPORT_MAX_ROWS:
                number = _ROW_NUMBER.search(row[1])
                refuse(
                    _("the workbook has more than %(limit)d rows, the import limit.")
                    % {"limit": settings.IMPORT_MAX_ROWS},
                    title,
                    int(number[1]) if number else None,
                )
    return has_formulas


def _worksheet_parts(archive):
    """(title, archive path) of each sheet, in the workbook's order."""
    targets = {}
    for relation in ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels")):
        target = relation.get("Target", "")
        path = target[1:] if target.startswith("/") else posixpath.join("xl", target)
        targets[relation.get("Id")] = posixpath.normpath(path)
    names = set(archive.namelist())
    for element in ElementTree.fromstring(archive.read("xl/workbook.xml")).iter():
        if element.tag.rpartition("}")[2] == "sheet":
            relation = next(
                (v for k, v in element.attrib.items() if k.rpartition("}")[2] == "id"), None
            )
            if targets.get(relation) in names:
                yield element.get("name"), targets[relation]


def _refuse_formulas_without_value(values, formulas, refuse):
    for row in formulas.iter_rows():
        for cell in row:
            if cell.data_type == "f" and values.cell(cell.row, cell.column).value is None:
                refuse(
                    _(
                        "the cell holds a formula (%(formula)s) with no saved value: "
                        "open and save the file in Excel, or type the value."
                    )
                    % {"formula": cell.value},
                    formulas.title,
                    cell.row,
                    cell.column,
                )


def _rows(worksheet):
    for row in worksheet.iter_rows():
        texts = {cell.column: text for cell in row if (text := cell_text(cell.value))}
        if texts:
            yield row[0].row, texts


def cell_text(value) -> str:
    """A cell's value as plain text: one paragraph a line, no empty paragraph, no markup."""
    if value is None:
        return ""
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("_x000D_", "").replace("\r\n", "\n").replace("\r", "\n")
    if _HTML_LIKE.search(text):
        text = plain_text(text)
    return "\n".join(stripped for line in text.split("\n") if (stripped := line.strip()))


def plain_text(text: str) -> str:
    """Strip markup, keeping block ends as line breaks; entities become the characters."""
    return html.unescape(nh3.clean(_BLOCK_END.sub("\n", text), tags=set()))
