"""Open an uploaded workbook safely and read its cells as plain text, streaming.

The file is judged by its content: a zip archive holding the parts every .xlsx has (an
encrypted workbook or an old .xls is named as such). Each part is inflated in chunks and
parsed as it comes, so the work is bounded by what the file really holds, whatever its archive
declares: the inflated bytes, the rows, the cells and each cell's length are counted while
reading, and the read stops at the first limit. Only cells holding text are kept, so a stray
cell far to the right costs nothing; one outside `IMPORT_MAX_COLUMNS` is left out with a
warning naming it.

Merged cells need no special care: only a merge's first cell holds a value, as the reader
expects. Superscript runs of rich text ("87<sup>e</sup>") are kept as <sup> tags.
"""

import functools
import html
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from io import BytesIO
from xml.etree import ElementTree

import nh3
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl.styles.numbers import BUILTIN_FORMATS
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from ilo_tracker.excel import DAY, MOMENT, MONTH, PERCENT, YEAR, percent_shown, shown_as
from ilo_tracker.text import excel_text

XLSX_PARTS = {"[Content_Types].xml", "xl/workbook.xml"}
ZIP_SIGNATURE = b"PK\x03\x04"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
# Excel's own limit on the characters of one cell.
CELL_MAX_CHARS = 32_767
_CHUNK = 64 * 1024
# Elements between two cells or shared texts (rich-text runs, the sheet's views, columns…).
_ELEMENTS_PER_ENTRY = 100_000
_SMALL_PART_MAX_BYTES = 10 * 1024 * 1024
# The tags of text pasted from a web page or Word's HTML. A cell is read as HTML only when it
# holds one of them (closed), a line or paragraph break, a comment or an entity; otherwise any
# "<" is text ("Contact : J. Dupont <dupont@ilo.org>", "<<Travail décent>>", "si a<b").
_TAGS = (
    r"a|abbr|b|big|blockquote|br|code|del|div|em|font|h[1-6]|hr|i|img|ins|li|o:p|ol|p|pre|s"
    r"|script|small|span|strike|strong|style|sub|sup|table|tbody|td|tfoot|th|thead|tr|u|ul"
)
_HTML_LIKE = re.compile(
    rf"</\s*(?:{_TAGS})\s*>|<\s*(?:br|p|div|li|hr)\b[^<>]*>|<!--|&(?:[a-zA-Z]+|#\d+);",
    re.IGNORECASE,
)
_BLOCK_END = re.compile(r"<\s*(?:br\s*/?|/p|/li|/div|/tr)\s*>", re.IGNORECASE)
_REFERENCE = re.compile(r"([A-Z]+)(\d+)")
# A sheet's relationship id, as Excel writes it in its usual ("transitional") and its "Strict
# Open XML" workbooks.
_RELATIONSHIP_IDS = (
    "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id",
    "{http://purl.oclc.org/ooxml/officeDocument/relationships}id",
)


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
    warnings: list[Problem] = field(default_factory=list)
    # (row, column) of the first cell of each merge spanning rows -> its last row.
    merged: dict[tuple[int, int], int] = field(default_factory=dict)
    # (row, column) of a cell whose paragraphs have empty ones between them -> (how many
    # paragraphs in all, the places of those it keeps): "fin 2001\n\nfin 2003" lines up with
    # three lines, the second having none.
    gaps: dict[tuple[int, int], tuple[int, tuple[int, ...]]] = field(default_factory=dict)
    # Columns hidden in Excel: the reader names those it imports.
    hidden_columns: set[int] = field(default_factory=set)


def check_size(size: int, filename: str):
    """Refuse a file over the size limit, before anything reads it."""
    if size > settings.IMPORT_MAX_BYTES:
        message = _("the file is %(size)s, more than the limit of %(limit)s.") % {
            "size": filesizeformat(size),
            "limit": filesizeformat(settings.IMPORT_MAX_BYTES),
        }
        raise ImportRefused([Problem(filename, None, None, None, message)])


def read_workbook(data: bytes, filename: str) -> list[Sheet]:
    check_size(len(data), filename)
    return _Archive(data, filename).sheets()


