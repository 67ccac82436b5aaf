"""Recognise a plan in the rows of a workbook: title, parts, questions, lines, output links.

Rules (see docs/importing.md): the header row is found by its titles, in any order and any of
the layouts' three languages, and columns it does not know are ignored; a row whose only text
starts with "Partie"/"Objectif prioritaire"… is a part, above or below the header, or the
sheet's name is; a question cell starts with its code and the rows below it with an empty
question cell add to it; a sentence such as "Les mesures proposées 1.1 et 1.2 concernent…"
starts a group of output items.
"""

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from ilo_tracker import bulk
from ilo_tracker.text import MAX_TEXT_LENGTH
from measures.text import BULLETS, is_bullet, is_numbered
from measures.timelines import fold

from .headers import (
    LINES,
    QUESTION,
    STATUS,
    SYMBOL,
    TIMELINE,
    UNITS,
    Header,
    find_header,
    folded_title,
    plan_date_text,
    read_plan_date,
    without_footnotes,
)
from .layouts import DEFAULT, LAYOUTS
from .layouts.gb341 import LAYOUT as ONE_LINE_A_ROW_LAYOUT
from .parsed import OutputLink, ParsedLine, ParsedPart, ParsedPlan, ParsedQuestion
from .workbook import ImportRefused, Problem, read_workbook

_ITEM_BULLET = re.compile(rf"^(?:{'|'.join(map(re.escape, BULLETS))}|[a-z]\)|\d+\))\s*")
_DITTO = {'"', "“", "”", "〃", "''", "idem", "id.", "«»", "« »"}
_PART_WORDS = "|".join(
    sorted({re.escape(word) for layout in LAYOUTS.values() for word in layout.part_words})
)
# Parts numbered in Roman or Arabic figures, or by a letter (enabling outcomes: "Partie A –
# Gouvernance"), a letter then only before a dash, a colon or nothing: "Partie à la charge…"
# is no part.
_PART = re.compile(rf"^(?:{_PART_WORDS})\s+(?P<number>[ivxlc]+\b|\d+\b|[a-z](?=\s*(?:[-–—:.]|$)))")
_CODE = re.compile(
    r"^(?P<code>\d+\s*[a-z]\)|\d+(?:\.\d+)+\.?|\d+\.|[a-z]\)|[A-Za-z]\.\d+(?:\.\d+)*\.?)"
    r"(?:\s+|$)(?P<rest>.*)"
)
_GROUP = re.compile(
    r"^(?:les mesures proposees|la mesure proposee|(?:the )?proposed (?:measures?|actions?)"
    r"|las medidas propuestas|la medida propuesta)\s+(?P<codes>.*?)\s+"
    r"(?:concern|relat|se refier|guarda|correspond)"
)
_FRAMEWORK = (
    r"(?:p ?& ?b|programme et budget|programme and budget|programa y presupuesto)"
    r"\s+(?:(?:pour|for|para)\s+)?\d{4}-\d{2,4}"
)
_OUTPUT = re.compile(
    rf"^(?P<frameworks>(?:(?:du |of |del )?{_FRAMEWORK}[\s,]*(?:(?:et|and|y)\s+)?)*)"
    r"(?:(?P<word>produit|output|producto)\s+)?(?P<code>[a-z]\.\d+|\d+\.\d+)(?=[\s:;,.]|$)"
)
_FRAMEWORKS_ONLY = re.compile(rf"^(?:{_FRAMEWORK}[\s,]*(?:(?:et|and|y)\s+)?)+:?$")
_BIENNIUM = re.compile(r"(\d{4})-(\d{2,4})")
# A note under the table, alone on its row: "Source : BIT, 2021", "Note : …", "NB : …". Not an
# asterisk: a last action line may start with one.
_NOTE = re.compile(r"(?:sources?|notes?|nb|n\.b\.|nota|remarques?)\s*:")
# "PARDEV; PROGRAM", "PARDEV, PROGRAM", "PARDEV et PROGRAM", "PARDEV & PROGRAM"…
_UNIT_SEPARATORS = re.compile(r"[;,\n&+]+|\s+(?:et|and|y)\s+", re.IGNORECASE)


