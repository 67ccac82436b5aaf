"""A plan's annex as a Word document, from the same view model as the PDF (`reports.annex`).

Same content and order as the PDF: symbol, heading, one table per part (per group of measures
in the GB.341 layout) whose part title and column titles repeat on every page, statuses as of
the date, and the paragraphs naming the P&B outputs, in the plan's language.
"""

import io
import re

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from ilo_tracker.text import clean_text

from .annex import GB279

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PAGE_WIDTH, PAGE_HEIGHT, MARGIN = Mm(297), Mm(210), Mm(15)
# Column widths in per cent, as print.css gives them.
WIDTHS = {
    (GB279, 4): [17, 43, 13, 27],
    ("gb341", 3): [34, 52, 14],
    ("gb341", 4): [26, 38, 12, 24],
}
# What print.css adds before a line written without its own dash, and before each output.
DASH = "– "
WORD_LANGUAGES = {"fr": "fr-FR", "en": "en-GB", "es": "es-ES"}


_SUPERSCRIPT = re.compile(r"<sup>(.*?)</sup>")


def filename(document):
    return document.filename.removesuffix(".pdf") + ".docx"


def annex_docx(document):
    """The annex `document` (a `reports.pdf.Document` of `plan_annex`) as .docx bytes."""
    annex = document.body
    word = Document()
    _set_up(word, document)
    if document.symbol:
        paragraph = word.add_paragraph(document.symbol)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.runs[0].bold = True
    heading = word.add_paragraph(annex.heading)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.runs[0].bold = True
    heading.runs[0].font.size = Pt(12)
    for part in annex.parts:
        if annex.layout == GB279:
            table = _table(word, annex, part)
            for question in part.questions:
                _gb279_question(table, question)
        else:
            for group in part.groups:
                table = _table(word, annex, part)
                for question in group.questions:
                    _gb341_measure(table, annex, question)
                if group.relates:
                    _add_runs(word.add_paragraph(), group.relates)
                    for line in group.output_lines:
                        paragraph = _add_runs(word.add_paragraph(), DASH + line)
                        paragraph.paragraph_format.left_indent = Mm(6)
        word.add_paragraph()
    for note in annex.notes:
        _add_runs(word.add_paragraph(), note).runs[0].font.size = Pt(8)
    file = io.BytesIO()
    word.save(file)
    return file.getvalue()


def _set_up(word, document):
    section = word.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.left_margin = section.right_margin = MARGIN
    section.top_margin, section.bottom_margin = Mm(18), Mm(16)
    style = word.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(9)
    style.paragraph_format.space_after = Pt(3)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), WORD_LANGUAGES.get(document.language, document.language))
    style.element.get_or_add_rPr().append(language)
    word.core_properties.title = document.title
    word.core_properties.language = document.language
    # As in the PDF: the symbol at the top right of every page but the first, page numbers below.
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    header.text = document.symbol
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number(footer)
    _page_number(section.first_page_footer.paragraphs[0])
    section.first_page_footer.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER


def _page_number(paragraph):
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    paragraph._p.append(field)


def _table(word, annex, part):
    """A bordered table with the part title and the column titles as repeated header rows."""
    count = len(annex.columns)
    table = word.add_table(rows=2, cols=count)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    usable = PAGE_WIDTH - 2 * MARGIN
    for column, share in zip(table.columns, WIDTHS[(annex.layout, count)], strict=True):
        column.width = int(usable * share / 100)
    widths = [column.width for column in table.columns]
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    title = table.rows[0].cells[0].merge(table.rows[0].cells[-1])
    _write(title, [part.title], bold=True)
    for cell, column in zip(table.rows[1].cells, annex.columns, strict=True):
        _write(cell, [column], bold=True)
        _shade(cell, "E8E8E8")
    for row in table.rows:
        _row_property(row, "w:tblHeader")
    return table


def _add_row(table, keep_together=False):
    row = table.add_row()  # its cells take the widths of the table's columns
    if keep_together:
        _row_property(row, "w:cantSplit")
    return row


def _heading_row(table, question):
    row = _add_row(table, keep_together=True)
    cell = row.cells[0].merge(row.cells[-1])
    _write(cell, [f"{question.code} {question.title}"], bold=True)
    _shade(cell, "F4F4F4")


def _gb279_question(table, question):
    if question.is_heading:
        _heading_row(table, question)
        return
    lead = _add_row(table, keep_together=True)
    _write(lead.cells[0], [f"{question.code} {question.title}"], bold=True)
    _write(lead.cells[1], _paragraphs(question.context))
    _write(lead.cells[2], _paragraphs(question.timeline))
    _write(lead.cells[3], _paragraphs(question.status))
    last = lead
    for line in question.lines:
        last = _add_row(table)
        _write(last.cells[1], _line_text(line), indent=True)
        _write(last.cells[2], _paragraphs(line.timeline))
        _write(last.cells[3], _paragraphs(line.status))
    if last is not lead:
        lead.cells[0].merge(last.cells[0])


def _gb341_measure(table, annex, question):
    if question.is_heading:
        _heading_row(table, question)
        return
    measure = [f"{question.code} {question.title}", *_paragraphs(question.context)]
    rows = question.lines or [None]
    first = None
    for n, line in enumerate(rows):
        row = _add_row(table, keep_together=True)
        cells = row.cells
        if n == 0:
            first = row
            _write(cells[0], measure)
        _write(cells[1], _paragraphs(line.text) if line else [])
        own = [] if line is None else _paragraphs(line.timeline)
        _write(cells[2], (_paragraphs(question.timeline) if n == 0 else []) + own)
        if annex.show_status:
            own = [] if line is None else _paragraphs(line.status)
            _write(cells[3], (_paragraphs(question.status) if n == 0 else []) + own)
    if len(rows) > 1:
        first.cells[0].merge(row.cells[0])


def _paragraphs(text):
    """Plain text as stored, one paragraph a line: as the `paragraphs` template filter."""
    return [line for line in (text or "").splitlines() if line.strip()]


def _line_text(line):
    paragraphs = _paragraphs(line.text)
    if paragraphs and not line.has_bullet:
        paragraphs[0] = DASH + paragraphs[0]
    return paragraphs


def _write(cell, paragraphs, bold=False, indent=False):
    """Put `paragraphs` in `cell`, the first in the paragraph every cell starts with."""
    for n, text in enumerate(paragraphs):
        paragraph = _add_runs(
            cell.paragraphs[0] if n == 0 else cell.add_paragraph(), text, bold=bold
        )
        if indent:
            # A hanging dash, as print.css sets it.
            paragraph.paragraph_format.left_indent = Mm(3)
            paragraph.paragraph_format.first_line_indent = Mm(-3)


def _add_runs(paragraph, text, bold=False):
    """`text` as runs of `paragraph`, its <sup>…</sup> (kept from the source) as superscript.

    Cleaned again: text stored before the app cleaned its input may hold what XML refuses."""
    for n, piece in enumerate(_SUPERSCRIPT.split(clean_text(text))):
        if piece:
            run = paragraph.add_run(piece)
            run.bold = bold or None
            run.font.superscript = n % 2 == 1 or None
    return paragraph


def _shade(cell, colour):
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shading)


def _row_property(row, name):
    element = OxmlElement(name)
    element.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(element)