class _Archive:
    def __init__(self, data, filename):
        self.data = data
        self.filename = filename
        self.inflated = 0
        self.cell_problems = []  # cells a person must mend, all named at once

    def refuse(self, message, sheet=None, row=None, column=None):
        raise ImportRefused([Problem(self.filename, sheet, row, column, message)])

    def sheets(self):
        data = self.data
        if data.startswith(OLE_SIGNATURE):
            if ENCRYPTED_STREAM in data:
                self.refuse(
                    _(
                        "this workbook is encrypted (protected by a password): save it without "
                        "a password and upload it again."
                    )
                )
            self.refuse(
                _("this is an Excel 97–2003 workbook (.xls): save it as .xlsx, then upload it.")
            )
        if not data.startswith(ZIP_SIGNATURE):
            self.refuse(_("this is not an Excel workbook (.xlsx)."))
        try:
            with zipfile.ZipFile(BytesIO(data)) as archive:
                self.archive = archive
                return self.read_all()
        except zipfile.BadZipFile as error:
            if "CRC" in str(error):
                self.refuse(
                    _("the file is damaged: a part of its archive (%(part)s) fails its checksum.")
                    % {"part": str(error).rpartition(" ")[2].strip("'")}
                )
            self.refuse(_("the file is damaged: its archive cannot be read."))
        except (EOFError, OSError, zipfile.LargeZipFile, NotImplementedError, ValueError):
            self.refuse(_("the file is damaged: its archive cannot be read."))

    def read_all(self):
        names = set(self.archive.namelist())
        if not names >= XLSX_PARTS:
            self.refuse(_("this is not an Excel workbook (.xlsx)."))
        declared = sum(entry.file_size for entry in self.archive.infolist())
        if declared > settings.IMPORT_MAX_UNCOMPRESSED_BYTES:
            self.too_big(declared)
        epoch, parts = self.workbook(names)
        strings = self.shared_strings(names)
        styles = self.number_styles(names)
        sheets, rows, cells = [], [0], [0]
        for title, part, hidden in parts:
            reader = _SheetReader(self, title, strings, styles, epoch, rows, cells)
            if hidden:
                reader.warn(_("this sheet is hidden in the workbook: it is read all the same."), 1)
            self.parse(part, reader.handle, {"col", "c", "row", "mergeCell"})
            sheets.append(
                Sheet(
                    title,
                    reader.rows,
                    reader.warnings,
                    reader.merged,
                    reader.gaps,
                    reader.hidden_columns,
                )
            )
        if self.cell_problems:
            raise ImportRefused(self.cell_problems)
        return sheets

    def too_big(self, size=None):
        limit = filesizeformat(settings.IMPORT_MAX_UNCOMPRESSED_BYTES)
        if size is None:
            self.refuse(
                _(
                    "the workbook unpacks to more than the limit of %(limit)s (its archive "
                    "declares less): reading stopped there."
                )
                % {"limit": limit}
            )
        self.refuse(
            _("the workbook unpacks to %(size)s, more than the limit of %(limit)s.")
            % {"size": filesizeformat(size), "limit": limit}
        )

    def parse(self, part, handle, entries=frozenset()):
        """Stream the XML part, counting the bytes it inflates to; `handle(name, element)`
        gets each element named in `entries` (cells, rows, shared texts) as it ends, and the
        element is then emptied, so memory holds one entry at a time. Without `entries`
        (small parts), `handle` gets the root element, whole, at the end."""
        parser = ElementTree.XMLPullParser(events=("end",))
        names = {}  # tag -> local name
        inside = 0  # elements since the last entry
        element = None
        try:
            with self.archive.open(part) as stream:
                while chunk := stream.read(_CHUNK):
                    self.inflated += len(chunk)
                    if self.inflated > settings.IMPORT_MAX_UNCOMPRESSED_BYTES:
                        self.too_big()
                    if not entries and stream.tell() > _SMALL_PART_MAX_BYTES:
                        self.refuse(
                            _("the file is damaged: its part %(part)s is far too large.")
                            % {"part": part}
                        )
                    parser.feed(chunk)
                    for _event, element in parser.read_events():
                        tag = element.tag
                        name = names.get(tag) or names.setdefault(tag, _local(tag))
                        if name in entries:
                            handle(name, element)
                            element.clear()
                            inside = 0
                        elif entries:
                            inside += 1
                            if inside > _ELEMENTS_PER_ENTRY:
                                self.refuse(
                                    _(
                                        "the file is damaged: its part %(part)s holds more "
                                        "than %(limit)d elements in one place."
                                    )
                                    % {"part": part, "limit": _ELEMENTS_PER_ENTRY}
                                )
            parser.close()
            ended = [element, *(element for _event, element in parser.read_events())]
            if not entries and ended[-1] is not None:
                handle(None, ended[-1])  # the root ends last
        except ElementTree.ParseError as error:
            line, column = error.position
            self.refuse(
                _(
                    "the file is damaged: its part %(part)s is not well-formed XML "
                    "(line %(line)d, character %(column)d: %(reason)s)."
                )
                % {
                    "part": part,
                    "line": line,
                    "column": column + 1,
                    "reason": str(error).split(":")[0],
                }
            )

    def tree(self, part):
        """A small part (workbook, relationships, styles) as one tree."""
        roots = []
        self.parse(part, lambda _name, root: roots.append(root))
        return roots[0] if roots else None

    def workbook(self, names):
        """The date system and (title, archive path, hidden) of each sheet, in the workbook's
        order."""
        targets = {}
        relations = "xl/_rels/workbook.xml.rels"
        if relations not in names:
            message = _("the file is damaged: its part %(part)s is missing.")
            self.refuse(message % {"part": relations})
        for relation in self.tree(relations):
            target = relation.get("Target", "")
            path = target[1:] if target.startswith("/") else posixpath.join("xl", target)
            targets[relation.get("Id")] = posixpath.normpath(path)
        book = self.tree("xl/workbook.xml")
        epoch = CALENDAR_WINDOWS_1900
        parts = []
        for element in book.iter():
            tag = _local(element.tag)
            if tag == "workbookPr" and element.get("date1904") in ("1", "true"):
                epoch = CALENDAR_MAC_1904
            elif tag == "sheet":
                title = element.get("name")
                relation = next(filter(None, map(element.get, _RELATIONSHIP_IDS)), None)
                target = targets.get(relation)
                if target in names:
                    parts.append((title, target, element.get("state", "visible") != "visible"))
                elif target is not None and target.startswith("xl/worksheets/"):
                    self.refuse(
                        _("the file is damaged: the part %(part)s of this sheet is missing.")
                        % {"part": target},
                        title,
                    )
        return epoch, parts

    def shared_strings(self, names):
        strings = []
        if "xl/sharedStrings.xml" not in names:
            return strings

        def end(_name, element):
            if len(strings) >= settings.IMPORT_MAX_CELLS:
                self.refuse(
                    _("the workbook has more than %(limit)d cells, the import limit.")
                    % {"limit": settings.IMPORT_MAX_CELLS}
                )
            strings.append(rich_text(element))

        self.parse("xl/sharedStrings.xml", end, {"si"})
        return strings

    def number_styles(self, names):
        """{index of a cell style: (how it shows a number, its format)} for the styles that
        show one as a date or a percentage (`ilo_tracker.excel.shown_as`)."""
        if "xl/styles.xml" not in names:
            return {}
        styles = self.tree("xl/styles.xml")
        formats = dict(BUILTIN_FORMATS)
        shown = {}
        for element in styles.iter():
            if _local(element.tag) == "numFmt":
                formats[int(element.get("numFmtId", -1))] = element.get("formatCode", "")
        for container in styles:
            if _local(container.tag) == "cellXfs":
                for index, xf in enumerate(container):
                    code = formats.get(int(xf.get("numFmtId", 0)), "")
                    if code and (how := shown_as(code)):
                        shown[index] = how, code
        return shown


