"""The plan annex as a GB paper: rows, headings in the plan's language, the as-of rule, the PDF."""

import datetime
import io
import subprocess

import pytest
from pypdf import PdfReader

from measures.models import ActionLine, Part, Plan, Question, StatusCategory, StatusUpdate
from reports.annex import GB279, GB341, plan_annex
from reports.pdf import render_html, write_pdf
from tests.factories import AUG_31, build_gb279_like, make_line, make_update, module_rows
from tests.pdfs import html_text, pdf_pages, pdf_text, squeeze


@pytest.fixture
def gb279(db):
    return build_gb279_like()


@pytest.fixture(scope="module")
def gb279_pdf(django_db_setup, django_db_blocker):
    """The annex PDF of `build_gb279_like()`, rendered once for the tests that only read it."""
    yield from module_rows(django_db_blocker, lambda: write_pdf(plan_annex(build_gb279_like())))


def test_french_plan_prints_gb_column_titles_with_the_as_of_date_in_french(gb279):
    annex = plan_annex(gb279).body
    assert annex.layout == GB279
    assert annex.columns == [
        "Questions",
        "Contexte et lignes d'action",
        "Calendrier",
        "Etat des travaux au 31 août 2000",
    ]


@pytest.mark.parametrize(
    ("language", "status_title"),
    [
        ("en", "Status of work as of 31 August 2000"),
        ("es", "Estado de los trabajos al 31 de agosto de 2000"),
    ],
)
def test_the_plans_language_decides_the_headings_not_the_readers(gb279, language, status_title):
    gb279.language = language
    gb279.save()
    text = html_text(render_html(plan_annex(gb279)))
    assert status_title in text
    assert f'<html lang="{language}">' in text
    assert "Etat des travaux" not in text


def test_every_line_timeline_and_status_is_printed_once_and_question_text_once(gb279_pdf):
    text = pdf_text(gb279_pdf)
    for n in range(1, 11):
        assert text.count(f"1 {chr(96 + n)}) Question numéro {n}") == 1
        for i in range(1, 4):
            assert text.count(f"ligne {n}.{i} ") == 1
            assert text.count(f"Calendrier {n}.{i}") == 1
            assert text.count(f"Etat {n}.{i} au 31 août") == 1
    assert text.count("L'examen de la structure extérieure est en cours.") == 1
    assert text.count("La planification devrait démarrer en janvier 2000") == 1


def test_column_header_and_part_title_repeat_on_every_page_the_part_spans(gb279_pdf):
    pages = pdf_pages(gb279_pdf)
    assert len(pages) >= 3
    for page in pages:
        assert "Contexte et lignes d'action" in page
        assert "Etat des travaux au 31 août 2000" in page
        assert "Partie I – Rendre" in page or "Partie II – Qualité" in page
    assert "Partie I – Rendre" in pages[1]  # repeated above the header on a continuation page
    # The GB symbol runs in the page header and the page number in the footer.
    assert all("GB.279/TC/2" in page for page in pages)
    assert squeeze(pages[1]).endswith(" 2")


