"""The real GB.279/TC/2 and GB.341/POL/4 plans, imported from fixtures/, printed as GB papers."""

import datetime
import io
import re

import openpyxl
import pytest
from pypdf import PdfReader

from measures.models import ActionLine, Plan
from reports.annex import GB279, GB341, plan_annex
from reports.pdf import write_pdf
from tests.factories import make_update
from tests.pdfs import normalise, pdf_pages, pdf_text, squeeze
from tests.plan_workbooks import FIXTURES, import_fixture

# Layout of what is printed: read by the same queries as the annex tests run on both databases.
pytestmark = pytest.mark.one_database

HEADER = ["Questions", "Contexte et lignes d'action", "Calendrier"]
STATUS_TITLE = "Etat des travaux au 31 août 2000"


def workbook_paragraphs():
    """Every question cell, and every paragraph of the other cells, as the workbook has them."""
    sheet = openpyxl.load_workbook(FIXTURES / "GB.279-TC-2.xlsx").active
    questions, paragraphs = [], {"lines": [], "timeline": [], "status": []}
    for row in sheet.iter_rows(min_row=4, values_only=True):
        cells = [normalise(str(cell or "")) for cell in row[:1]] + [str(c or "") for c in row[1:4]]
        if cells[0].startswith("Partie ") or cells[0] in ("Questions", ""):
            continue
        questions.append(cells[0])
        for kind, cell in zip(paragraphs, cells[1:], strict=True):
            for paragraph in (normalise(p) for p in cell.split("\n") if p.strip()):
                # A ditto mark repeats the paragraph above; the importer stores it in full.
                paragraphs[kind].append(paragraphs[kind][-1] if paragraph == '"' else paragraph)
    return questions, paragraphs


@pytest.fixture
def gb279(db, imported_gb279):
    return Plan.objects.get(pk=imported_gb279)


@pytest.fixture(scope="module")
def gb279_pdf(imported_gb279, django_db_blocker):
    """The GB.279 annex as printed, rendered once for the tests that only read it."""
    with django_db_blocker.unblock():
        return write_pdf(plan_annex(Plan.objects.get(pk=imported_gb279)))


def running_text(content, symbol):
    """The annex's text as one flow: each page's repeated part title and column header, its
    symbol and its number taken out, so that a paragraph split over two pages reads whole."""
    pages = []
    for number, page in enumerate(pdf_pages(content, "-raw"), start=1):
        lines = page.strip().split("\n")
        while lines and lines[-1] in (str(number), symbol):
            lines.pop()
        while number > 1 and lines and lines[0].startswith(("Partie ", HEADER[0], symbol)):
            lines.pop(0)
        pages.append("\n".join(lines))
    return normalise(" ".join(pages))


def test_every_question_line_timeline_and_status_of_the_annex_is_printed_once(gb279, gb279_pdf):
    assert plan_annex(gb279).body.layout == GB279
    text = running_text(gb279_pdf, gb279.symbol)
    questions, paragraphs = workbook_paragraphs()
    assert len(questions) == 24 and len(paragraphs["status"]) > 60
    source = " ".join([*questions, *(p for kind in paragraphs.values() for p in kind)])
    for question in questions:
        assert text.count(question) == 1, question
    for kind, items in paragraphs.items():
        for paragraph in items:
            # A short paragraph ("En cours d'exécution") may stand in several cells: as often as
            # the workbook has it, no more, no less.
            assert text.count(paragraph) == source.count(paragraph), (kind, paragraph)


def test_every_page_carries_the_part_title_column_header_symbol_and_number(gb279_pdf):
    content = gb279_pdf
    pages = pdf_pages(content)
    assert len(pages) > 10
    for number, page in enumerate(pages, start=1):
        assert all(title in page for title in [*HEADER, STATUS_TITLE]), number
        assert re.search(r"^Partie (I|II|III) – ", page, re.M), number
        assert "GB.279/TC/2" in page
        assert squeeze(page).endswith(f" {number}")
    reader = PdfReader(io.BytesIO(content))
    assert all(
        (round(float(p.mediabox.width)), round(float(p.mediabox.height))) == (842, 595)
        for p in reader.pages
    )
    assert reader.metadata.title.startswith("GB.279/TC/2 – Rapport d'activité: plan de mise")
    assert reader.trailer["/Root"]["/Lang"] == "fr"


def test_english_plan_gets_english_headings_and_keeps_its_french_text(gb279):
    gb279.language = "en"
    gb279.save()
    content = write_pdf(plan_annex(gb279))
    pages = pdf_pages(content)
    for page in pages:
        assert "Context and lines of action" in page
        assert "Status of work as of 31 August 2000" in page
    assert "Etat des travaux" not in " ".join(pages)
    assert "Garantir que les activités de coopération" in pdf_text(content)


def test_a_later_report_does_not_change_the_annex_as_of_31_august_2000(gb279):
    line = ActionLine.objects.filter(question__part__plan=gb279, question__code="1 a)").first()
    make_update(line, datetime.date(2001, 3, 1), narrative="Directives publiées en mars 2001")
    august = plan_annex(gb279, as_of=datetime.date(2000, 8, 31))
    march = plan_annex(gb279)
    assert march.body.as_of == datetime.date(2001, 3, 1)
    first = august.body.parts[0].questions[1].lines[0]
    assert first.status.startswith("Projet de directives internes préparé")
    assert march.body.parts[0].questions[1].lines[0].status == "Directives publiées en mars 2001"


def test_gb341_prints_its_measures_and_the_outputs_each_group_relates_to(reference_data):
    import_fixture("GB.341-POL-4.xlsx")
    document = plan_annex(Plan.objects.get(symbol="GB.341/POL/4"))
    assert document.body.layout == GB341
    text = pdf_text(write_pdf(document))
    assert "Mesure proposée Réalisations attendues Échéance" in text
    # The paragraphs as seed 003 prints them, strategy and outcomes named where listed.
    for sentence in [
        "Les mesures proposées 1.1, 1.2 et 1.3 concernent en particulier la stratégie et les "
        "produits suivants:",
        "La mesure proposée 1.4 concerne en particulier les résultats et produits suivants:",
        "Les mesures proposées 2.1, 2.2, 2.3 et 2.4 concernent en particulier les produits "
        "suivants:",
        "Les mesures proposées 3.1, 3.2 et 3.3 concernent en particulier les résultats et "
        "produits suivants:",
    ]:
        assert sentence in text
    assert "P&B 2020-21, P&B 2022-23, produit 1.1: Capacité institutionnelle accrue" in text
    assert "Stratégie de développement des capacités institutionnelles à l'échelle" in text
