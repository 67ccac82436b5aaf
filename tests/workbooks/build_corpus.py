"""Write the two real plans of fixtures/ again, laid out the ways secretariats keep them.

    .venv/bin/python tests/workbooks/build_corpus.py OUTPUT_DIR

The plans are read from fixtures/ by the importer, then written back by `write_variant` with
one `Variant`: header titles in French, English or Spanish, columns in any order, columns the
importer does not know, part titles above or below the header or as sheet names, one sheet
per part, the header repeated on continuation pages, a responsible-units column (a code per
line or one cell merged over a question), output items bulleted, on one cell, with "Output
1.1" or a bare "1.1", the biennium named once for the group, the group sentence in another
language. Every variant must import to the same plan as its fixture (tests/test_import_corpus.py).
"""

import io
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
PLANS = {"gb279": "GB.279-TC-2.xlsx", "gb341": "GB.341-POL-4.xlsx"}
# Codes set on the lines by the variants with a units column, in turn.
UNIT_CODES = [("PARDEV",), ("PROGRAM",), ("PARDEV", "PROGRAM"), ("PROPAR/TEC",)]


@dataclass(frozen=True)
class Variant:
    name: str
    language: str = "fr"  # of the header titles and the group sentence
    order: tuple[str, ...] = ("question", "lines", "timeline", "status", "units")
    extra: tuple[str, ...] = ()  # titles of columns the importer does not know
    part_title: str = "below"  # "below" or "above" the header, or "sheet" (its name)
    sheet_per_part: bool = False
    repeat_every: int = 0  # repeat the part title and the header after so many questions
    units: str = ""  # "" none, "line" a cell per line, "merged" one cell over the question
    bullet: str = ""  # before each output item: "- ", "• ", "a) "…
    items_in_one_cell: bool = False
    output_word: str = "produit"  # "produit", "Output" or "" (a bare "1.1")
    biennium_once: bool = False


VARIANTS = [
    Variant("english-titles", language="en"),
    Variant("spanish-titles", language="es"),
    Variant("columns-reordered", order=("timeline", "lines", "status", "question")),
    Variant("unknown-columns", extra=("Responsible officer", "Comments", "Observations")),
    Variant("part-title-above-header", part_title="above"),
    Variant("sheet-per-part", part_title="above", sheet_per_part=True),
    Variant("sheet-named-by-part", part_title="sheet", sheet_per_part=True),
    Variant("header-repeated", repeat_every=3),
    Variant("units-per-line", units="line"),
    Variant("units-merged-over-question", units="merged"),
    Variant("bulleted-output-items", bullet="- "),
    Variant("dotted-output-items", bullet="• "),
    Variant("lettered-output-items", bullet="a) "),
    Variant("output-items-in-one-cell", items_in_one_cell=True, bullet="• "),
    Variant("english-output-word", output_word="Output"),
    Variant("bare-output-codes", output_word="", biennium_once=True),
    Variant("biennium-once-for-the-group", biennium_once=True),
    Variant(
        "everything-at-once",
        language="en",
        order=("units", "question", "status", "lines", "timeline"),
        extra=("Comments",),
        part_title="above",
        sheet_per_part=True,
        repeat_every=4,
        units="line",
        bullet="- ",
        items_in_one_cell=True,
        output_word="Output",
        biennium_once=True,
    ),
]


def read_fixture(layout):
    from measures.importing import read_plan

    name = PLANS[layout]
    return read_plan((FIXTURES / name).read_bytes(), name)


def unit_codes(index):
    """The units of the line at `index` in the plan, in a variant with a units column."""
    return UNIT_CODES[index % len(UNIT_CODES)]


