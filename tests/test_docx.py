"""The annex in Word: read back paragraph by paragraph against the HTML the PDF is printed from."""

import datetime
import io
import re
import subprocess

import lxml.html
import pytest
from django.core.management import call_command
from docx import Document
from docx.oxml.ns import qn

from measures.models import Plan
from reports.annex import GB279, GB341, plan_annex
from reports.docx import DASH, annex_docx
from reports.pdf import render_html
from tests.pdfs import pdf_pages
from tests.plan_workbooks import import_fixture

# Layout of what is printed: read by the same queries as the annex tests run on both databases.
pytestmark = pytest.mark.one_database

AS_OF = datetime.date(2000, 8, 31)


def source_paragraphs(document):
    """The PDF's source as a reader sees it: each block of text of the printed HTML in order,
    with the dashes print.css puts before lines written without one and before outputs."""
    root = lxml.html.fromstring(render_html(document, for_print=True))
    dashed = root.xpath(
        "//div[contains(@class, 'line-text') and contains(@class, 'bullet')]/p[1]"
        " | //ul[@class='output-lines']/li"
    )
    for element in dashed:
        element.text = DASH + (element.text or "")
    texts = []
    for element in root.find("body").iter():
        if element.tag in ("p", "li", "h1"):
            texts.append(element.text_content())
        elif element.tag in ("td", "th"):
            texts.append(element.text or "")  # the cell's own text, before any paragraph
    return [squeeze(text) for text in texts if text.strip()]


def docx_paragraphs(content):
    """Every non-empty paragraph of the body, in tables or not, in document order."""
    body = Document(io.BytesIO(content)).element.body
    texts = ("".join(t.text for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p")))
    return [squeeze(text) for text in texts if text.strip()]


def squeeze(text):
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture
def gb279(db, imported_gb279):
    return Plan.objects.get(pk=imported_gb279)


def test_the_gb279_annex_in_word_says_what_the_pdf_says_in_the_same_order(gb279):
    document = plan_annex(gb279, as_of=AS_OF)
    assert document.body.layout == GB279

    word = docx_paragraphs(annex_docx(document))

    source = source_paragraphs(document)
    assert len(source) > 250
    assert word == source
    assert word[:2] == ["GB.279/TC/2", "Annexe"]
    assert "Etat des travaux au 31 août 2000" in word


def test_each_table_repeats_its_part_title_and_column_titles_on_every_page(gb279):
    document = plan_annex(gb279, as_of=AS_OF)
    word = Document(io.BytesIO(annex_docx(document)))

    assert len(word.tables) == len(document.body.parts) == 3
    for table, part in zip(word.tables, document.body.parts, strict=True):
        repeated = [
            row for row in table.rows if row._tr.find(f".//{qn('w:tblHeader')}") is not None
        ]
        assert [row.cells[0].text for row in repeated] == [part.title, "Questions"]
        assert [cell.text for cell in repeated[1].cells] == document.body.columns
    section = word.sections[0]
    assert section.page_width > section.page_height  # landscape, as the PDF
    assert section.header.paragraphs[0].text == "GB.279/TC/2"
    lang = word.styles["Normal"].element.find(f".//{qn('w:lang')}")
    assert lang.get(qn("w:val")) == "fr-FR"


def test_a_question_spans_its_lines_as_in_the_pdf(gb279):
    document = plan_annex(gb279, as_of=AS_OF)
    question = next(q for p in document.body.parts for q in p.questions if len(q.lines) > 2)
    table = Document(io.BytesIO(annex_docx(document))).tables[0]

    rows = [row for row in table.rows if row.cells[0].text.startswith(question.code + " ")]

    # One merged cell down the lead row and every line row.
    assert len(rows) == len(question.lines) + 1
    assert len({row.cells[0]._tc for row in rows}) == 1


def test_the_gb341_annex_keeps_its_groups_and_output_paragraphs(reference_data):
    import_fixture("GB.341-POL-4.xlsx")
    plan = Plan.objects.get(symbol="GB.341/POL/4")
    document = plan_annex(plan)
    assert document.body.layout == GB341

    word = docx_paragraphs(annex_docx(document))

    assert word == source_paragraphs(document)
    groups = [g for p in document.body.parts for g in p.groups]
    assert len(Document(io.BytesIO(annex_docx(document))).tables) == len(groups)
    assert any(text.startswith("La mesure proposée") or "concernent" in text for text in word)


def test_render_annex_writes_the_word_file(gb279, tmp_path):
    output = tmp_path / "annex.docx"
    out = io.StringIO()
    call_command(
        "render_annex",
        "GB.279/TC/2",
        "--as-of",
        "2000-08-31",
        "--format",
        "docx",
        "-o",
        str(output),
        stdout=out,
    )
    assert "78 action lines" in out.getvalue()
    assert docx_paragraphs(output.read_bytes()) == source_paragraphs(
        plan_annex(gb279, as_of=AS_OF)
    )


def test_the_word_annex_is_downloaded_next_to_the_pdf(client, gb279, staff_user):
    client.force_login(staff_user)
    page = client.get(f"/plans/{gb279.pk}/?as_of=2000-08-31").content.decode()
    assert f'href="/plans/{gb279.pk}/annex.docx?as_of=2000-08-31"' in page

    response = client.get(f"/plans/{gb279.pk}/annex.docx?as_of=2000-08-31")

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="gb279-tc-2-annexe-2000-08-31.docx"' in response["Content-Disposition"]
    assert "Etat des travaux au 31 août 2000" in docx_paragraphs(response.content)
    assert client.get(f"/plans/{gb279.pk}/annex.docx?as_of=31.8.2000").status_code == 400


def test_libreoffice_opens_it_and_repeats_the_header_on_every_page(gb279, tmp_path):
    source = tmp_path / "annex.docx"
    source.write_bytes(annex_docx(plan_annex(gb279, as_of=AS_OF)))
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    pages = pdf_pages((tmp_path / "annex.pdf").read_bytes())
    assert len(pages) > 5
    for page in pages[1:]:
        assert "GB.279/TC/2" in page  # the running header
        assert re.search(r"Questions\s+Contexte et lignes d'action\s+Calendrier\s+Etat", page)
