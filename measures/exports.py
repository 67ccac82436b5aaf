"""The measures table as a spreadsheet: same rows, order and columns, plus the full texts.

Rows are read in chunks and written as they come, so 20,000 lines never sit in memory at once.
"""

import csv
import datetime
import tempfile

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_tables2.rows import BoundRow
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .models import DeadlineKind

CHUNK_SIZE = 1000
# A spreadsheet reads a cell starting with these as a formula (or a formula's continuation).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

EXTRA_COLUMNS = [
    (_("Question text"), lambda line: line.question.title),
    (_("Deadline kind"), lambda line: DeadlineKind(line.deadline_kind).label),
    (_("Status text"), lambda line: line.status_narrative or ""),
    (_("Responsible unit names"), lambda line: "; ".join(u.name for u in line.units.all())),
]


def neutralise(value):
    """Make a text cell inert in Excel, LibreOffice and Sheets: a leading quote shows as text."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def export_rows(table, queryset):
    """The header, then one list of cell values per line, formulas neutralised."""
    names = [column.name for column in table.columns]
    yield [str(column.header) for column in table.columns] + [str(h) for h, _ in EXTRA_COLUMNS]
    for line in queryset.iterator(chunk_size=CHUNK_SIZE):
        row = BoundRow(line, table=table)
        values = [row.get_cell_value(name) for name in names]
        values += [getter(line) for _, getter in EXTRA_COLUMNS]
        yield [neutralise(_plain(value)) for value in values]


def _plain(value):
    """What a spreadsheet can hold: text (translated now), numbers and dates."""
    if value is None:
        return ""
    if isinstance(value, Promise):
        return str(value)
    return value


class _Echo:
    def write(self, value):
        return value


def csv_chunks(table, queryset):
    """UTF-8 CSV with a byte-order mark so that Excel reads the accents right."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for values in export_rows(table, queryset):
        yield writer.writerow(
            [v.isoformat() if isinstance(v, datetime.date) else v for v in values]
        )


COLUMN_WIDTHS = {"text": 60, "timeline": 30, "units": 18}


def xlsx_file(table, queryset, *, title):
    """A write-only workbook in an anonymous temporary file, rewound for reading."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    names = [column.name for column in table.columns] + [None] * len(EXTRA_COLUMNS)
    for index, name in enumerate(names, start=1):
        width = COLUMN_WIDTHS.get(name, 14 if name else 50)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    rows = export_rows(table, queryset)
    bold = Font(bold=True)
    sheet.append([_cell(sheet, value, font=bold) for value in next(rows)])
    count = 0
    for values in rows:
        # Only dates need a styled cell; plain values are much cheaper to write.
        sheet.append(
            [
                _cell(sheet, v) if isinstance(v, datetime.date) else (None if v == "" else v)
                for v in values
            ]
        )
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(names))}{count + 1}"
    file = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it, which deletes it)
    workbook.save(file)
    file.seek(0)
    return file


def _cell(sheet, value, font=None):
    cell = WriteOnlyCell(sheet, value=None if value == "" else value)
    if isinstance(value, datetime.date):
        cell.number_format = "yyyy-mm-dd"
    if font:
        cell.font = font
    return cell