class _SheetReader:
    """Turns the `row` elements of one sheet into rows of texts, as the parser ends them."""

    def __init__(self, archive, title, strings, styles, epoch, rows, cells):
        self.archive = archive
        self.title = title
        self.strings = strings
        self.styles = styles
        self.epoch = epoch
        self.counted_rows = rows  # shared by every sheet: [count]
        self.counted_cells = cells
        # Read once: settings are a lazy object, slow to ask for each of 100,000 cells.
        self.max_rows, self.max_cells = settings.IMPORT_MAX_ROWS, settings.IMPORT_MAX_CELLS
        self.max_columns = settings.IMPORT_MAX_COLUMNS
        self.rows = []
        self.warnings = []
        self.merged = {}
        self.gaps = {}
        self.hidden_columns = set()
        self.row = self.column = 0
        self.texts = {}

    def refuse(self, message, row=None, column=None):
        self.archive.refuse(message, self.title, row, column)

    def handle(self, name, element):
        if name == "c":
            self.read_cell(element)
        elif name == "row":
            self.end_row(element)
        elif name == "col":
            self.hide(element)
        else:
            self.merge(element.get("ref", ""))

    def hide(self, column):
        if column.get("hidden") in ("1", "true"):
            first, last = int(column.get("min", 0)), int(column.get("max", 0))
            # A hidden run to Excel's last column (16,384) is read up to the import's limit.
            self.hidden_columns.update(range(first, min(last, settings.IMPORT_MAX_COLUMNS) + 1))

    def end_row(self, element):
        self.row = int(element.get("r") or self.row + 1)
        self.column = 0
        self.counted_rows[0] += 1
        if self.counted_rows[0] > self.max_rows:
            self.refuse(
                _("the workbook has more than %(limit)d rows, the import limit.")
                % {"limit": self.max_rows},
                self.row,
            )
        if self.texts:
            if element.get("hidden") in ("1", "true"):
                self.warn(
                    _("this row is hidden in the workbook: it is read all the same."), self.row
                )
            self.rows.append((self.row, self.texts))
            self.texts = {}

    def warn(self, message, row, column=None):
        self.warnings.append(Problem(self.archive.filename, self.title, row, column, message))

    def mend(self, message, row, column):
        """Name a cell the file cannot be imported with, and read on: every such cell is named
        at once. Its text is left out."""
        self.archive.cell_problems.append(
            Problem(self.archive.filename, self.title, row, column, message)
        )
        return []

    def read_cell(self, cell):
        reference = cell.get("r")
        place = _place(reference) if reference else None
        row, self.column = place if place else (self.row + 1, self.column + 1)
        self.counted_cells[0] += 1
        if self.counted_cells[0] > self.max_cells:
            self.refuse(
                _("the workbook has more than %(limit)d cells, the import limit.")
                % {"limit": self.max_cells},
                row,
            )
        paragraphs = self.paragraphs(cell, row, self.column)
        if len(paragraphs) < 2:  # most cells
            text = paragraphs[0] if paragraphs else ""
        else:
            text = "\n".join(filter(None, paragraphs))
        if not text:
            return
        if len(paragraphs) > 2 and "" in paragraphs:
            kept = tuple(n for n, paragraph in enumerate(paragraphs) if paragraph)
            self.gaps[(row, self.column)] = (len(paragraphs), kept)
        if self.column > self.max_columns:
            self.warn(_("this cell is far outside the table: it was not read."), row, self.column)
            return
        self.texts[self.column] = text

    def merge(self, reference):
        first, _colon, last = reference.partition(":")
        first, last = _REFERENCE.fullmatch(first), _REFERENCE.fullmatch(last)
        if first and last and int(last[2]) > int(first[2]):
            self.merged[(int(first[2]), column_index_from_string(first[1]))] = int(last[2])

    def paragraphs(self, cell, row, column):
        """The cell's paragraphs (`cell_paragraphs`); none for a cell the import leaves out."""
        kind = cell.get("t", "n")
        value = formula = inline = None
        for child in cell:
            tag = _local(child.tag)
            if tag == "v":
                value = child.text
            elif tag == "f":
                formula = child.text or ""
            elif tag == "is":
                inline = child
        if formula is not None and not value and kind not in ("str", "inlineStr"):
            return self.mend(
                _(
                    "the cell holds a formula (=%(formula)s) with no saved value: "
                    "open and save the file in Excel, or type the value."
                )
                % {"formula": formula},
                row,
                column,
            )
        if kind == "e":
            # Never imported as text; a warning, as the cell may be one the import ignores.
            self.warn(
                _("the cell holds an Excel error (%(error)s): it was not read.")
                % {"error": value},
                row,
                column,
            )
            return []
        if kind == "s":
            try:
                text = self.strings[int(value)]
            except (TypeError, ValueError, IndexError):
                self.refuse(_("the cell points to a shared text the workbook lacks."), row, column)
        elif kind == "inlineStr":
            text = rich_text(inline) if inline is not None else ""
        elif kind == "str":
            text = value or ""
        elif kind == "b":
            text = "TRUE" if value == "1" else "FALSE" if value == "0" else ""
        elif kind == "d":
            text = (value or "").removesuffix("T00:00:00")
        elif value is None:
            return []
        else:
            text = self.number(value, cell.get("s"), row, column)
        if len(text) > CELL_MAX_CHARS:
            self.refuse(
                _("the cell holds more than %(limit)d characters, Excel's own limit.")
                % {"limit": CELL_MAX_CHARS},
                row,
                column,
            )
        return cell_paragraphs(text)

    def number(self, value, style, row, column):
        """A number as its cell shows it: a date as YYYY-MM-DD (with its time only if the
        cell shows it), a month as MM/YYYY, a year alone, a percentage as "75%"."""
        try:
            number = float(value)
        except ValueError:
            message = _("the cell's number “%(value)s” cannot be read.")
            self.refuse(message % {"value": value}, row, column)
        shown, code = (
            self.styles.get(int(style), (None, "")) if style and style.isdigit() else (None, "")
        )
        if shown in (DAY, MONTH, YEAR, MOMENT):
            day = from_excel(number, self.epoch)
            if isinstance(day, datetime) and (shown != MOMENT or day.time() == time.min):
                day = day.date()
            if isinstance(day, date | datetime):
                written = {MONTH: "%m/%Y", YEAR: "%Y"}.get(shown)
                return day.strftime(written) if written else day.isoformat()
        if shown == PERCENT:
            return percent_shown(value, code)
        return str(int(number)) if number.is_integer() else value


