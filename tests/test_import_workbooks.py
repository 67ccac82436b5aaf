"""Reading workbook layouts: headers in three languages, parts, questions, lines, cells."""

import datetime
import io
import zipfile

import pytest
from openpyxl import Workbook

from measures.importing import read_plan
from measures.importing.workbook import ImportRefused
from tests.plan_workbooks import HEADER_FR, PART_I, make_workbook

pytestmark = pytest.mark.one_database


def read(*sheets, **kwargs):
    return read_plan(make_workbook(*sheets), "plan.xlsx", **kwargs)


def read_book(book, filename="plan.xlsx"):
    """What the importer reads of an openpyxl `book` saved as a file."""
    buffer = io.BytesIO()
    book.save(buffer)
    return read_plan(buffer.getvalue(), filename)


def read_fourth_column(title, cell):
    """A plan of one line whose header's fourth column is `title` and the line's cell there
    `cell`."""
    rows = [["GB.904/TC/1"], [*HEADER_FR[:3], title], PART_I, ["1 a) Q", "- l", "2001", cell]]
    return read(("A", rows, False))


def test_title_rows_name_the_plan_and_header_language_sets_it():
    plan = read(("Annexe", [PART_I, ["1 a) Question", "- ligne", "Mai 2000"]]))
    assert (plan.symbol, plan.title, plan.session, plan.committee) == (
        "GB.900/TC/1",
        "Plan d'essai",
        900,
        "TC",
    )
    assert plan.language == "fr"


def test_header_found_in_any_order_language_case_and_accents():
    rows = [
        ["GB.901/POL/2 Implementation plan"],
        ["  DEADLINE ", "status as at 31/08/2000", "Lines of action", "proposed ACTION"],
        ["Priority objective 1 – Services"],
        ["Mid 2021", "Done.", "Guidance is updated.", "1.1 Respond to needs"],
    ]
    plan = read(("Sheet", rows, False))
    question = plan.parts[0].questions[0]
    line = question.lines[0]
    assert plan.language == "en"
    assert (question.code, question.title) == ("1.1", "Respond to needs")
    assert (line.text, line.timeline, line.status, str(line.as_of)) == (
        "Guidance is updated.",
        "Mid 2021",
        "Done.",
        "2000-08-31",
    )


@pytest.mark.parametrize(
    "title",
    [
        "Calendrier (indicatif)",
        "Calendrier prévu",
        "Date d'échéance",
        "Échéances prévues",
        "Échéancier",
        "Délai d'exécution",
        "Time frame",
        "Timeframe",
        "Calendario indicativo",
    ],
)
def test_a_timeline_title_with_a_qualifier_is_still_the_timeline(title):
    rows = [
        ["GB.901/POL/2"],
        ["Questions", "Contexte et lignes d'action", title, "Etat des travaux au 31-08-2000"],
        ["Partie I – Rendre"],
        ["1 a) Q", "- ligne un\n- ligne deux", "31/08/2000\n15.03.2001", "Fait\nEn cours"],
    ]
    lines = read(("Sheet", rows, False)).parts[0].questions[0].lines
    assert [(line.timeline, str(line.as_of)) for line in lines] == [
        ("31/08/2000", "2000-08-31"),
        ("15.03.2001", "2000-08-31"),
    ]
    assert [line.deadline.due for line in lines] == [
        datetime.date(2000, 8, 31),
        datetime.date(2001, 3, 15),
    ]


def test_the_status_date_is_the_one_the_title_gives_not_a_later_one_it_cites():
    title = "Etat des travaux au 31/08/2000 (voir le rapport de novembre 2000)"
    line = read_fourth_column(title, "En cours").parts[0].questions[0].lines[0]
    assert str(line.as_of) == "2000-08-31"


def test_spanish_header_and_status_date():
    rows = [
        ["GB.902/PFA/3"],
        [
            "Cuestiones",
            "Resultados esperados",
            "Plazo",
            "Estado de los trabajos al 31 de agosto de 2000",
        ],
        ["Parte I – Servicios"],
        ["1. Medida", "Un resultado", "2021-2023", "En curso"],
    ]
    plan = read(("Hoja", rows, False))
    assert plan.language == "es"
    assert str(plan.parts[0].questions[0].lines[0].as_of) == "2000-08-31"


@pytest.mark.parametrize(
    "title",
    [
        "Situation au 31 août 2000",
        "Statut au 31/08/2000",
        "Etat au 31 août 2000",
        "Status (as of 31 August 2000)",
        "Status on 31 August 2000",
        "Progress report as of 2000-08-31",
        "Estado al 31 de agosto de 2000",
        "Situación al 31 de agosto de 2000",
    ],
)
def test_status_titles_as_secretariats_write_them(title):
    line = read_fourth_column(title, "Fait").parts[0].questions[0].lines[0]
    assert (line.status, str(line.as_of)) == ("Fait", "2000-08-31")


