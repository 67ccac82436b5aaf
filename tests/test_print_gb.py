"""Print that a GB editor accepts: the measures report, the annex's date heading and default
date, and pages filled the way the seed papers fill them."""

import datetime
import io
import os
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.http import QueryDict
from django.utils import timezone
from pypdf import PdfReader

from measures.models import Plan, ReportingRound
from reports.annex import plan_annex
from reports.measures_report import measures_report
from reports.pdf import write_pdf
from reports.wording import Wording
from tests.pdfs import normalise, pdf_pages, squeeze
from tests.plan_workbooks import import_fixture

# Layout of what is printed: read by the same queries as the annex tests run on both databases.
pytestmark = pytest.mark.one_database

AUG_31 = datetime.date(2000, 8, 31)


@pytest.fixture
def gb279(db, imported_gb279):
    return Plan.objects.get(pk=imported_gb279)


def test_measures_report_of_the_35_overdue_lines_fits_in_8_pages(gb279, manager_user):
    query = QueryDict(f"plan={gb279.pk}&as_of=2000-08-31&overdue=1")
    document = measures_report(query, manager_user, "fr")
    assert len(document.body.rows) == 35
    content = write_pdf(document)
    assert len(PdfReader(io.BytesIO(content)).pages) <= 8
    pages = [squeeze(page) for page in pdf_pages(content)]
    for number, page in enumerate(pages, start=1):  # the header on every page
        assert "Ligne d'action" in page and "État au 31 août 2000" in page, number
    text = normalise(" ".join(pdf_pages(content, "-raw")))
    # Question 2 c) reported for the whole question: its text once, not on each of its lines.
    narrative = "Les stratégies du programme focal de promotion de l'emploi"
    assert text.count(narrative) == 1
    heading = normalise("GB.279/TC/2, question 2 c) : état de l'ensemble de la question")
    assert text.count(heading) == 1


def test_measures_report_status_column_is_the_widest(gb279, manager_user):
    document = measures_report(QueryDict(f"plan={gb279.pk}"), manager_user, "fr")
    with open(finders.find("reports/print.css"), encoding="utf-8") as stylesheet:
        css = stylesheet.read()
    widths = {}
    rule = r"^((?:\.measures \.col-\w+,? ?)+) \{ width: ([\d.]+)%"
    for names, width in re.findall(rule, css, re.M):
        widths |= {name: float(width) for name in re.findall(r"col-(\w+)", names)}
    assert set(widths) == {name for name, _title in document.body.columns}
    assert max(widths, key=widths.get) == "status"
    assert sum(widths.values()) <= 100


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("fr", "Etat des travaux au 1er décembre 2026"),
        ("en", "Status of work as of 1 December 2026"),
        ("es", "Estado de los trabajos al 1 de diciembre de 2026"),
    ],
)
def test_date_heading_writes_the_first_of_the_month_as_each_language_does(language, heading):
    words = Wording(language)
    assert words.phrase("status_of_work", date=words.date(datetime.date(2026, 12, 1))) == heading
    assert words.date(datetime.date(2026, 12, 2)).startswith("2 ")


def test_annex_as_of_defaults_to_the_latest_published_round(client, staff_user, gb279):
    client.force_login(staff_user)
    url = f"/plans/{gb279.pk}/annex.html"
    # No round published yet: the plan's latest report, never today.
    assert "Etat des travaux au 31 août 2000" in client.get(url).content.decode()
    published = timezone.now()
    ReportingRound.objects.create(plan=gb279, as_of=datetime.date(2000, 6, 30))
    ReportingRound.objects.create(
        plan=gb279, as_of=datetime.date(2000, 7, 1), published_at=published,
        published_by=staff_user,
    )  # fmt: skip
    ReportingRound.objects.create(
        plan=gb279, as_of=datetime.date(2000, 5, 31), published_at=published,
        published_by=staff_user,
    )  # fmt: skip
    page = client.get(url).content.decode()
    assert "Etat des travaux au 1er juillet 2000" in page
    # The same default wherever the annex is made: the Word file, the command line.
    assert plan_annex(gb279).body.as_of == datetime.date(2000, 7, 1)
    out = io.StringIO()
    call_command("render_annex", str(gb279.pk), "--format", "docx", "-o", os.devnull, stdout=out)
    assert "as of 2000-07-01" in out.getvalue()
    assert (
        "Etat des travaux au 31 août 2000"
        in client.get(url + "?as_of=2000-08-31").content.decode()
    )


def test_gb279_page_1_goes_on_into_question_1_b(gb279):
    first = squeeze(pdf_pages(write_pdf(plan_annex(gb279, as_of=AUG_31)), "-raw")[0])
    assert "1 b) Mettre au point un cadre commun" in first


def test_gb341_first_outputs_paragraph_starts_on_page_1(reference_data):
    import_fixture("GB.341-POL-4.xlsx")
    document = plan_annex(Plan.objects.get(symbol="GB.341/POL/4"))
    first = squeeze(pdf_pages(write_pdf(document), "-raw")[0])
    assert "Les mesures proposées 1.1, 1.2 et 1.3 concernent en particulier" in first