@functools.lru_cache(maxsize=256)
def _local(tag):
    # Cached: a sheet has a dozen tags and asks for them hundreds of thousands of times.
    return tag.rpartition("}")[2]


@functools.lru_cache(maxsize=4096)
def _columns(letters):
    return column_index_from_string(letters)


def _place(reference):
    """(row, column) of "B12", or None."""
    found = _REFERENCE.match(reference)
    return (int(found[2]), _columns(found[1])) if found else None


def rich_text(element) -> str:
    """The text of a shared or inline string; superscript runs between <sup> tags, the text
    around them then written as HTML ("&lt;" for a "<" typed), as `plain_text` reads it."""
    if len(element) == 1 and _local(element[0].tag) == "t":
        return element[0].text or ""  # one run of plain text: most cells
    runs = []  # (text, superscript)
    for child in element:
        tag = _local(child.tag)
        if tag == "t":
            runs.append((child.text or "", False))
        elif tag == "r":
            superscript = False
            text = ""
            for part in child:
                part_tag = _local(part.tag)
                if part_tag == "t":
                    text = part.text or ""
                elif part_tag == "rPr":
                    superscript = any(
                        _local(p.tag) == "vertAlign" and p.get("val") == "superscript"
                        for p in part
                    )
            runs.append((text, superscript and bool(text.strip())))
    if not any(superscript for _text, superscript in runs):
        return "".join(text for text, _superscript in runs)
    return "".join(
        f"<sup>{html.escape(text, quote=False)}</sup>"
        if superscript
        else html.escape(text, quote=False)
        for text, superscript in runs
    )


def cell_text(text: str) -> str:
    """A cell's text as the plan keeps it: one paragraph a line, no empty paragraph, no markup
    but <sup>, no control character."""
    return "\n".join(filter(None, cell_paragraphs(text)))


def cell_paragraphs(text: str) -> list[str]:
    """`cell_text`'s paragraphs, with the empty ones between them."""
    if text.isprintable() and "_x" not in text and "<" not in text and "&" not in text:
        return [text.strip()]  # one paragraph, nothing to clean: most cells
    text = excel_text(text.replace("\r\n", "\n").replace("\r", "\n"))
    if _HTML_LIKE.search(text):
        text = plain_text(text)
    paragraphs = [line.strip() for line in text.split("\n")]
    kept = [n for n, paragraph in enumerate(paragraphs) if paragraph]
    return paragraphs[kept[0] : kept[-1] + 1] if kept else []


def plain_text(text: str) -> str:
    """Strip markup but <sup>, keeping block ends as line breaks; entities become characters."""
    kept = nh3.clean(_BLOCK_END.sub("\n", text), tags={"sup"}, attributes={})
    return html.unescape(kept)