@dataclass
class _Row:
    """The cells of one row of a question, split into paragraphs."""

    sheet: str
    number: int
    header: Header
    cells: dict[str, list[str]]
    spans: dict[str, int]  # kind -> last row of a cell merged down from this row
    # kind -> (paragraphs with the empty ones, places of the others): `workbook.Sheet.gaps`
    gaps: dict[str, tuple[int, tuple[int, ...]]]


@bulk.paused_gc()
def read_plan(
    data: bytes, filename: str, symbol: str = "", plan_date: date | None = None
) -> ParsedPlan:
    """Read a workbook into a ParsedPlan, or raise ImportRefused naming every problem.

    A `symbol` or `plan_date` given here wins over the one in the title rows.
    """
    sheets = read_workbook(data, filename)
    return _Reader(filename, symbol, plan_date).read(sheets)


class _Reader:
    def __init__(self, filename, symbol, plan_date):
        self.filename = filename
        self.given_symbol = symbol.strip()
        self.given_date = plan_date
        self.written_date = None
        self.title_texts = []
        # Each title row that starts with a symbol, as (symbol, sheet, row, column): a
        # workbook whose sheets name two plans is two files pasted together (on one sheet, a
        # second symbol is the paper's corrigendum or another it cites).
        self.title_symbols = []
        self.errors = []
        self.warnings = []
        self.ignored = []
        self.parts = []
        self.part = None
        self.sheet_has_part = False
        self.question = None
        self.merged, self.gaps = {}, {}
        # kind -> (row, paragraphs) of a cell merged down past its question's rows: it speaks
        # for the next question's rows it covers too.
        self.carried = {}
        self.rows = []  # the current question's rows
        self.notes = []  # (header, row, cells) of rows that are notes if nothing follows them
        self.group = None  # the questions of the current output group
        self.group_frameworks = []  # bienniums the group names once for all its items
        self.heading = None
        self.language = None
        self.layout = None

    def problem(self, message, sheet, row, column=None):
        return Problem(self.filename, sheet, row, column, message)

    def read(self, sheets):
        row_count = 0
        for sheet in sheets:
            row_count += len(sheet.rows)
            self.warnings += sheet.warnings
            self.sheet_has_part = False
            self.merged, self.gaps = sheet.merged, sheet.gaps
            header = None
            for number, cells in sheet.rows:
                if header is None:
                    header = find_header(number, cells)
                    if header is None:
                        self.read_title_row(sheet.name, number, cells)
                    else:
                        self.read_header(sheet.name, header, sheet.hidden_columns)
                    continue
                self.read_row(sheet.name, header, number, cells)
            for _header, number, cells in self.notes:  # nothing came after them: notes
                ((column, _text),) = cells.items()
                self.warnings.append(
                    self.problem(
                        _("a note under the table: it was not read."), sheet.name, number, column
                    )
                )
            self.notes = []
            if header is None and sheet.rows:
                self.warnings.append(
                    self.problem(
                        _("no header row on this sheet: it was not read."), sheet.name, 1, 1
                    )
                )
        self.finish_question()
        if self.language is None:
            name = sheets[0].name if sheets else None
            self.errors.append(
                self.problem(
                    _(
                        "no header row found: one row must title the columns, e.g. “Questions”, "
                        "“Contexte et lignes d'action”, “Calendrier”."
                    ),
                    name,
                    1,
                    1,
                )
            )
        symbol, title = self.symbol_and_title(sheets)
        if self.errors:
            raise ImportRefused(self.errors)
        session = SYMBOL.match(symbol)
        parsed = ParsedPlan(
            filename=self.filename,
            symbol=symbol,
            title=title,
            session=int(session["session"]) if session else None,
            committee=(session["committee"] or "") if session else "",
            language=self.language,
            parts=self.parts,
            warnings=self.warnings,
            row_count=row_count,
            date=self.given_date or self.written_date,
            layout=self.layout or DEFAULT,
            ignored_columns=self.ignored,
        )
        parsed.read_deadlines()
        return parsed

    def read_header(self, sheet, header, hidden_columns):
        self.language = self.language or header.language or "fr"
        self.layout = self.layout or header.layout
        for column in sorted(set(header.columns.values()) & hidden_columns):
            self.warnings.append(
                self.problem(
                    _("this column is hidden in the workbook: it is read all the same."),
                    sheet,
                    header.row,
                    column,
                )
            )
        for column, title in header.ignored.items():
            self.ignored.append(self.problem(title, sheet, header.row, column))
        if STATUS in header.columns and header.as_of is None:
            self.errors.append(
                self.problem(
                    _(
                        "the status column title names no date (e.g. “Etat des "
                        "travaux au 31 août 2000”)."
                    ),
                    sheet,
                    header.row,
                    header.columns[STATUS],
                )
            )

    def read_title_row(self, sheet, number, cells):
        """Title texts, part headings above the header, and the plan date: "Date du plan :
        novembre 1999", or in the next cell."""
        if len(cells) == 1:
            (text,) = cells.values()
            part = _PART.match(fold(text))
            if part:
                self.start_part(part["number"].upper(), text)
                return
        columns = iter(sorted(cells))
        for column in columns:
            written = plan_date_text(cells[column])
            if written is None:
                self.title_texts.append(cells[column])
                if starts := SYMBOL.match(cells[column].strip()):
                    self.title_symbols.append((starts.group(), sheet, number, column))
                continue
            if not written:
                column = next(columns, None)
                written = cells[column] if column else ""
            if not written:
                continue  # an empty label, as in the blank template
            day = read_plan_date(written)
            if day is None:
                self.errors.append(
                    self.problem(
                        _(
                            "the plan date “%(date)s” cannot be read: write a month and year "
                            "(“Date du plan : novembre 1999”) or a full date (5 octobre 2000)."
                        )
                        % {"date": cells[column]},
                        sheet,
                        number,
                        column,
                    )
                )
            self.written_date = self.written_date or day

    def symbol_and_title(self, sheets):
        first, first_sheet = self.title_symbols[0][:2] if self.title_symbols else (None, None)
        for other, sheet, row, column in self.title_symbols[1:]:
            if other != first and sheet != first_sheet:
                self.errors.append(
                    self.problem(
                        _(
                            "this title names the plan %(other)s, but the first title names "
                            "%(first)s: a workbook holds one plan; import each plan from its own "
                            "file."
                        )
                        % {"other": other, "first": first},
                        sheet,
                        row,
                        column,
                    )
                )
        written = next((m for text in self.title_texts if (m := SYMBOL.search(text))), None)
        if written is None:
            if not self.given_symbol:
                self.errors.append(
                    self.problem(
                        _(
                            "no GB symbol (e.g. GB.279/TC/2) in the title rows above the header: "
                            "write one there or give the symbol."
                        ),
                        sheets[0].name if sheets else None,
                        1,
                        1,
                    )
                )
            return self.given_symbol, self.given_symbol
        symbol = written.group()
        at = next(n for n, text in enumerate(self.title_texts) if symbol in text)
        # "Conseil d'administration – GB.279/TC/2 – Plan": what is around the symbol. A symbol
        # alone in its cell, as on a paper's cover: the title row after it (else before it).
        around = [piece.strip(" –—-:\n") for piece in self.title_texts[at].split(symbol, 1)]
        others = [*self.title_texts[at + 1 :], *reversed(self.title_texts[:at])]
        title = " – ".join(filter(None, around)) or next(
            (text for text in others if not SYMBOL.search(text)), symbol
        )
        if self.given_symbol and self.given_symbol != written.group():
            self.warnings.append(
                self.problem(
                    _(
                        "the file names the plan %(written)s: it is imported as %(given)s, "
                        "the symbol given."
                    )
                    % {"written": written.group(), "given": self.given_symbol},
                    sheets[0].name,
                    None,
                )
            )
            return self.given_symbol, title
        return written.group(), title

    # ---------------------------------------------------------------- row by row

    def read_row(self, sheet, header, number, cells):
        if len(cells) == 1 and _NOTE.match(fold(next(iter(cells.values())))):
            # "Source : BIT, 2021" under the table; within it, a row as any other.
            self.notes.append((header, number, cells))
            return
        for noted in self.notes:
            self.read_row_of_table(sheet, *noted)
        self.notes = []
        self.read_row_of_table(sheet, header, number, cells)

    def read_row_of_table(self, sheet, header, number, cells):
        if self.repeats_header(header, cells):
            return  # the header repeated on a new page
        if len(cells) == 1:
            ((column, text),) = cells.items()
            if self.read_single_text(sheet, number, column, text):
                return
        self.group = None
        question_text = cells.get(header.columns[QUESTION], "")
        if question_text:
            self.start_question(sheet, header, number, question_text)
        elif self.question is None:
            for kind in (TIMELINE, STATUS, LINES):
                column = header.columns.get(kind)
                if column in cells:
                    self.errors.append(
                        self.problem(
                            _("this cell has no question above it."), sheet, number, column
                        )
                    )
            return
        self.rows.append(
            _Row(
                sheet,
                number,
                header,
                {
                    kind: cells.get(column, "").split("\n") if cells.get(column) else []
                    for kind, column in header.columns.items()
                    if kind != QUESTION
                },
                {
                    kind: self.merged[(number, column)]
                    for kind, column in header.columns.items()
                    if (number, column) in self.merged
                },
                {
                    kind: self.gaps[(number, column)]
                    for kind, column in header.columns.items()
                    if (number, column) in self.gaps
                }
                if self.gaps
                else {},
            )
        )

    @staticmethod
    def repeats_header(header, cells):
        texts = cells.values()
        if header.texts.issuperset(texts):
            return True
        # Folding is slow: only rows of short texts starting with a letter, as titles are, may
        # be titles folded (not a question's code, a bullet or a date).
        if len(cells) > len(header.texts) or max(map(len, texts)) > header.longest:
            return False
        if not all(text[:1].isalpha() for text in texts):
            return False
        # Shortest first: the likeliest to be folded already (a timeline) and to differ.
        return all(folded_title(text) in header.titles for text in sorted(texts, key=len))

    def read_single_text(self, sheet, number, column, text):
        """Part headings, output-group sentences and output items; False for anything else."""
        folded = fold(text)
        part = _PART.match(folded)
        if part:
            self.start_part(part["number"].upper(), text)
            return True
        group = _GROUP.match(folded)
        if group:
            self.finish_question()
            self.start_group(sheet, number, column, group["codes"], folded[group.end() :])
            return True
        if self.group is not None and (
            not _CODE.match(folded) or _OUTPUT.match(_ITEM_BULLET.sub("", folded, count=1))
        ):
            for item in text.split("\n"):
                self.add_group_item(sheet, number, column, item)
            return True
        return False

    def start_part(self, number, title):
        self.finish_question()
        self.group = None
        self.sheet_has_part = True
        same = next((p for p in self.parts if p.number == number), None)
        if same is not None:
            self.part = same  # the heading repeated after a page break or on another sheet
            return
        self.heading = None
        self.part = ParsedPart(number, title)
        self.parts.append(self.part)

    def start_question(self, sheet, header, number, text):
        self.finish_question()
        first, *more = text.split("\n")
        code = _CODE.match(first)
        if code is None:
            self.errors.append(
                self.problem(
                    _(
                        "a question cell must start with its code, e.g. “1 a)”, “1.”, “1.1”, "
                        "“a)”, “A.1”."
                    ),
                    sheet,
                    number,
                    header.columns[QUESTION],
                )
            )
            return
        if not self.sheet_has_part:
            # A sheet holding one part may say which by its name alone.
            named = _PART.match(fold(sheet))
            if named:
                self.start_part(named["number"].upper(), sheet)
        if self.part is None:
            self.part = ParsedPart("1", "")
            self.parts.append(self.part)
        code_text = " ".join(code["code"].split())
        if any(q.code == code_text for q in self.part.questions):
            self.errors.append(
                self.problem(
                    _("question %(code)s appears twice in this part.") % {"code": code_text},
                    sheet,
                    number,
                    header.columns[QUESTION],
                )
            )
        title = "\n".join([code["rest"].strip(), *more]).strip()
        self.question = ParsedQuestion(code_text, title, sheet, number)
        self.rows = []

    def start_group(self, sheet, number, column, codes_text, rest):
        codes = [code.upper() for code in re.findall(r"(?:[a-z]\.)?\d+(?:\.\d+)*", codes_text)]
        questions = {
            q.code.rstrip(".").upper(): q for q in (self.part.questions if self.part else [])
        }
        self.group = []
        self.group_frameworks = _frameworks(rest)
        for code in codes:
            if code in questions:
                self.group.append(questions[code])
            else:
                self.warnings.append(
                    self.problem(
                        _("this sentence names measure %(code)s, which is not in this part.")
                        % {"code": code},
                        sheet,
                        number,
                        column,
                    )
                )

    def add_group_item(self, sheet, number, column, text):
        """An output item links the group's questions to outputs; anything else is their note."""
        item = _ITEM_BULLET.sub("", fold(without_footnotes(text)).strip(), count=1)
        if _FRAMEWORKS_ONLY.match(item):
            self.group_frameworks = _frameworks(item)  # "P&B 2020-21, P&B 2022-23:"
            return
        output = _OUTPUT.match(item)
        frameworks = _frameworks(output["frameworks"]) if output else []
        if output and not frameworks and (output["word"] or self.group_frameworks):
            frameworks = self.group_frameworks
        for question in self.group:
            if not frameworks:
                question.outputs_note = "\n".join(filter(None, [question.outputs_note, text]))
                continue
            for framework in frameworks:
                question.outputs.append(
                    OutputLink(framework, output["code"].upper(), sheet, number, column, text)
                )

    # ---------------------------------------------------------- ending a question

    def finish_question(self):
        question, rows = self.question, self.rows
        self.question, self.rows = None, []
        if question is None:
            return
        if not any(any(row.cells.values()) for row in rows):
            question.is_heading = True
            self.heading = question
        elif self.heading is not None:
            question.heading_code = self.heading.code
        self.read_lines(question, rows)
        lines_of = defaultdict(list)  # the lines each row starts
        for line in question.lines:
            lines_of[line.sheet, line.row].append(line)
        for kind in (TIMELINE, STATUS, UNITS):
            self.spread(question, rows, lines_of, kind)
        self.part.questions.append(question)

    def read_lines(self, question, rows):
        """Bullet paragraphs are lines, every other paragraph the context (but one going on
        with the item above it); without bullets, numbered paragraphs ("1.", "a)") are the
        lines; else a row a line. Where the rows are the lines (`_rows_are_lines`), a row of
        items only gives a line each, and any other row below the first items is one line, its
        items with it."""
        paragraphs = [(row, text) for row in rows for text in row.cells.get(LINES, [])]
        is_item = next(
            (test for test in (is_bullet, is_numbered) if any(test(t) for _r, t in paragraphs)),
            None,
        )
        if is_item and _rows_are_lines(rows, is_item):
            lines, context = [], []
            deliverables = rows[0].header.layout == ONE_LINE_A_ROW_LAYOUT.name
            for row in rows:
                texts = row.cells.get(LINES, [])
                # Above the first items: the context; of deliverables, only what introduces
                # them ("Pour cela :").
                introduces = not deliverables or (texts and texts[-1].endswith(":"))
                if not lines and texts and not any(map(is_item, texts)) and introduces:
                    context += texts
                    continue
                if texts and all(map(is_item, texts)):
                    lines += [(row, [text]) for text in texts]
                elif texts:
                    lines.append((row, texts))
        elif is_item:
            lines, context = [], []
            for row, text in paragraphs:
                if is_item(text):
                    lines.append((row, [text]))
                elif lines and lines[-1][0] is row and _continues(lines[-1][1][-1], text):
                    lines[-1][1].append(text)
                else:
                    context.append(text)
        else:
            lines = [(row, row.cells[LINES]) for row in rows if row.cells.get(LINES)]
            context = []
        question.context = "\n".join(context)
        question.lines = [
            ParsedLine("\n".join(texts), row.sheet, row.number) for row, texts in lines
        ]

    def spread(self, question, rows, lines_of, kind):
        """One paragraph per line of its row (or of the rows its cell is merged over) goes to
        each line; otherwise to the whole question. `lines_of`: the lines each row starts."""
        whole, first_row = [], None
        written = self.paragraphs(rows, kind)
        carried = self.carried.pop(kind, None)
        source = carried and carried[0]
        if source and source.sheet == rows[0].sheet and rows[0].number <= source.spans[kind]:
            if question.lines:
                written.insert(0, carried)
            else:
                self.carried[kind] = carried  # a heading passes it on to its questions
        for row, paragraphs in written:
            own = lines_of[row.sheet, row.number]
            if kind in row.spans:
                # A cell merged down over rows speaks for the lines of all those rows: units,
                # or a text over some lines only and not a paragraph each, to each of them.
                last = row.spans[kind]
                if last > rows[-1].number:
                    self.carried[kind] = (row, paragraphs)
                own = [
                    line
                    for line in question.lines
                    if line.sheet == row.sheet and row.number <= line.row <= last
                ]
                some_lines = len(own) < len(question.lines)
                if kind == UNITS or (some_lines and len(paragraphs) != len(own)):
                    for line in own:
                        self.set(line, kind, "\n".join(paragraphs), row)
                    continue
            gaps = row.gaps.get(kind)
            if gaps and gaps[0] == len(own) != len(paragraphs):
                # "fin 2001\n\nfin 2003" beside three lines: the first's and the third's.
                own = [own[place] for place in gaps[1]]
            if len(own) == len(paragraphs):
                for line, text in zip(own, paragraphs, strict=True):
                    self.set(line, kind, text, row)
            elif kind == UNITS:
                # A units cell that does not match its row's lines: all of them where other
                # rows have theirs; else (the question's only one) the whole question's.
                for line in own if len(written) > 1 and own else question.lines:
                    self.set(line, kind, "\n".join(paragraphs), row)
            else:
                whole.extend(paragraphs)
                first_row = first_row or row
                if kind == STATUS:
                    question.as_of = question.as_of or row.header.as_of
        if kind != UNITS:
            setattr(question, kind, "\n".join(whole))
            if kind == STATUS and whole:
                self.check_status_length(question.status, first_row)

    def paragraphs(self, rows, kind):
        """(row, its paragraphs) of the rows with a cell of `kind`, ditto marks replaced by
        the paragraph above."""
        written, previous = [], None
        for row in rows:
            paragraphs = []
            for text in row.cells.get(kind, []):
                if text.casefold() in _DITTO:
                    if previous is None:
                        self.warnings.append(
                            self.problem(
                                _("a ditto mark with nothing above it to repeat."),
                                row.sheet,
                                row.number,
                                row.header.columns[kind],
                            )
                        )
                    else:
                        text = previous
                paragraphs.append(text)
                previous = text
            if paragraphs:
                written.append((row, paragraphs))
        return written

    def check_status_length(self, text, row):
        """A status longer than a person may type in the status form is refused at its cell
        (the database would refuse it too, with no place to point at)."""
        if len(text) > MAX_TEXT_LENGTH:
            self.errors.append(
                self.problem(
                    _(
                        "this status has %(length)d characters, more than the %(limit)d a "
                        "status may have: shorten it or split it over the lines."
                    )
                    % {"length": len(text), "limit": MAX_TEXT_LENGTH},
                    row.sheet,
                    row.number,
                    row.header.columns[STATUS],
                )
            )

    def set(self, line, kind, text, row):
        if kind == UNITS:
            codes = tuple(code for part in _UNIT_SEPARATORS.split(text) if (code := part.strip()))
            line.units = tuple(dict.fromkeys([*line.units, *codes]))
            cell = (row.sheet, row.number, row.header.columns[UNITS])
            for code in codes:
                line.unit_cells.setdefault(code, cell)
            return
        setattr(line, kind, text)
        if kind == STATUS:
            line.as_of = row.header.as_of
            self.check_status_length(text, row)