@pytest.mark.parametrize(
    "title",
    ["Status", "Situation", "Statut", "Situation au siège", "Progress at country level"],
)
def test_a_status_title_without_its_date_is_a_column_not_imported(title):
    plan = read_fourth_column(title, "Fait")
    assert plan.parts[0].questions[0].lines[0].status == ""
    assert [(problem.message, problem.column) for problem in plan.ignored_columns] == [(title, 4)]


def test_repeated_part_heading_and_header_after_a_page_break_are_skipped():
    plan = read(
        (
            "Annexe",
            [
                PART_I,
                ["1. Un programme cohérent"],
                ["1 a) Première", "- ligne a", "Mai 2000"],
                PART_I,
                HEADER_FR,
                ["1 b) Seconde", "- ligne b", "Juin 2000"],
            ],
        )
    )
    assert len(plan.parts) == 1
    codes = [(q.code, q.is_heading, q.heading_code) for q in plan.parts[0].questions]
    assert codes == [("1.", True, None), ("1 a)", False, "1."), ("1 b)", False, "1.")]


def test_bullets_make_lines_and_every_other_paragraph_the_context():
    cell = "Le contexte.\nSuite du contexte:\n- première ligne;\nSous-titre\n- deuxième ligne."
    plan = read(("A", [PART_I, ["1 a) Q", cell, "Mai 2000\nJuin 2000", 'Terminé\n"']]))
    question = plan.parts[0].questions[0]
    # A sub-heading between bullets is context, never glued onto the line it introduces.
    assert question.context == "Le contexte.\nSuite du contexte:\nSous-titre"
    assert [line.text for line in question.lines] == ["- première ligne;", "- deuxième ligne."]
    assert [line.timeline for line in question.lines] == ["Mai 2000", "Juin 2000"]
    # A ditto mark repeats the paragraph above it.
    assert [line.status for line in question.lines] == ["Terminé", "Terminé"]


# Bullets as a cell holds them once pasted from Word or a PDF: Word's own Symbol and
# Wingdings bullets (private-use characters), its "o" and tab for the second level, and the
# usual glyphs.
@pytest.mark.parametrize(
    "bullet", ["\uf0b7\t", "\uf0a7\t", "\uf0d8 ", "o\t", "◦ ", "▪ ", "● ", "➢ ", "✓ ", "‣ "]
)
def test_bullets_pasted_from_word_make_lines(bullet):
    cell = f"Le contexte.\n{bullet}première ligne\n{bullet}deuxième ligne"
    plan = read(("A", [PART_I, ["1 a) Q", cell, "Mai 2000\nJuin 2000"]]))
    question = plan.parts[0].questions[0]
    assert question.context == "Le contexte."
    texts = [line.text for line in question.lines]
    assert [text[len(bullet) :] for text in texts] == ["première ligne", "deuxième ligne"]
    assert all(text[0].isprintable() and not "\ue000" <= text[0] <= "\uf8ff" for text in texts)
    assert [line.timeline for line in question.lines] == ["Mai 2000", "Juin 2000"]


@pytest.mark.parametrize("numbers", [("1.", "2."), ("1)", "2)"), ("a)", "b)")])
def test_without_bullets_numbered_paragraphs_are_the_lines(numbers):
    first, second = numbers
    cell = f"Le contexte:\n{first} première ligne\n{second} deuxième ligne"
    plan = read(("A", [PART_I, ["1 a) Q", cell, "Mai 2000\nJuin 2000"]]))
    question = plan.parts[0].questions[0]
    assert question.context == "Le contexte:"
    assert [(line.text, line.timeline) for line in question.lines] == [
        (f"{first} première ligne", "Mai 2000"),
        (f"{second} deuxième ligne", "Juin 2000"),
    ]


def test_with_bullets_numbered_paragraphs_stay_in_the_context():
    cell = "Considérant:\n1. le premier point;\n2. le second.\n- la ligne d'action"
    question = read(("A", [PART_I, ["1 a) Q", cell, "Mai 2000"]])).parts[0].questions[0]
    assert question.context == "Considérant:\n1. le premier point;\n2. le second."
    assert [line.text for line in question.lines] == ["- la ligne d'action"]


def test_invisible_characters_pasted_into_titles_and_codes_are_ignored():
    """Soft hyphens, zero-width spaces and byte-order marks, as Word and web pages paste them."""
    header = ["Ques\u00adtions", "Contexte et lignes\u200b d'action", "Calen\u00addrier"]
    rows = [
        ["\ufeffGB.903/TC/1 Plan"],
        header,
        ["Par\u00adtie I – Une"],
        ["\u200b1 a) Q", "- ligne", "Mai 2000"],
    ]
    plan = read(("A", rows, False))
    question = plan.parts[0].questions[0]
    assert (plan.symbol, question.code, question.title) == ("GB.903/TC/1", "1 a)", "Q")
    assert (question.lines[0].text, question.lines[0].timeline) == ("- ligne", "Mai 2000")