def test_pdf_is_a4_landscape_tagged_with_title_language_and_embedded_fonts(gb279_pdf, tmp_path):
    reader = PdfReader(io.BytesIO(gb279_pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)
    assert reader.metadata.title == "GB.279/TC/2 – Rapport d'activité"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "fr"
    assert "/StructTreeRoot" in root
    path = tmp_path / "annex.pdf"
    path.write_bytes(gb279_pdf)
    fonts = subprocess.run(["pdffonts", path], capture_output=True, text=True).stdout
    rows = [row.split() for row in fonts.splitlines()[2:]]
    assert rows and all("DejaVu" in row[0] for row in rows)
    assert all(row[-5] == "yes" for row in rows)  # the "emb" column


def test_emoji_in_a_narrative_print_as_emoji_not_empty_boxes(gb279, caplog, tmp_path):
    line = ActionLine.objects.filter(question__part__plan=gb279).first()
    make_update(line, AUG_31, narrative="Atelier tenu ✅ 👩🏽‍💻 🇫🇷")
    path = tmp_path / "annex.pdf"
    with caplog.at_level("WARNING", logger="weasyprint"):
        path.write_bytes(write_pdf(plan_annex(gb279, AUG_31)))
    assert not [r for r in caplog.records if "notdef" in r.getMessage()]
    fonts = subprocess.run(["pdffonts", path], capture_output=True, text=True).stdout
    assert "Noto-Color-Emoji" in fonts


def test_heading_questions_span_the_whole_row_and_plain_text_is_escaped(gb279):
    question = Question.objects.get(part__plan=gb279, code="1 a)")
    question.context = "<script>alert(1)</script>\nSecond paragraphe"
    question.save()
    markup = render_html(plan_annex(gb279))
    assert '<th colspan="4" scope="colgroup">1. Un programme cohérent</th>' in markup
    assert "<script>" not in markup
    assert "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p><p>Second paragraphe</p>" in markup


def test_statuses_are_the_latest_as_of_the_date_asked(gb279):
    line = ActionLine.objects.get(question__part__plan=gb279, text__startswith="- ligne 1.1 ")
    make_update(
        line, datetime.date(2001, 3, 1), StatusCategory.COMPLETED, narrative="Terminé en mars"
    )
    question = Question.objects.get(part__plan=gb279, order=1, part__order=2)
    make_update(question, datetime.date(2001, 3, 1), narrative="Structure revue en 2001")

    then = html_text(render_html(plan_annex(gb279, as_of=AUG_31)))
    assert "Etat 1.1 au 31 août" in then and "Terminé en mars" not in then
    assert "L'examen de la structure extérieure" in then and "revue en 2001" not in then

    later = plan_annex(gb279)  # default: the plan's latest report
    assert later.body.as_of == datetime.date(2001, 3, 1)
    text = html_text(render_html(later))
    assert "Terminé en mars" in text and "Etat 1.1 au 31 août" not in text
    assert "Structure revue en 2001" in text
    assert "Etat des travaux au 1er mars 2001" in text

    before = html_text(render_html(plan_annex(gb279, as_of=datetime.date(2000, 1, 1))))
    assert "Etat 1.1" not in before and "L'examen" not in before


@pytest.mark.parametrize("questions", [3, 333])  # 10 and 1,000 lines
def test_annex_runs_the_same_queries_whatever_the_plan_size(
    db, questions, django_assert_num_queries
):
    # default as-of (latest published round, latest report), the outline's parts, questions,
    # lines, their units, status updates
    plan = build_gb279_like(questions=questions, bulk=True)
    with django_assert_num_queries(7):
        annex = plan_annex(plan).body
    assert annex.line_count == 3 * questions + 1


def build_gb341_like(outputs, language="fr"):
    """Proposed measures 1.1-1.3 relating to the same outputs, then 1.4 to none."""
    plan = Plan.objects.create(
        symbol="GB.341/POL/4", title="Plan de mise en œuvre", language=language
    )
    part = Part.objects.create(
        plan=plan, order=1, number="1", title="Objectif prioritaire 1 – Services aux mandants"
    )
    for n in range(1, 5):
        question = Question.objects.create(part=part, order=n, code=f"1.{n}", title=f"Mesure {n}.")
        if n < 4:
            question.outputs.set(outputs)
            question.outputs_note = "Stratégie de développement des capacités (GB.335/INS/9);"
            question.save()
        make_line(question, text=f"Réalisation {n}.", timeline="2021-2025", due=None)
    return plan


def test_proposed_measures_layout_says_which_outputs_each_group_relates_to(reference_data):
    from outcomes.models import Output

    outputs = Output.objects.filter(
        code="1.1", outcome__framework__code__in=["P&B 2020-21", "P&B 2022-23"]
    )
    plan = build_gb341_like(outputs)
    document = plan_annex(plan)
    annex = document.body
    assert annex.layout == GB341
    assert annex.columns == ["Mesure proposée", "Réalisations attendues", "Échéance"]
    first, second = annex.parts[0].groups
    assert [q.code for q in first.questions] == ["1.1", "1.2", "1.3"]
    assert first.relates == (
        "Les mesures proposées 1.1, 1.2 et 1.3 concernent en particulier la stratégie et les "
        "produits suivants:"
    )
    title = outputs[0].title
    assert first.output_lines == [
        "Stratégie de développement des capacités (GB.335/INS/9);",
        f"P&B 2020-21, P&B 2022-23, produit 1.1: {title}.",
    ]
    assert [q.code for q in second.questions] == ["1.4"] and second.relates == ""
    text = pdf_text(write_pdf(document))
    assert "Les mesures proposées 1.1, 1.2 et 1.3 concernent" in text
    assert text.count("Réalisation 2.") == 1


def test_layout_can_be_forced_and_is_guessed_from_the_questions_context(gb279):
    forced = plan_annex(gb279, layout=GB341).body
    assert forced.layout == GB341
    assert forced.columns[-1] == "Etat au 31 août 2000"  # the optional status column
    assert plan_annex(gb279).body.layout == GB279
    Question.objects.filter(part__plan=gb279).update(context="")
    assert plan_annex(gb279).body.layout == GB341


@pytest.mark.parametrize(
    "note, relates",
    [
        ("", "Proposed actions 1.1, 1.2 and 1.3 relate in particular to the following outputs:"),
        (
            "Capacity development strategy (GB.335/INS/9);",
            "Proposed actions 1.1, 1.2 and 1.3 relate in particular to the following strategy "
            "and outputs:",
        ),
        (
            "All strategic outcomes of the P&B 2020-21 and P&B 2022-23;",
            "Proposed actions 1.1, 1.2 and 1.3 relate in particular to the following outcomes "
            "and outputs:",
        ),
    ],
)
def test_the_outputs_paragraph_names_the_strategy_or_outcomes_it_lists(
    reference_data, note, relates
):
    from outcomes.models import Output

    outputs = Output.objects.filter(code="1.1", outcome__framework__code="P&B 2020-21")
    plan = build_gb341_like(outputs, language="en")
    Question.objects.filter(part__plan=plan, code__in=["1.1", "1.2", "1.3"]).update(
        outputs_note=note
    )
    assert plan_annex(plan).body.parts[0].groups[0].relates == relates


def test_a_questions_status_runs_down_beside_its_lines_when_they_have_none(gb279):
    """As the paper prints 2 c): the first paragraph with the context, then one a line."""
    question = Question.objects.get(part__plan=gb279, code="1 b)")
    lines = ActionLine.objects.filter(question=question)
    StatusUpdate.objects.filter(action_line__in=lines).delete()
    lines.delete()
    for i in (1, 2):
        make_line(question, order=i, text=f"- action {i}", timeline="")
    make_update(question, AUG_31, narrative="Premier.\nDeuxième.\nTroisième.\nQuatrième.")
    block = plan_annex(gb279).body.parts[0].questions[2]
    assert block.code == "1 b)"
    assert block.status == "Premier."
    assert [line.status for line in block.lines] == ["Deuxième.", "Troisième.\nQuatrième."]
    # The timetable stays with the question: a single paragraph, nothing to run down.
    assert block.timeline == "" and [line.timeline for line in block.lines] == ["", ""]
    text = pdf_text(write_pdf(plan_annex(gb279)))
    for paragraph in ["Premier.", "Deuxième.", "Troisième.", "Quatrième."]:
        assert text.count(paragraph) == 1
    assert text.index("action 1") < text.index("Deuxième.") < text.index("action 2")


def test_a_newer_whole_question_status_replaces_its_lines_older_ones_in_the_annex(gb279):
    question = gb279.parts.get(number="I").questions.get(code="1 a)")
    make_update(question, datetime.date(2000, 9, 30), narrative="Toute la question avance.")
    annex = plan_annex(gb279, as_of=datetime.date(2000, 9, 30)).body
    block = next(b for b in annex.parts[0].questions if b.code == "1 a)")
    statuses = [block.status, *(line.status for line in block.lines)]
    assert "Toute la question avance." in " ".join(statuses)
    assert not any("Etat 1." in status for status in statuses)
    # As of 31 August the lines' own reports were the newest.
    before = plan_annex(gb279, as_of=AUG_31).body
    block = next(b for b in before.parts[0].questions if b.code == "1 a)")
    assert [line.status for line in block.lines] == [f"Etat 1.{i} au 31 août" for i in (1, 2, 3)]


def test_lines_with_their_own_bullet_or_number_get_no_dash_added(gb279):
    question = gb279.parts.get(number="I").questions.get(code="1 b)")
    lines = ActionLine.objects.filter(question=question)
    StatusUpdate.objects.filter(action_line__in=lines).delete()
    lines.delete()
    texts = ["- tiret", "◦ puce de Word", "1. numérotée", "a) lettrée", "sans marque"]
    for order, text in enumerate(texts):
        make_line(question, order=order, text=text)
    block = plan_annex(gb279).body.parts[0].questions[2]
    assert [(line.text, line.has_bullet) for line in block.lines] == [
        ("- tiret", True),
        ("◦ puce de Word", True),
        ("1. numérotée", True),
        ("a) lettrée", True),
        ("sans marque", False),
    ]