def _rows_are_lines(rows, is_item):
    """Whether each row of a question is a line (with the list it may hold) rather than
    paragraphs of one text: in a layout of one deliverable a row (GB.341), or where a row
    without any item follows one with items (a row of context can only come first)."""
    if rows[0].header.layout == ONE_LINE_A_ROW_LAYOUT.name:
        return True
    written = [row.cells[LINES] for row in rows if row.cells.get(LINES)]
    if len(written) < 2:
        return False
    first = next(n for n, texts in enumerate(written) if any(map(is_item, texts)))
    return any(not any(map(is_item, texts)) for texts in written[first + 1 :])


def _continues(item, text):
    """Whether `text` goes on with the list item above it, broken by a line break in its cell
    (Alt+Enter in Excel, Shift+Enter in Word): it starts in lower case after an item that
    does not end a sentence. A paragraph of its own ("Enseignements tirés de l'expérience")
    is the question's context."""
    return (
        text[:1].islower()
        and not item.endswith((".", ";", ":", "!", "?"))
        and not is_numbered(text)  # "a) premier point": a list of its own
    )


def _frameworks(text):
    """ "P&B 2020-21, P&B 2022-23" -> ["P&B 2020-21", "P&B 2022-23"]."""
    found = [f"P&B {first}-{last[-2:]}" for first, last in _BIENNIUM.findall(text)]
    return list(dict.fromkeys(found))