def test_a_cell_that_does_not_match_the_lines_belongs_to_the_whole_question():
    plan = read(
        ("A", [PART_I, ["1 a) Q", "- un\n- deux\n- trois", "[...]\nFin 2001", "En cours"]])
    )
    question = plan.parts[0].questions[0]
    assert (question.timeline, question.status) == ("[...]\nFin 2001", "En cours")
    assert {line.timeline for line in question.lines} == {""}
    assert {str(line.deadline.due) for line in question.lines} == {"2001-12-31"}


def test_without_bullets_each_row_is_a_line_and_empty_question_cells_continue():
    plan = read(
        (
            "A",
            [
                PART_I,
                ["1.1 Mesure", "Premier livrable", "2021-2023"],
                [None, "Second livrable", "2021-2025"],
                [None, None, None],
                ["1.2 Autre", "Troisième", "2022"],
            ],
        )
    )
    first, second = plan.parts[0].questions
    assert [(line.text, str(line.deadline.due)) for line in first.lines] == [
        ("Premier livrable", "2023-12-31"),
        ("Second livrable", "2025-12-31"),
    ]
    assert len(second.lines) == 1


def test_merged_question_cell_spans_its_rows():
    book = Workbook()
    sheet = book.active
    for row in (
        ["GB.903/TC/1"],
        [],
        HEADER_FR[:3],
        PART_I,
        ["1.1 Mesure", "A", "2021"],
        [None, "B", "2022"],
    ):
        sheet.append(row)
    sheet.merge_cells("A5:A6")
    plan = read_book(book, "merged.xlsx")
    assert [line.text for line in plan.parts[0].questions[0].lines] == ["A", "B"]


def test_a_line_break_inside_a_bullet_keeps_the_line_whole():
    # Alt+Enter in Excel, or Shift+Enter in Word pasted as _x000B_, inside a bullet: the rest
    # is the same action line. A paragraph of its own between bullets is the context.
    lines_cell = (
        "Le Bureau agira ainsi :\n"
        "•\tpremière action, première ligne_x000B_suite de la première action\n"
        "•\tdeuxième action, écrite\nsur deux lignes\n"
        "Enseignements tirés de l'expérience\n"
        "•\ttroisième action."
    )
    plan = read(("Annexe", [PART_I, ["1 a) Q", lines_cell, "2001\n2002\n2003"]]))
    question = plan.parts[0].questions[0]
    assert [line.text for line in question.lines] == [
        "•\tpremière action, première ligne\nsuite de la première action",
        "•\tdeuxième action, écrite\nsur deux lignes",
        "•\ttroisième action.",
    ]
    assert [line.timeline for line in question.lines] == ["2001", "2002", "2003"]
    assert question.context == "Le Bureau agira ainsi :\nEnseignements tirés de l'expérience"


def test_a_numbered_list_after_a_bullet_stays_the_context():
    lines_cell = "Considérant:\n- ligne un\na) premier point\nb) second point"
    question = read(("Annexe", [PART_I, ["1 a) Q", lines_cell]])).parts[0].questions[0]
    assert [line.text for line in question.lines] == ["- ligne un"]
    assert question.context == "Considérant:\na) premier point\nb) second point"


def test_a_column_that_only_starts_like_a_timeline_is_not_the_timeline():
    header = ["Questions", "Contexte et lignes d'action", "Date limite de rapport", "Calendrier"]
    rows = [["GB.901/POL/2"], header, PART_I, ["1 a) Q", "- ligne", "15/03/2001", "Juin 2001"]]
    line = read(("Sheet", rows, False)).parts[0].questions[0].lines[0]
    assert line.timeline == "Juin 2001"


def test_text_in_angle_brackets_is_kept_and_only_html_is_markup():
    rows = [
        PART_I,
        ["1 a) Q", "- Contact : J. Dupont <dupont@ilo.org>\n- si a<b et c>d", "2001"],
        ["1 b) Q", "<p>- Une ligne</p><p>- Deux &amp; trois</p>", "2002"],
    ]
    first, second = read(("Annexe", rows)).parts[0].questions
    assert [line.text for line in first.lines] == [
        "- Contact : J. Dupont <dupont@ilo.org>",
        "- si a<b et c>d",
    ]
    assert [line.text for line in second.lines] == ["- Une ligne", "- Deux & trois"]


