"""A corpus of bad workbooks, generated here: each is refused with a reason naming the file and,
where it can, the sheet, row and column, or accepted with a warning that names its cell.
Nothing is written for a refused file, and no import, refused or accepted, takes more than
300 MB of memory, whatever its archive declares."""

import io
import re
import struct
import tracemalloc
import zipfile

import pytest
from django.core.management import CommandError, call_command
from msoffcrypto.format.ooxml import OOXMLFile
from openpyxl import Workbook

from measures.importing import ImportRefused, import_plan, read_plan
from measures.models import ActionLine, Plan

MEMORY_LIMIT = 300 * 2**20
HEADER = [
    "Questions",
    "Contexte et lignes d'action",
    "Calendrier",
    "Etat des travaux au 31 août 2000",
]
TITLE = ["GB.900/TC/1 – Plan d'essai"]
PART = ["Partie I – Rendre la coopération plus efficace"]
QUESTION = ["1 a) Question", "- ligne", "Mai 2000", "En cours"]


def workbook(*rows, title=TITLE, header=HEADER, cells=()):
    """An .xlsx holding the title row, the header and `rows`; `cells` are (reference, value)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Annexe"
    for row in ([title] if title else []) + ([header] if header else []) + list(rows):
        sheet.append(row)
    for reference, value in cells:
        sheet[reference] = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GOOD = workbook(PART, QUESTION)


def rezip(data, **parts):
    """`data` with archive parts replaced (bytes), edited (a function) or removed (None)."""
    source, output = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            name = item.filename
            key = name.replace("/", "_").replace(".", "_").replace("[", "").replace("]", "")
            content = source.read(item)
            if key in parts:
                change = parts[key]
                if change is None:
                    continue
                content = change(content) if callable(change) else change
            target.writestr(item, content)
    return output.getvalue()


def with_shared_strings(data, strings, index=0):
    """`data` with a shared-strings part `strings`, cell A1 pointing to its entry `index`."""
    data = rezip(
        data,
        **in_sheet(rb'<c r="A1" t="inlineStr">.*?</c>', b'<c r="A1" t="s"><v>%d</v></c>' % index),
    )
    source, output = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        target.writestr("xl/sharedStrings.xml", strings)
    return output.getvalue()


SST = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">%s</sst>'


def in_sheet(pattern, replacement):
    return {"xl_worksheets_sheet1_xml": lambda xml: re.sub(pattern, replacement, xml, count=1)}


def declared_size_lie(data):
    """The same archive, its sheet declaring 100 bytes unpacked."""
    data = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            name_length = struct.unpack_from("<H", data, start + (26 if offset == 22 else 28))[0]
            name_at = start + (30 if offset == 22 else 46)
            if bytes(data[name_at : name_at + name_length]) == b"xl/worksheets/sheet1.xml":
                struct.pack_into("<I", data, start + offset, 100)
            start += 4
    return bytes(data)


def big_sheet(rows):
    return workbook(PART, *[["", f"- ligne {n}", "Mai 2000"] for n in range(rows)])


def encrypted(data):
    output = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt("secret", output)
    return output.getvalue()


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{n} "{("&lol" + str(n - 1 or "") + ";") * 10}">'.encode()
        for n in range(1, 10)
    )
    + b']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<si><t>&lol9;</t></si></sst>"
)

# name: (bytes, settings, expected) where expected is ("refused", where, message pattern) or
# ("accepted", where of a warning, its message pattern).
CASES = {
    "pdf-named-xlsx": (b"%PDF-1.7 not a workbook", {}, ("refused", "", "not an Excel workbook")),
    "empty-file": (b"", {}, ("refused", "", "not an Excel workbook")),
    "zip-of-text": (
        rezip(GOOD, **{"xl_workbook_xml": None}),
        {},
        ("refused", "", "not an Excel workbook"),
    ),
    "truncated-archive": (GOOD[: len(GOOD) // 2], {}, ("refused", "", "archive cannot be read")),
    "encrypted": (encrypted(GOOD), {}, ("refused", "", "encrypted .protected by a password")),
    "old-xls": (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1000,
        {},
        ("refused", "", r"Excel 97–2003 workbook \(\.xls\)"),
    ),
    "file-over-size-limit": (
        GOOD,
        {"IMPORT_MAX_BYTES": 1000},
        ("refused", "", "more than the limit of 1000.bytes"),
    ),
    "declared-unpacked-size-over-limit": (
        workbook(PART, ["1 a) Q", "- " + "x" * 30_000]),
        {"IMPORT_MAX_UNCOMPRESSED_BYTES": 20_000},
        ("refused", "", "unpacks to .* more than the limit"),
    ),
    "declared-size-lies": (
        declared_size_lie(big_sheet(3000)),
        {"IMPORT_MAX_UNCOMPRESSED_BYTES": 50_000},
        ("refused", "", r"fails its checksum|unpacks to more than"),
    ),
    "real-unpacked-size-over-limit": (
        big_sheet(3000),
        {"IMPORT_MAX_UNCOMPRESSED_BYTES": 200_000},
        ("refused", "", "unpacks to"),
    ),
    "sheet-xml-malformed": (
        rezip(GOOD, **in_sheet(rb"</sheetData>", b"</sheetDat>")),
        {},
        ("refused", "", r"part xl/worksheets/sheet1\.xml is not well-formed XML \(line \d+"),
    ),
    "shared-strings-malformed": (
        with_shared_strings(GOOD, SST % b"<si><t>open</si>"),
        {},
        ("refused", "", r"part xl/sharedStrings\.xml is not well-formed XML"),
    ),
    "workbook-xml-malformed": (
        rezip(GOOD, xl_workbook_xml=b"<workbook><sheets>"),
        {},
        ("refused", "", r"part xl/workbook\.xml is not well-formed XML"),
    ),
    "entity-expansion-bomb": (
        with_shared_strings(GOOD, LAUGHS),
        {},
        ("refused", "", r"sharedStrings\.xml is not well-formed XML"),
    ),
    "relationships-missing": (
        rezip(GOOD, xl__rels_workbook_xml_rels=None),
        {},
        ("refused", "", r"part xl/_rels/workbook\.xml\.rels is missing"),
    ),
    "sheet-part-missing": (
        rezip(GOOD, xl_worksheets_sheet1_xml=None),
        {},
        ("refused", 'sheet "Annexe"', r"part xl/worksheets/sheet1\.xml of this sheet is missing"),
    ),
    "shared-string-out-of-range": (
        with_shared_strings(GOOD, SST % b"<si><t>GB.900/TC/1</t></si>", index=999),
        {},
        ("refused", 'sheet "Annexe", row 1, column A', "shared text the workbook lacks"),
    ),
    "number-unreadable": (
        rezip(GOOD, **in_sheet(rb"</row>", rb'<c r="F1"><v>douze</v></c></row>')),
        {},
        ("refused", 'sheet "Annexe", row 1, column F', "number “douze” cannot be read"),
    ),
    "too-many-rows": (
        big_sheet(30),
        {"IMPORT_MAX_ROWS": 20},
        ("refused", 'sheet "Annexe", row 21', "more than 20 rows"),
    ),
    "too-many-cells": (
        rezip(GOOD, **in_sheet(rb"</row>", b'<c s="0"/>' * 50 + b"</row>")),
        {"IMPORT_MAX_CELLS": 12},
        ("refused", 'sheet "Annexe", row 1', "more than 12 cells"),
    ),
    "cell-over-excel-limit": (
        rezip(
            GOOD,
            **in_sheet(
                rb"</row>",
                b'<c r="F1" t="inlineStr"><is><t>' + b"x" * 40_000 + b"</t></is></c></row>",
            ),
        ),
        {},
        ("refused", 'sheet "Annexe", row 1, column F', "more than 32767 characters"),
    ),
    "formula-without-value": (
        workbook(PART, ["1 a) Q", "- l", '="Mai "&"2000"']),
        {},
        ("refused", 'sheet "Annexe", row 4, column C', "formula .* no saved value"),
    ),
    "no-header": (
        workbook(PART, QUESTION, header=["Qui", "Quoi"]),
        {},
        ("refused", 'sheet "Annexe", row 1, column A', "no header row found"),
    ),
    "status-title-without-date": (
        workbook(PART, QUESTION, header=[*HEADER[:3], "Etat des travaux"]),
        {},
        ("refused", 'sheet "Annexe", row 2, column D', "status column title names no date"),
    ),
    "question-without-code": (
        workbook(PART, ["Question sans code", "- l", "Mai 2000"]),
        {},
        ("refused", 'sheet "Annexe", row 4, column A', "must start with its code"),
    ),
    "question-code-twice": (
        workbook(PART, QUESTION, QUESTION),
        {},
        ("refused", 'sheet "Annexe", row 5, column A', "appears twice in this part"),
    ),
    "cell-without-question": (
        workbook(PART, ["", "", "Mai 2000"], QUESTION),
        {},
        ("refused", 'sheet "Annexe", row 4, column C', "no question above it"),
    ),
    "plan-date-unreadable": (
        workbook(PART, QUESTION, title=["GB.900/TC/1", "Date du plan : bientôt"]),
        {},
        ("refused", 'sheet "Annexe", row 1, column B', "plan date “Date du plan : bientôt”"),
    ),
    "no-symbol": (
        workbook(PART, QUESTION, title=["Un plan sans symbole"]),
        {},
        ("refused", 'sheet "Annexe", row 1, column A', "no GB symbol"),
    ),
    "stray-cell-in-column-XFD": (
        workbook(PART, QUESTION, cells=[("XFD1000", "égaré")]),
        {},
        ("accepted", 'sheet "Annexe", row 1000, column XFD', "far outside the table"),
    ),
    "stray-cell-in-XFD-of-1000-rows": (
        rezip(
            workbook(PART, *[[f"{n}. Q", f"l {n}", "Mai 2000"] for n in range(1, 1001)]),
            **in_sheet(rb"</row>", b'<c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row>'),
        ),
        {},
        ("accepted", 'sheet "Annexe", row 1, column XFD', "far outside the table"),
    ),
    "200000-empty-cells-in-one-row": (
        rezip(GOOD, **in_sheet(rb"</row>", b'<c s="0"/>' * 200_000 + b"</row>")),
        {"IMPORT_MAX_CELLS": 100_000},
        ("refused", 'sheet "Annexe", row 1', "more than 100000 cells"),
    ),
    "stray-empty-styled-cells-to-XFD": (
        rezip(GOOD, **in_sheet(rb"</row>", b'<c r="XFD1" s="0"/></row>')),
        {},
        ("accepted", "", ""),
    ),
    "control-characters": (
        # Excel writes the characters XML cannot hold as _xHHHH_.
        workbook(PART, ["1 a) Q", "une_x000B_ligne_x001B_", "Mai 2000"]),
        {},
        ("accepted", "", ""),
    ),
    "ditto-with-nothing-above": (
        workbook(PART, ["1 a) Q", "- l", '"']),
        {},
        ("accepted", 'sheet "Annexe", row 4, column C', "ditto mark with nothing above"),
    ),
    "unknown-column": (
        workbook(PART, [*QUESTION, "note"], header=[*HEADER, "Observations"]),
        {},
        ("accepted", "", ""),
    ),
}


def test_the_corpus_holds_at_least_30_bad_workbooks():
    assert len(CASES) >= 30


def peak_of(function):
    tracemalloc.start()
    try:
        return function(), None
    except ImportRefused as refused:
        return None, refused
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert peak < MEMORY_LIMIT, f"{peak / 2**20:.0f} MiB"


@pytest.mark.django_db
@pytest.mark.parametrize("name", CASES)
def test_each_bad_workbook_is_refused_or_accepted_with_its_reason(name, settings, tmp_path):
    data, limits, (outcome, where, pattern) = CASES[name]
    for setting, value in limits.items():
        setattr(settings, setting, value)
    parsed, refused = peak_of(lambda: read_plan(data, f"{name}.xlsx"))
    if outcome == "refused":
        assert refused is not None, f"{name} was accepted"
        problem = refused.problems[0]
        assert re.search(pattern, problem.message), str(problem)
        assert problem.where == ", ".join(filter(None, [f"{name}.xlsx", where]))
        path = tmp_path / f"{name}.xlsx"
        path.write_bytes(data)
        with pytest.raises(CommandError):
            call_command("import_plan", str(path), stdout=io.StringIO())
        assert not Plan.objects.exists()
        return
    assert refused is None, str(refused)
    warnings = [w for w in parsed.warnings if pattern and re.search(pattern, w.message)]
    if pattern:
        assert [w.where for w in warnings] == [f"{name}.xlsx, {where}"]
    import_plan(parsed)
    assert ActionLine.objects.exists()


def test_control_characters_become_line_breaks_or_go(db):
    data, _limits, _outcome = CASES["control-characters"]
    import_plan(read_plan(data, "c.xlsx"))
    assert ActionLine.objects.get().text == "une\nligne"


def test_columns_not_imported_are_listed_with_their_place():
    data, _limits, _outcome = CASES["unknown-column"]
    (column,) = read_plan(data, "u.xlsx").ignored_columns
    assert (column.where, column.message) == (
        'u.xlsx, sheet "Annexe", row 2, column E',
        "Observations",
    )