@dataclass
class _Writer:
    parsed: object
    variant: Variant
    book: Workbook = field(default_factory=Workbook)
    line_index: int = 0

    def __post_init__(self):
        from measures.importing.layouts import get_layout

        self.book.remove(self.book.active)
        self.layout = get_layout(self.parsed.layout)
        variant = self.variant
        kinds = [k for k in variant.order if k != "units" or variant.units]
        if variant.units and "units" not in kinds:
            kinds.append("units")
        if not any(self.has_status(q) for _p, q in self.parsed.questions()):
            kinds.remove("status")
        self.columns = {kind: number for number, kind in enumerate(kinds, start=1)}
        self.extra = {
            title: len(kinds) + number for number, title in enumerate(variant.extra, start=1)
        }
        self.sheet = None

    @staticmethod
    def has_status(question):
        return bool(question.status or any(line.status for line in question.lines))

    # --------------------------------------------------------------- rows and cells

    def put(self, row, column, text):
        from measures.importing.writer import rich_text_value

        if text:
            cell = self.sheet.cell(row, column)
            cell.value = rich_text_value(text) if "<sup>" in text else text
            if cell.data_type == "f":
                cell.data_type = "s"

    def append(self, values):
        """Write {kind or extra title: text} on the next row; return its number."""
        self.row += 1
        for key, text in values.items():
            column = self.columns.get(key) or self.extra.get(key)
            if column:
                self.put(self.row, column, text)
        return self.row

    def single(self, text):
        row = self.append({})
        self.put(row, 1, text)
        return row

    def header(self):
        from measures.importing.writer import long_date

        words = self.layout.titles[self.variant.language]
        as_of = next(
            (
                day
                for _p, q in self.parsed.questions()
                for day in [q.as_of, *(line.as_of for line in q.lines)]
                if day
            ),
            None,
        )
        titles = {kind: words[kind] for kind in self.columns}
        if "status" in titles:
            titles["status"] = words["status"].format(long_date(as_of, self.variant.language))
        self.append({**titles, **{title: title for title in self.extra}})

    def new_sheet(self, name, part):
        from measures.importing.writer import long_date

        self.sheet = self.book.create_sheet(name)
        self.row = 0
        parsed = self.parsed
        self.single(f"{parsed.symbol} – {parsed.title}")
        if parsed.date:
            self.single(f"Date du plan : {long_date(parsed.date, 'fr')}")
        if part is not None and self.variant.part_title == "above":
            self.single(part.title)
        self.header()

    # ------------------------------------------------------------------ the plan

    def write(self):
        variant = self.variant
        for number, part in enumerate(self.parsed.parts, start=1):
            if self.sheet is None or variant.sheet_per_part:
                name = sheet_name(part) if variant.part_title == "sheet" else f"Feuille {number}"
                self.new_sheet(name, part if variant.sheet_per_part or number == 1 else None)
            if variant.part_title == "below" or (
                variant.part_title == "above" and not variant.sheet_per_part and number > 1
            ):
                self.single(part.title)
            self.write_part(part)
        buffer = io.BytesIO()
        self.book.save(buffer)
        return buffer.getvalue()

    def write_part(self, part):
        run, key = [], None
        for count, question in enumerate(part.questions, start=1):
            group = _group_key(question)
            if run and group != key:
                self.write_group(run)
                run = []
            if self.variant.repeat_every and count % self.variant.repeat_every == 0:
                if self.variant.part_title != "sheet":
                    self.single(part.title)
                self.header()
            self.write_question(question)
            if group:
                run.append(question)
            key = group
        if run:
            self.write_group(run)

    def write_question(self, question):
        first = f"{question.code} {question.title}".strip()
        if question.is_heading:
            self.append({"question": first})
            return
        if not question.lines:
            self.append({"question": first, "lines": question.context, **self.whole(question)})
            return
        rows = []
        for index, line in enumerate(question.lines):
            codes = unit_codes(self.line_index)
            self.line_index += 1
            values = {"lines": line.text, "timeline": line.timeline, "status": line.status}
            if self.variant.units == "line":
                values["units"] = "; ".join(codes)
            if index == 0:
                values["question"] = first
                values["lines"] = "\n".join(filter(None, [question.context, line.text]))
                if self.variant.units == "merged":
                    values["units"] = " / ".join(codes)
                values["Comments"] = "Vu."
            rows.append(self.append(values))
        if self.variant.units == "merged" and len(rows) > 1:
            column = self.columns["units"]
            self.sheet.merge_cells(
                start_row=rows[0], end_row=rows[-1], start_column=column, end_column=column
            )
        if question.timeline or question.status:
            self.append(self.whole(question))

    @staticmethod
    def whole(question):
        return {"timeline": question.timeline, "status": question.status}

    def write_group(self, questions):
        variant = self.variant
        sentence = self.layout_sentences()
        codes = [question.code.rstrip(".") for question in questions]
        if len(codes) == 1:
            self.single(sentence.singular.format(codes[0]))
        else:
            listed = f"{', '.join(codes[:-1])} {sentence.conjunction} {codes[-1]}"
            self.single(sentence.plural.format(listed))
        first = questions[0]
        items = list(filter(None, first.outputs_note.split("\n")))
        by_item = {}
        for link in first.outputs:
            by_item.setdefault(link.code, []).append(link.framework)
        common = Counter(tuple(f) for f in by_item.values()).most_common(1)
        common = common[0][0] if common and variant.biennium_once else None
        if common:
            items.append(", ".join(common) + ":")
        titles = {link.code: link.text.partition(": ")[2] for link in first.outputs}
        for code, frameworks in by_item.items():
            word = f"{variant.output_word} {code}" if variant.output_word else code
            named = "" if tuple(frameworks) == common else ", ".join(frameworks) + ", "
            items.append(f"{variant.bullet}{named}{word}: {titles[code]}")
        if variant.items_in_one_cell:
            self.single("\n".join(items))
        else:
            for item in items:
                self.single(item)

    def layout_sentences(self):
        from measures.importing.layouts.gb341 import LAYOUT

        return (self.layout.group_sentences or LAYOUT.group_sentences)[self.variant.language]


def _group_key(question):
    links = tuple((link.framework, link.code) for link in question.outputs)
    return (links, question.outputs_note) if links or question.outputs_note else None


def sheet_name(part):
    """The part's title as a sheet name: at most 31 characters, none of []:*?/\\."""
    return "".join(c for c in part.title if c not in "[]:*?/\\")[:31].strip()


def expected_units(parsed, variant):
    """The unit codes each line of `parsed` gets in `variant`, in the plan's order."""
    found, index = [], 0
    for _part, question in parsed.questions():
        if question.is_heading:
            continue
        first = index
        for _line in question.lines:
            if variant.units == "line":
                found.append(unit_codes(index))
            elif variant.units == "merged":
                found.append((" / ".join(unit_codes(first)),))  # as written, split on import
            else:
                found.append(())
            index += 1
    return found


def write_variant(parsed, variant: Variant) -> bytes:
    """The plan `parsed` written in the layout `variant` describes."""
    return _Writer(parsed, variant).write()


def build(directory: Path):
    directory.mkdir(parents=True, exist_ok=True)
    for layout in PLANS:
        parsed = read_fixture(layout)
        for variant in VARIANTS:
            path = directory / f"{layout}-{variant.name}.xlsx"
            path.write_bytes(write_variant(parsed, variant))
            print(path)


if __name__ == "__main__":
    import os

    import django

    sys.path.insert(0, str(FIXTURES.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ilo_tracker.settings")
    django.setup()
    build(Path(sys.argv[1] if len(sys.argv) > 1 else "corpus"))