def test_excel_cells_are_read_as_they_show():
    """A date shown as a month is the month; a time the cell does not show is left out; a
    percentage is the percentage."""
    book = Workbook()
    sheet = book.active
    for row in [["GB.903/TC/1"], ["Date du plan :", None], HEADER_FR, PART_I]:
        sheet.append(row)
    sheet.append(["1 a) Q", "- une\n- deux", None, None])
    sheet.append(["1 b) Q", "- trois", None, 0.75])
    cells = {
        "B2": (datetime.datetime(2000, 11, 1, 9, 30), "dd/mm/yyyy"),
        "C5": (datetime.datetime(2021, 6, 1), "mmm-yy"),
        "C6": (datetime.datetime(2021, 9, 15, 14, 30), "dd/mm/yyyy"),
        "D6": (0.75, "0%"),
    }
    for cell, (value, shown) in cells.items():
        sheet[cell] = value
        sheet[cell].number_format = shown
    plan = read_book(book, "formats.xlsx")
    first, second = plan.parts[0].questions
    assert plan.date == datetime.date(2000, 11, 1)
    assert (first.timeline, first.lines[0].deadline.due) == ("06/2021", datetime.date(2021, 6, 30))
    line = second.lines[0]
    assert (line.timeline, line.deadline.due) == ("2021-09-15", datetime.date(2021, 9, 15))
    assert line.status == "75%"


def merged_workbook(rows, *merges):
    book = Workbook()
    sheet = book.active
    for row in [["GB.903/TC/1"], [], HEADER_FR, PART_I, *rows]:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    return read_book(book, "merged.xlsx")


def test_a_timeline_or_status_merged_down_over_lines_speaks_for_all_of_them():
    rows = [
        ["1.1 Mesure", "A", "2021-2023", "Travaux en cours pour toutes les lignes"],
        [None, "B"],
        [None, "C"],
        ["1.2 Autre", "D", "2024", "Fait"],
    ]
    first, second = merged_workbook(rows, "A5:A7", "C5:C7", "D5:D7").parts[0].questions
    # Over every line of the question: the whole question's, dating each line.
    assert (first.timeline, first.status) == (
        "2021-2023",
        "Travaux en cours pour toutes les lignes",
    )
    assert [(line.timeline, line.deadline.due) for line in first.lines] == [
        ("", datetime.date(2023, 12, 31))
    ] * 3
    assert [(line.timeline, line.status) for line in second.lines] == [("2024", "Fait")]


def test_a_timeline_merged_down_over_several_questions_speaks_for_each_of_them():
    rows = [
        ["1.1 Mesure", "A", "2021-2023", "En cours"],
        [None, "B"],
        ["2. Groupe"],
        ["2.1 Autre", "C", None, "Fait"],
        ["2.2 Encore", "D", "2025", "Prévu"],
    ]
    plan = merged_workbook(rows, "A5:A6", "C5:C8")
    deadlines = {
        question.code: [line.deadline.due for line in question.lines]
        for question in plan.parts[0].questions
    }
    assert deadlines == {
        "1.1": [datetime.date(2023, 12, 31)] * 2,
        "2.": [],  # a heading between them: the questions under it still have it
        "2.1": [datetime.date(2023, 12, 31)],
        "2.2": [datetime.date(2025, 12, 31)],
    }


def test_a_cell_merged_over_some_lines_with_a_paragraph_each_gives_each_its_own():
    rows = [
        ["1.1 Mesure", "A", "2021\n2022", "En cours"],
        [None, "B"],
        [None, "C", "2025", "Fait"],
    ]
    question = merged_workbook(rows, "A5:A7", "C5:C6", "D5:D6").parts[0].questions[0]
    assert [line.timeline for line in question.lines] == ["2021", "2022", "2025"]
    # One status over two lines: each of them has it.
    assert [line.status for line in question.lines] == ["En cours", "En cours", "Fait"]


def test_a_plan_spread_over_several_sheets():
    plan = read(
        ("Partie I", [PART_I, ["1 a) Q", "- l1", "Mai 2000"]]),
        ("Partie II", [["Partie II – Qualité"], ["1. R", "- l2", "Juin 2000"]]),
        ("Notes", [["Some note with no header"]], False),
    )
    assert [part.number for part in plan.parts] == ["I", "II"]
    assert [str(w) for w in plan.warnings] == [
        'plan.xlsx, sheet "Notes", row 1, column A: no header row on this sheet: it was not read.'
    ]


def test_output_groups_link_questions_and_keep_other_lines_as_note():
    plan = read(
        (
            "A",
            [
                ["Objectif prioritaire 1 – Services"],
                ["1.1 Une", "L1", "2021"],
                ["1.2 Deux", "L2", "2021"],
                [
                    "Les mesures proposées 1.1 et 1.2 concernent en particulier "
                    "la stratégie et les produits suivants:"
                ],
                ["Stratégie de développement (GB.335/INS/9);"],
                ["P&B 2020-21, P&B 2022-23, produit 1.1: Capacité accrue;"],
                ["1.3 Trois", "L3", "2021"],
            ],
        )
    )
    one, two, three = plan.parts[0].questions
    assert [(o.framework, o.code) for o in one.outputs] == [
        ("P&B 2020-21", "1.1"),
        ("P&B 2022-23", "1.1"),
    ]
    assert two.outputs_note == "Stratégie de développement (GB.335/INS/9);"
    assert three.outputs == []


