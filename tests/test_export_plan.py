"""export_plan writes a plan in the layout import_plan reads, with the same cell values back."""

import datetime
import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from measures.importing import read_plan, write_blank_template
from measures.models import ActionLine, Clearance, Plan, StatusUpdate
from tests.factories import make_line, make_plan, make_update
from tests.plan_workbooks import PART_I, make_workbook

FIXTURES = settings.BASE_DIR / "fixtures"


def cell_values(path):
    return [[cell.value for cell in row] for row in load_workbook(path).active.iter_rows()]


def export(symbol, path):
    call_command("export_plan", symbol, "-o", str(path), stdout=io.StringIO())
    return cell_values(path)


def empty_database():
    # Status history is protected from cascades: it goes first, explicitly.
    StatusUpdate.objects.all().delete()
    Plan.objects.all().delete()


@pytest.mark.parametrize(
    ("name", "symbol"),
    [("GB.279-TC-2.xlsx", "GB.279/TC/2"), ("GB.341-POL-4.xlsx", "GB.341/POL/4")],
)
def test_round_trip_gives_the_same_cell_values(reference_data, tmp_path, name, symbol):
    call_command("import_plan", str(FIXTURES / name), stdout=io.StringIO())
    first = export(symbol, tmp_path / "first.xlsx")
    empty_database()
    call_command("import_plan", str(tmp_path / "first.xlsx"), stdout=io.StringIO())
    second = export(symbol, tmp_path / "second.xlsx")
    assert second == first
    assert len(first) > 25


def test_lines_pasted_from_word_and_numbered_lines_come_back_the_same(db, tmp_path):
    rows = [
        PART_I,
        ["1 a) Puces de Word", "Contexte.\n\uf0b7\tligne un\no\tligne deux", "Mai 2000"],
        ["1 b) Numérotées", "Considérant:\n1. ligne trois\n2. ligne quatre", "2001\n2002"],
        ["1 c) Sur deux lignes", "- ligne cinq, écrite\nsur deux lignes\n- ligne six", "2003"],
    ]
    (tmp_path / "pasted.xlsx").write_bytes(make_workbook(("Annexe", rows)))
    call_command("import_plan", str(tmp_path / "pasted.xlsx"), stdout=io.StringIO())
    first = export("GB.900/TC/1", tmp_path / "first.xlsx")
    empty_database()
    call_command("import_plan", str(tmp_path / "first.xlsx"), stdout=io.StringIO())
    assert export("GB.900/TC/1", tmp_path / "second.xlsx") == first
    lines = ActionLine.objects.in_print_order().select_related("question")
    assert [(line.question.context, line.text, line.timeline) for line in lines] == [
        ("Contexte.", "•\tligne un", ""),
        ("Contexte.", "o\tligne deux", ""),
        ("Considérant:", "1. ligne trois", "2001"),
        ("Considérant:", "2. ligne quatre", "2002"),
        ("", "- ligne cinq, écrite\nsur deux lignes", ""),
        ("", "- ligne six", ""),
    ]


def test_export_keeps_the_annex_layout(reference_data, tmp_path):
    call_command("import_plan", str(FIXTURES / "GB.279-TC-2.xlsx"), stdout=io.StringIO())
    rows = export("GB.279/TC/2", tmp_path / "plan.xlsx")
    assert rows[2] == [
        "Questions",
        "Contexte et lignes d'action",
        "Calendrier",
        "Etat des travaux au 31 août 2000",
    ]
    assert rows[3][0].startswith("Partie I – ")
    assert rows[6][0].startswith("1 b) Mettre au point un cadre commun")
    assert (
        rows[6][2] == "De manière continue\n"
        "Terminé en mars 2001 pour le programme et budget 2002-03\n"
        "Début immédiat"
    )


def test_text_that_looks_like_a_formula_is_exported_as_text(db, tmp_path):
    plan = make_plan(symbol="GB.906/TC/1", lines=0)
    make_line(
        plan.parts.get().questions.get(),
        text='=HYPERLINK("http://evil","clic")',
        timeline="+1 mai 2000",
    )
    export("GB.906/TC/1", tmp_path / "plan.xlsx")
    sheet = load_workbook(tmp_path / "plan.xlsx").active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value]
    assert "f" not in {cell.data_type for cell in cells}
    assert '=HYPERLINK("http://evil","clic")' in {cell.value for cell in cells}


def test_each_line_keeps_its_own_text_under_a_newer_question_update_and_drafts_stay_out(
    db, tmp_path
):
    plan = make_plan(symbol="GB.908/TC/1", lines=2, requires_clearance=True)
    question = plan.parts.get().questions.get()
    first, second = question.lines.all()
    make_update(first, datetime.date(2000, 8, 1), narrative="Propre à la ligne")
    make_update(question, datetime.date(2000, 8, 20), narrative="Toute la question")
    make_update(
        second, datetime.date(2000, 8, 25), narrative="Brouillon", clearance=Clearance.DRAFT
    )
    cells = {cell for row in export("GB.908/TC/1", tmp_path / "plan.xlsx") for cell in row}
    assert {"Propre à la ligne", "Toute la question"} <= cells
    assert "Etat des travaux au 20 août 2000" in cells
    assert not any("Brouillon" in str(cell) for cell in cells)


def test_a_file_that_cannot_be_read_or_written_is_a_message_naming_it(db, tmp_path):
    make_plan(symbol="GB.909/TC/1")
    missing = tmp_path / "absent.xlsx"
    for command, args in [
        ("import_plan", [str(missing)]),
        ("import_framework", [str(missing)]),
        ("export_plan", ["GB.909/TC/1", "-o", str(tmp_path / "no-such-folder" / "plan.xlsx")]),
    ]:
        with pytest.raises(CommandError, match="No such file or directory") as error:
            call_command(command, *args, stdout=io.StringIO())
        assert str(tmp_path) in str(error.value)


def test_unknown_plan_is_an_error(db, tmp_path):
    with pytest.raises(Exception, match="No plan GB.1/X/1"):
        call_command("export_plan", "GB.1/X/1", "-o", str(tmp_path / "x.xlsx"))


@pytest.mark.parametrize("language", ["fr", "en", "es"])
def test_blank_template_is_read_by_the_importer(language):
    plan = read_plan(
        write_blank_template(language, datetime.date(2026, 11, 25)), "t.xlsx", symbol="GB.907/TC/1"
    )
    assert (plan.language, plan.parts) == (language, [])
