"""Every refusal names the file, sheet, row and column it can, and writes nothing."""

import io
import re
import zipfile

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from ilo_tracker.text import MAX_TEXT_LENGTH
from measures.importing import ImportRefused, read_plan
from measures.models import Plan, StatusUpdate
from tests.plan_workbooks import PART_I, make_workbook

pytestmark = pytest.mark.django_db

GOOD_ROWS = [PART_I, ["1 a) Question", "- ligne", "Mai 2000", "En cours"]]


def import_file(tmp_path, data, name="plan.xlsx"):
    """Run the command; return its error text, checking that nothing was written."""
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(CommandError) as refused:
        call_command("import_plan", str(path), stdout=io.StringIO())
    assert not Plan.objects.exists()
    return str(refused.value)


def test_a_good_file_is_imported(tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(make_workbook(("Annexe", GOOD_ROWS)))
    call_command("import_plan", str(path), stdout=io.StringIO())
    assert Plan.objects.get().symbol == "GB.900/TC/1"


def test_not_an_xlsx_judged_by_content_not_name(tmp_path):
    message = import_file(tmp_path, b"%PDF-1.7 not a workbook", "plan.xlsx")
    assert message == "plan.xlsx: this is not an Excel workbook (.xlsx)."


def test_a_zip_that_is_not_a_workbook(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert import_file(tmp_path, buffer.getvalue()) == (
        "plan.xlsx: this is not an Excel workbook (.xlsx)."
    )


def test_corrupt_archive(tmp_path):
    data = make_workbook(("Annexe", GOOD_ROWS))
    message = import_file(tmp_path, data[: len(data) // 2])
    assert message == "plan.xlsx: the file is damaged: its archive cannot be read."


def test_file_too_big(tmp_path, settings):
    settings.IMPORT_MAX_BYTES = 1000
    message = import_file(tmp_path, make_workbook(("Annexe", GOOD_ROWS)))
    assert re.fullmatch(
        r"plan\.xlsx: the file is .+, more than the limit of 1000.bytes\.", message
    )


def test_zip_bomb_refused_on_declared_uncompressed_size(tmp_path, settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 2_000_000
    book = Workbook()
    book.active.append(["x" * 30_000] * 100)  # 3 MB of text compresses to a few KB
    buffer = io.BytesIO()
    book.save(buffer)
    assert len(buffer.getvalue()) < 100_000
    message = import_file(tmp_path, buffer.getvalue())
    assert "unpacks to" in message and "more than the limit of" in message


def test_too_many_rows_refused_while_reading(tmp_path, settings):
    settings.IMPORT_MAX_ROWS = 10
    # Rows 1, 3, 4 and 5 of "Annexe" hold text, then rows 1, 3, 4… of "Suite": the 11th row
    # is row 8 of "Suite".
    data = make_workbook(("Annexe", GOOD_ROWS), ("Suite", [[None, "- ligne", "Mai 2000"]] * 10))
    message = import_file(tmp_path, data)
    assert message == (
        'plan.xlsx, sheet "Suite", row 8: the workbook has more than 10 rows, the import limit.'
    )


def test_no_recognisable_header(tmp_path):
    message = import_file(
        tmp_path, make_workbook(("Annexe", [["Qui", "Quoi"], *GOOD_ROWS], False))
    )
    assert message.startswith('plan.xlsx, sheet "Annexe", row 1, column A: no header row found')


def test_question_code_twice_in_one_part(tmp_path):
    rows = [*GOOD_ROWS, ["1 a) Encore", "- autre", "Juin 2000"]]
    message = import_file(tmp_path, make_workbook(("Annexe", rows)))
    assert message == (
        'plan.xlsx, sheet "Annexe", row 6, column A: question 1 a) appears twice in this part.'
    )


def test_same_code_in_two_parts_is_fine():
    rows = [*GOOD_ROWS, ["Partie II – Autre"], ["1 a) Encore", "- autre", "Juin 2000"]]
    assert len(read_plan(make_workbook(("Annexe", rows)), "p.xlsx").parts) == 2


@pytest.mark.parametrize(
    ("cells", "column"), [([None, None, "Mai 2000"], "C"), ([None, None, None, "Fait"], "D")]
)
def test_timeline_or_status_cell_with_no_question_above(tmp_path, cells, column):
    rows = [PART_I, cells, ["1 a) Question", "- ligne", "Mai 2000"]]
    message = import_file(tmp_path, make_workbook(("Annexe", rows)))
    assert (
        message == f'plan.xlsx, sheet "Annexe", row 5, column {column}: '
        "this cell has no question above it."
    )


def test_a_status_at_the_length_limit_is_imported(tmp_path):
    path = tmp_path / "plan.xlsx"
    rows = [PART_I, ["1 a) Question", "- ligne", "Mai 2000", "é" * MAX_TEXT_LENGTH]]
    path.write_bytes(make_workbook(("Annexe", rows)))
    call_command("import_plan", str(path), stdout=io.StringIO())
    assert len(StatusUpdate.objects.get().narrative) == MAX_TEXT_LENGTH


@pytest.mark.parametrize(
    ("lines", "status"),
    [
        # A line's own status, one cell.
        ("- ligne", "é" * (MAX_TEXT_LENGTH + 1)),
        # The whole question's: three paragraphs for two lines, too long only once joined.
        ("- une\n- deux", "\n".join(["é" * 7000] * 3)),
    ],
    ids=["line", "question"],
)
def test_a_status_longer_than_a_person_may_type_is_refused_at_its_cell(tmp_path, lines, status):
    rows = [PART_I, ["1 a) Question", lines, "Mai 2000", status]]
    message = import_file(tmp_path, make_workbook(("Annexe", rows)))
    assert message == (
        f'plan.xlsx, sheet "Annexe", row 5, column D: this status has {len(status)} '
        f"characters, more than the {MAX_TEXT_LENGTH} a status may have: shorten it or split "
        "it over the lines."
    )
    assert not StatusUpdate.objects.exists()


def test_every_problem_is_listed_at_once(tmp_path):
    rows = [PART_I, [None, None, "Mai 2000"], *GOOD_ROWS[1:], GOOD_ROWS[1]]
    assert len(import_file(tmp_path, make_workbook(("Annexe", rows))).splitlines()) == 2


def _with_formula(cached):
    book = Workbook()
    sheet = book.active
    sheet.title = "Annexe"
    for row in (
        ["GB.905/TC/1"],
        [],
        ["Questions", "Contexte et lignes d'action", "Calendrier"],
        PART_I,
    ):
        sheet.append(row)
    sheet.append(["1 a) Question", "- ligne", '="Mai "&"2000"'])
    buffer = io.BytesIO()
    book.save(buffer)
    if cached is None:
        return buffer.getvalue()
    # openpyxl saves no cached value; write one as Excel does.
    source, output = zipfile.ZipFile(buffer), io.BytesIO()
    with zipfile.ZipFile(output, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(
                    rb"(<c r=\"C5\"[^>]*>)<f>(.*?)</f><v\s*/?>(</v>)?",
                    rb"\1<f>\2</f><v>" + cached.encode() + rb"</v>",
                    data,
                )
                data = (
                    data.replace(b'<c r="C5"', b'<c r="C5" t="str"', 1)
                    if b'r="C5" t=' not in data
                    else data
                )
            target.writestr(item, data)
    return output.getvalue()


def test_formula_without_cached_value(tmp_path):
    message = import_file(tmp_path, _with_formula(None))
    assert message.startswith(
        'plan.xlsx, sheet "Annexe", row 5, column C: the cell holds a formula'
    )


def test_every_formula_without_a_value_is_named_at_once(tmp_path):
    rows = [PART_I, ["1 a) Question", "- ligne", "=A1"], [None, '="- ligne deux"', "Mai 2000"]]
    message = import_file(tmp_path, make_workbook(("Annexe", rows)))
    assert message.splitlines() == [
        'plan.xlsx, sheet "Annexe", row 5, column C: the cell holds a formula (=A1) with no '
        "saved value: open and save the file in Excel, or type the value.",
        'plan.xlsx, sheet "Annexe", row 6, column B: the cell holds a formula (="- ligne '
        'deux") with no saved value: open and save the file in Excel, or type the value.',
    ]
    assert not Plan.objects.exists()


def test_an_excel_error_is_never_imported_as_text_and_is_named():
    # In a column the import reads, or in one it ignores (a notes column): a warning.
    rows = [PART_I, ["1 a) Question", "- ligne", "#DIV/0!", "Fait", "#N/A"]]
    plan = read_plan(make_workbook(("Annexe", rows)), "plan.xlsx")
    line = plan.parts[0].questions[0].lines[0]
    assert (line.text, line.timeline, line.status) == ("- ligne", "", "Fait")
    assert [str(w) for w in plan.warnings if "Excel error" in str(w)] == [
        'plan.xlsx, sheet "Annexe", row 5, column C: the cell holds an Excel error (#DIV/0!): '
        "it was not read.",
        'plan.xlsx, sheet "Annexe", row 5, column E: the cell holds an Excel error (#N/A): '
        "it was not read.",
    ]


def test_formula_with_cached_value_is_read_as_its_value():
    plan = read_plan(_with_formula("Mai 2000"), "p.xlsx")
    assert plan.parts[0].questions[0].lines[0].timeline == "Mai 2000"


def test_refusal_is_an_exception_with_located_problems():
    with pytest.raises(ImportRefused) as refused:
        read_plan(b"plain text", "notes.txt")
    problem = refused.value.problems[0]
    assert (problem.file, problem.sheet, problem.row, problem.column) == (
        "notes.txt",
        None,
        None,
        None,
    )


def test_a_real_fixture_refusal_names_its_cell(tmp_path, settings):
    # The status column of GB.279/TC/2 without its date cannot date the imported updates.
    book = load_workbook(settings.BASE_DIR / "fixtures" / "GB.279-TC-2.xlsx")
    book["Annexe"]["D3"] = "Etat des travaux"
    buffer = io.BytesIO()
    book.save(buffer)
    message = import_file(tmp_path, buffer.getvalue(), "GB.279-TC-2.xlsx")
    assert (
        'GB.279-TC-2.xlsx, sheet "Annexe", row 3, column D: the status column title names no date'
        in message
    )


def test_question_cell_without_a_code(tmp_path):
    rows = [PART_I, ["Question sans code", "- ligne", "Mai 2000"]]
    message = import_file(tmp_path, make_workbook(("Annexe", rows)))
    assert message.startswith('plan.xlsx, sheet "Annexe", row 5, column A: a question cell must')


def test_no_symbol_in_the_file_nor_given(tmp_path):
    message = import_file(tmp_path, make_workbook(("Annexe", GOOD_ROWS), title="Un plan"))
    assert message.startswith('plan.xlsx, sheet "Annexe", row 1, column A: no GB symbol')


def test_big_files_show_progress(tmp_path, monkeypatch):
    monkeypatch.setattr("measures.management.commands.import_plan.PROGRESS_ROWS", 1)
    path = tmp_path / "plan.xlsx"
    path.write_bytes(make_workbook(("Annexe", GOOD_ROWS)))
    call_command("import_plan", str(path), stdout=io.StringIO(), stderr=(err := io.StringIO()))
    stages = [line.split("s  ", 1)[1] for line in err.getvalue().splitlines()]
    assert stages[0] == "read 4 rows" and stages[-1] == "done" and len(stages) == 5