def test_footnote_marks_after_a_title_or_a_biennium_are_read_past():
    """As the GB papers print them: "Calendrier*", "Etat des travaux au 31 août 2000³",
    "P&B 2022-23 ¹⁷" (or a superscript run)."""
    header = [
        "Questions",
        "Contexte et lignes d'action",
        "Calendrier*",
        "Etat des travaux au 31 août 2000³",
    ]
    rows = [
        ["GB.901/POL/2"],
        header,
        ["Objectif prioritaire 1 – Services"],
        ["1.1 Une", "- L1", "2021", "Fait"],
        ["Les mesures proposées 1.1 concernent les produits suivants:"],
        ["P&B 2020-21, P&B 2022-23 ¹⁷, produit 1.1: Capacité accrue;"],
        ["1.2 Deux", "- L2", "2022", "Fait"],
        ["Les mesures proposées 1.2 concernent les produits suivants:"],
        ["P&B 2022-23 <sup>18</sup>, produit 2.1: Autre;"],
    ]
    one, two = read(("A", rows, False)).parts[0].questions
    line = one.lines[0]
    assert (line.timeline, str(line.as_of)) == ("2021", "2000-08-31")
    assert [(o.framework, o.code) for o in one.outputs] == [
        ("P&B 2020-21", "1.1"),
        ("P&B 2022-23", "1.1"),
    ]
    assert [(o.framework, o.code) for o in two.outputs] == [("P&B 2022-23", "2.1")]


def test_parts_by_letter_and_measures_coded_by_letter_and_number():
    """Enabling outcomes' plans: "Partie A", measures "A.1", and groups that name them."""
    plan = read(
        (
            "A",
            [
                ["Partie A – Gouvernance"],
                ["A.1 Une", "L1", "2022"],
                ["A.2. Deux", "L2", "2023"],
                ["Les mesures proposées A.1 et A.2 concernent les produits suivants:"],
                ["P&B 2022-23, produit A.1: Leadership"],
                ["Objectif prioritaire B – Appui"],
                ["B.1 Trois", "L3", "2024"],
            ],
        )
    )
    assert [(part.number, [q.code for q in part.questions]) for part in plan.parts] == [
        ("A", ["A.1", "A.2."]),
        ("B", ["B.1"]),
    ]
    one, two = plan.parts[0].questions
    # A letter makes a part only as a number does: "Partie à la charge…" is a title's text.
    rows = [["GB.907/TC/1"], ["Partie à la charge du Bureau"], HEADER_FR, PART_I, ["1. Q"]]
    assert [part.number for part in read(("A", rows, False)).parts] == ["I"]
    assert [(o.framework, o.code) for o in one.outputs + two.outputs] == [
        ("P&B 2022-23", "A.1"),
        ("P&B 2022-23", "A.1"),
    ]


def test_a_workbook_whose_sheets_name_two_plans_is_refused_at_the_second_title():
    second = [["GB.777/POL/1 – Un autre plan"], HEADER_FR, PART_I, ["1 b) Q", "- l", "2001"]]
    with pytest.raises(ImportRefused) as refused:
        read(("A", [PART_I, ["1 a) Q", "- l", "2001"]]), ("B", second, False))
    assert [(p.sheet, p.row, p.column) for p in refused.value.problems] == [("B", 1, 1)]
    assert "names the plan GB.777/POL/1, but the first title names GB.900/TC/1" in str(
        refused.value.problems[0]
    )
    # The same plan continued on another sheet, or another paper cited under the title, is one;
    # so is a second symbol on the first sheet (the paper's corrigendum).
    same = [["GB.900/TC/1 (suite)"], ["Voir GB.777/POL/1"], HEADER_FR, PART_I]
    plan = read(("A", [PART_I, ["1 a) Q", "- l", "2001"]]), ("B", [*same, second[-1]], False))
    assert [q.code for q in plan.parts[0].questions] == ["1 a)", "1 b)"]
    corrected = [["GB.900/TC/1 Plan"], ["GB.900/TC/1/Corr."], HEADER_FR, PART_I, ["1. Q"]]
    assert read(("A", corrected, False)).symbol == "GB.900/TC/1"


