"""The measures table as a spreadsheet: same rows, order and columns, plus the full texts.

Rows are read in chunks and written as they come, so 20,000 lines never sit in memory at once.
"""

import csv
import datetime
import itertools
import tempfile

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ilo_tracker.text import clean_text

from .tables import plain_rows, row_fields

CHUNK_SIZE = 1000
# A spreadsheet reads a cell starting with these as a formula (or a formula's continuation).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Make a CSV cell inert in Excel, LibreOffice and Sheets: a leading quote shows as text."""
    if _is_formula_like(value):
        return "'" + value
    return value


def _is_formula_like(value):
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def export_columns(table):
    """The table's columns, the hidden full-text ones included, in the table's order."""
    return [column for column in table.columns.iterall() if not column.column.exclude_from_export]


def export_rows(table, queryset):
    """The header, then one list of cell values per line.

    Cells come from `.values()` rows through each column's `cell`, read in chunks; a chunk's
    units and statuses are read in two more queries.
    """
    columns = export_columns(table)
    yield [str(column.header) for column in columns]
    cells = [(str(column.accessor), column.column.cell) for column in columns]
    rows = queryset.prefetch_related(None).values(*row_fields(columns))
    for chunk in itertools.batched(rows.iterator(CHUNK_SIZE), CHUNK_SIZE):
        for row in plain_rows(chunk):
            yield [_plain(cell(row[name])) for name, cell in cells]


def _plain(value):
    """What a spreadsheet can hold: text (cleaned again, for what was stored before the app
    cleaned its input), numbers and dates."""
    if isinstance(value, str):
        return clean_text(value)
    return "" if value is None else value


class _Echo:
    def write(self, value):
        return value


def csv_chunks(table, queryset):
    """UTF-8 CSV with a byte-order mark so that Excel reads the accents right."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for values in export_rows(table, queryset):
        yield writer.writerow(
            [v.isoformat() if isinstance(v, datetime.date) else neutralise(v) for v in values]
        )


COLUMN_WIDTHS = {
    "text": 60,
    "timeline": 30,
    "units": 18,
    "question_text": 50,
    "status_text": 50,
    "unit_names": 30,
}


def xlsx_file(table, queryset, *, title):
    """A write-only workbook in an anonymous temporary file, rewound for reading."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    names = [column.name for column in export_columns(table)]
    for index, name in enumerate(names, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = COLUMN_WIDTHS.get(name, 14)
    sheet.freeze_panes = "A2"
    rows = export_rows(table, queryset)
    bold = Font(bold=True)
    sheet.append([_cell(sheet, value, font=bold) for value in next(rows)])
    count = 0
    for values in rows:
        # Only dates and formula-like texts need a styled cell; plain values are much cheaper.
        sheet.append(
            [
                _cell(sheet, v)
                if isinstance(v, datetime.date) or _is_formula_like(v)
                else (None if v == "" else v)
                for v in values
            ]
        )
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(names))}{count + 1}"
    file = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it, which deletes it)
    workbook.save(file)
    file.seek(0)
    return file


def rows_xlsx(rows, *, title, widths=()):
    """A header (bold) and rows of values as a write-only workbook, formulas neutralised, in an
    anonymous temporary file rewound for reading. A date and time is written as local time."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(title)[:31])
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    rows = iter(rows)
    bold = Font(bold=True)
    sheet.append([_cell(sheet, str(v), font=bold) for v in next(rows)])
    for row in rows:
        sheet.append([_cell(sheet, "" if v is None else _local(v)) for v in row])
    file = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it, which deletes it)
    workbook.save(file)
    file.seek(0)
    return file


def _local(value):
    """Spreadsheets have no time zones."""
    if isinstance(value, datetime.datetime) and value.tzinfo:
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _cell(sheet, value, font=None):
    if isinstance(value, str):
        value = clean_text(value)  # again, as `_plain`
    cell = WriteOnlyCell(sheet, value=None if value == "" else value)
    if isinstance(value, datetime.datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, datetime.date):
        cell.number_format = "yyyy-mm-dd"
    elif _is_formula_like(value):
        # Text as written, never a formula: openpyxl would store "=…" as one, and the quote
        # prefix keeps Excel from reading it as one when the cell is edited.
        cell.data_type = "s"
        cell.quotePrefix = True
    if font:
        cell.font = font
    return cell