@pytest.mark.parametrize(
    "sentence",
    [
        "La mesure proposée 1.1 concerne en particulier les résultats et produits suivants:",
        "Proposed action 1.1 relates in particular to the following outputs:",
        "La medida propuesta 1.1 se refiere en particular a los productos siguientes:",
    ],
)
def test_output_group_sentences_in_three_languages(sentence):
    plan = read(
        (
            "A",
            [
                PART_I,
                ["1.1 Une", "L1", "2021"],
                [sentence],
                ["P&B 2022-23, output A.4: Partnerships"],
            ],
        )
    )
    assert [(o.framework, o.code) for o in plan.parts[0].questions[0].outputs] == [
        ("P&B 2022-23", "A.4")
    ]


def test_html_in_cells_is_stripped_to_plain_text():
    cell = "<p>Texte <b>gras</b> &amp; P&B</p><script>alert(1)</script><br>- ligne <i>une</i>"
    plan = read(("A", [PART_I, ["1 a) <em>Question</em>", cell, "Mai 2000"]]))
    question = plan.parts[0].questions[0]
    assert question.title == "Question"
    assert question.context == "Texte gras & P&B"
    assert question.lines[0].text == "- ligne une"


def test_placeholders_are_kept_verbatim():
    plan = read(("A", [PART_I, ["1 a) Q", "- un\n- deux", "[...]\nMai 2000"]]))
    assert [line.timeline for line in plan.parts[0].questions[0].lines] == ["[...]", "Mai 2000"]


# How Excel's other ways of saving a workbook differ from the usual .xlsx: "Strict Open XML
# Spreadsheet" names its parts' XML with other namespaces; a macro-enabled workbook (.xlsm)
# declares another content type (its macros are never run).
SAVED_AS = {
    "strict": [
        (
            b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
            b"http://purl.oclc.org/ooxml/spreadsheetml/main",
        ),
        (
            b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
            b"http://purl.oclc.org/ooxml/officeDocument/relationships",
        ),
    ],
    "xlsm": [
        (
            b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        )
    ],
}


@pytest.mark.parametrize("saved_as", SAVED_AS)
def test_a_workbook_saved_as_strict_open_xml_or_with_macros_reads_as_the_usual_one(saved_as):
    rows = [PART_I, ["1 a) Q", "Contexte.\n- ligne un\n- ligne deux", "Mai 2000\nJuin 2000"]]
    usual = make_workbook(("Annexe", rows))
    other = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(usual)) as source, zipfile.ZipFile(other, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            for before, after in SAVED_AS[saved_as]:
                content = content.replace(before, after)
            target.writestr(item, content)
    assert other.getvalue() != usual
    assert read_plan(other.getvalue(), "plan.xlsx") == read_plan(usual, "plan.xlsx")


def test_hidden_rows_and_sheets_are_read_with_a_warning_naming_them():
    """What Excel hides is still in the file: the preview says where, before anything is
    written."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Annexe"
    for row in [["GB.905/TC/1 Plan"], HEADER_FR, PART_I, ["1 a) Q", "- vue", "2001"]]:
        sheet.append(row)
    sheet.append(["1 b) Cachée", "- cachée", "2002"])
    sheet.row_dimensions[5].hidden = True
    old = book.create_sheet("Ancienne")
    old.sheet_state = "hidden"
    old.append(["Notes"])
    plan = read_book(book, "plan.xlsx")
    assert [q.code for q in plan.parts[0].questions] == ["1 a)", "1 b)"]
    assert [(w.sheet, w.row, w.message) for w in plan.warnings][:2] == [
        ("Annexe", 5, "this row is hidden in the workbook: it is read all the same."),
        ("Ancienne", 1, "this sheet is hidden in the workbook: it is read all the same."),
    ]


def test_a_hidden_column_is_read_with_a_warning_naming_it():
    book = Workbook()
    sheet = book.active
    rows = [["GB.905/TC/1 Plan"], [*HEADER_FR, "Observations"], PART_I]
    for row in [*rows, ["1 a) Q", "- vue", "2001", "Fait", "interne"]]:
        sheet.append(row)
    sheet.column_dimensions["D"].hidden = True
    sheet.column_dimensions["E"].hidden = True  # not imported: nothing to say
    plan = read_book(book, "plan.xlsx")
    assert plan.parts[0].questions[0].lines[0].status == "Fait"
    assert [(w.row, w.column, w.message) for w in plan.warnings] == [
        (2, 4, "this column is hidden in the workbook: it is read all the same.")
    ]


@pytest.mark.parametrize(
    "written",
    [
        "PARDEV; PROGRAM",
        "PARDEV, PROGRAM",
        "PARDEV\nPROGRAM",
        "PARDEV et PROGRAM",
        "PARDEV and PROGRAM",
        "PARDEV y PROGRAM",
        "PARDEV & PROGRAM",
        "PARDEV + PROGRAM",
    ],
)
def test_a_units_cell_lists_its_codes_as_people_write_them(written):
    line = read_fourth_column("Unité(s) responsable(s)", written).parts[0].questions[0].lines[0]
    assert line.units == ("PARDEV", "PROGRAM")


def test_symbol_given_when_the_file_names_none():
    plan = read_plan(
        make_workbook(("A", [PART_I, ["1 a) Q", "- l", "Mai 2000"]]), title="Plan"),
        "p.xlsx",
        symbol="GB.904/TC/1",
    )
    assert plan.symbol == "GB.904/TC/1"


def test_a_units_cell_on_each_row_speaks_for_its_row_only():
    header = [*HEADER_FR, "Unité(s) responsable(s)"]
    rows = [
        ["GB.904/TC/1"],
        header,
        PART_I,
        ["1 a) Q", "- ligne un\n- ligne deux", "2001", "", "PARDEV"],
        ["", "- ligne trois", "2002", "", "PROGRAM"],
        ["1 b) Q", "", "", "", "PARDEV"],  # on the question's own row: all its lines
        ["", "- ligne quatre", "2002"],
        ["", "- ligne cinq", "2003"],
        ["1 c) Q", "- six\n- sept", "2001", "", "PROGRAM"],  # its only units cell: all lines
        ["", "- huit", "2002"],
    ]
    first, second, third = read(("A", rows, False)).parts[0].questions
    assert [line.units for line in first.lines] == [("PARDEV",), ("PARDEV",), ("PROGRAM",)]
    assert [line.units for line in second.lines] == [("PARDEV",), ("PARDEV",)]
    assert [line.units for line in third.lines] == [("PROGRAM",)] * 3


@pytest.mark.parametrize("newer_first", [False, True])
def test_of_two_status_columns_the_later_one_is_imported(newer_first):
    older = ["Etat des travaux au 31 août 2000", "Commencé"]
    newer = ["Etat des travaux au 31 mars 2001", "Achevé"]
    first, second = (newer, older) if newer_first else (older, newer)
    header = [*HEADER_FR[:3], first[0], second[0]]
    rows = [["GB.904/TC/1"], header, PART_I, ["1 a) Q", "- l", "2001", first[1], second[1]]]
    plan = read(("A", rows, False))
    line = plan.parts[0].questions[0].lines[0]
    assert (line.status, str(line.as_of)) == ("Achevé", "2001-03-31")
    assert [problem.message for problem in plan.ignored_columns] == [older[0]]


GB341_HEADER = ["Mesure proposée", "Réalisations attendues", "Échéance"]


def read_deliverables(*rows):
    """The first question of a plan in the GB.341 layout (one deliverable a row)."""
    title = [["GB.341/POL/4 – Plan"], GB341_HEADER, ["Objectif prioritaire 1 – Services"]]
    return read(("A", [*title, *rows], False)).parts[0].questions[0]


def test_a_deliverable_with_its_own_list_stays_one_line_among_the_rows():
    """One deliverable a row (GB.341): a row holding a list keeps it, the others stay lines."""
    question = read_deliverables(
        ["1.1 Répondre", "Des outils d'orientation actualisés sont élaborés.", "2021-2023"],
        ["", "Les méthodes sont améliorées:\n- avec Turin;\n- avec les mandants.", "2021-2025"],
        ["", "Un rapport est présenté au Conseil.", "Mars 2022"],
    )
    assert [(line.text[:20], line.deadline.due) for line in question.lines] == [
        ("Des outils d'orienta", datetime.date(2023, 12, 31)),
        ("Les méthodes sont am", datetime.date(2025, 12, 31)),
        ("Un rapport est prése", datetime.date(2022, 3, 31)),
    ]
    assert question.lines[1].text.endswith("- avec les mandants.")
    assert question.context == ""


def test_a_row_of_context_above_rows_of_bullets_stays_the_context():
    rows = [PART_I, ["1 a) Q", "Le Conseil a demandé :", "2001"], ["", "- ligne un", "2002"]]
    rows.append(["", "- ligne deux", "2003"])
    question = read(("Annexe", rows)).parts[0].questions[0]
    assert question.context == "Le Conseil a demandé :"
    assert [line.text for line in question.lines] == ["- ligne un", "- ligne deux"]


def test_a_note_under_the_table_is_no_line_and_is_named():
    rows = [PART_I, ["1 a) Q", "- ligne un", "2001"], ["", "- ligne deux", "2002"]]
    rows += [["", "Source : BIT, 2021"], ["", "Note : estimations du Bureau"]]
    plan = read(("Annexe", rows))
    question = plan.parts[0].questions[0]
    assert [line.text for line in question.lines] == ["- ligne un", "- ligne deux"]
    assert question.context == ""
    notes = [(w.row, w.message) for w in plan.warnings if "note" in w.message]
    assert [message for _row, message in notes] == ["a note under the table: it was not read."] * 2


@pytest.mark.parametrize(
    ("title_rows", "title"),
    [
        ([["GB.279/TC/2 – Plan d'action"]], "Plan d'action"),
        ([["Conseil d'administration – GB.279/TC/2 – Plan"]], "Conseil d'administration – Plan"),
        # As on a paper's cover: the symbol alone in its cell, the title on a row below.
        ([[None, None, None, "GB.279/TC/2"], ["Plan de mise en œuvre"]], "Plan de mise en œuvre"),
        ([["GB.279/TC/2"]], "GB.279/TC/2"),  # nothing else to call it
    ],
)
def test_the_plan_title_is_what_the_title_rows_say_besides_the_symbol(title_rows, title):
    rows = [*title_rows, HEADER_FR, PART_I, ["1 a) Q", "- l", "2001"]]
    plan = read(("A", rows, False))
    assert (plan.symbol, plan.title) == ("GB.279/TC/2", title)


def test_an_empty_paragraph_keeps_the_paragraphs_beside_their_lines():
    lines, timelines, statuses = "- l1\n- l2\n- l3", "fin 2001\n\nfin 2003", "Achevé\n\nEn cours"
    rows = [PART_I, ["1 a) Q", lines, timelines, statuses]]
    question = read(("Annexe", rows)).parts[0].questions[0]
    assert [(line.timeline, line.status) for line in question.lines] == [
        ("fin 2001", "Achevé"),
        ("", ""),
        ("fin 2003", "En cours"),
    ]
    assert (question.timeline, question.status) == ("", "")


def test_a_row_that_only_looks_like_a_note_within_the_table_is_read_as_before():
    rows = [PART_I, ["1 a) Question", "Contexte", "2001"], ["", "* Organiser un atelier"]]
    rows += [["", "NB: le rapport sera publié"], ["1 b) Deux", "c", "2002"], ["", "* d"]]
    first, second = read(("Annexe", rows)).parts[0].questions
    assert [line.text for line in first.lines] == [
        "Contexte",
        "* Organiser un atelier",
        "NB: le rapport sera publié",
    ]
    assert [line.text for line in second.lines] == ["c", "* d"]  # the sheet's last row


def test_html_pasted_from_word_is_plain_text_and_a_superscript_keeps_brackets_beside_it():
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    word_list = (
        "<![if !supportLists]><span style='mso-list:Ignore'>-<span>&nbsp;</span></span>"
        '<![endif]>Un <st1:place w:st="on">atelier</st1:place> à Genève</p>'
    )
    book = Workbook()
    sheet = book.active
    for row in [["GB.903/TC/1"], HEADER_FR, PART_I, ["1 a) Q", word_list, "2001"]]:
        sheet.append(row)
    sheet["B4"] = CellRichText(
        "- La 87", TextBlock(InlineFont(vertAlign="superscript"), "e"), " session <CIT> & R&D"
    )
    sheet.append(["1 b) Q", word_list, "2002"])
    first, second = read_book(book, "word.xlsx").parts[0].questions
    assert [line.text for line in first.lines] == ["- La 87<sup>e</sup> session <CIT> & R&D"]
    assert [line.text for line in second.lines] == ["-\xa0Un atelier à Genève"]


def test_a_row_of_context_above_the_items_stays_the_context_where_rows_are_lines():
    rows = [PART_I, ["1. Question un", "Contexte général", "2001"], ["", "- ligne un"]]
    rows += [["", "- ligne deux"], ["", "Autre activité"]]
    question = read(("Annexe", rows)).parts[0].questions[0]
    assert question.context == "Contexte général"
    assert [line.text for line in question.lines] == [
        "- ligne un",
        "- ligne deux",
        "Autre activité",
    ]
    question = read_deliverables(
        ["1.1 Mesure", "Pour cela :", "2025"],
        ["", "- un livrable", "2024"],
        ["", "- un autre", "2025"],
    )
    assert question.context == "Pour cela :"
    assert [line.text for line in question.lines] == ["- un livrable", "- un autre"]


@pytest.mark.parametrize(
    ("value", "shown", "read"),
    [
        (1 / 3, "0%", "33%"),
        (0.125, "0.0%", "12.5%"),
        (1e-20, "0%", "0%"),
        (datetime.datetime(2021, 6, 15), "yyyy", "2021"),
        (1.5, "[h]:mm", "1900-01-01T12:00:00"),
        (45, '0" %"', "45"),
    ],
)
def test_a_number_is_read_as_its_format_shows_it(value, shown, read):
    book = Workbook()
    sheet = book.active
    for row in [["GB.903/TC/1"], HEADER_FR, PART_I, ["1 a) Q", "- une", None, "x"]]:
        sheet.append(row)
    sheet["D4"], sheet["D4"].number_format = value, shown
    line = read_book(book, "formats.xlsx").parts[0].questions[0].lines[0]
    assert line.status == read
