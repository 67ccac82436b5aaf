"""The results framework document (PDF and HTML) and the indicators export, as of a date."""

import csv
import io
import json

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse

from outcomes.models import Framework, Indicator
from reports.results import results_framework
from tests.pdfs import pdf_text
from tests.results_factories import day, make_framework, measure

FRAMEWORKS = settings.BASE_DIR / "fixtures" / "frameworks"


@pytest.fixture
def manager_client(client, manager_user):
    client.force_login(manager_user)
    return client


def fixture_outputs(name):
    data = json.loads((FRAMEWORKS / name).read_text(encoding="utf-8"))
    return [(out["code"], out["title"]) for o in data["outcomes"] for out in o["outputs"]]


def test_pb_2024_25_prints_all_44_outputs(manager_client, reference_data):
    framework = Framework.objects.get(code="P&B 2024-25")
    response = manager_client.get(reverse("reports:framework_pdf", args=[framework.pk]))
    text = pdf_text(response.content)
    outputs = fixture_outputs("pb-2024-25.json")
    assert len(outputs) == 44
    for code, title in outputs:
        assert f"Produit {code}: {title[:60]}" in text, code


def test_tc_strategy_prints_its_21_milestones_with_their_assessment(
    manager_client, reference_data
):
    framework = Framework.objects.get(code="TC 2010-15")
    indicator = Indicator.objects.get(outcome__framework=framework, code="1.1")
    measure(indicator, "2010-11", 72, as_of=day("2012-03-01"), source="Rapport 2010-11")
    url = reverse("reports:framework_pdf", args=[framework.pk])
    text = pdf_text(manager_client.get(url, {"as_of": "2012-06-30"}).content)
    assert "Résultats au 30 juin 2012" in text
    assert "1.1. 70 pour cent Atteint 80 pour cent Pas encore échu 90 pour cent" in text
    assert "72 (2010-11)" in text  # the latest actual of 1.1
    cells = [
        cell
        for outcome in results_framework(framework, day("2012-06-30")).body.outcomes
        for row in outcome.milestones
        for cell in row.cells
    ]
    assert len(cells) == 21
    assert sorted({c.assessment for c in cells}) == ["Atteint", "Aucune donnée", "Pas encore échu"]
    # Before the measurement was known, 2010-11 had no data.
    earlier = manager_client.get(url, {"as_of": "2012-02-01"}).content
    assert "1.1. 70 pour cent Aucune donnée 80 pour cent" in pdf_text(earlier)


def test_preview_is_the_same_document_and_refuses_a_bad_date(manager_client, reference_data):
    framework = Framework.objects.get(code="TC 2010-15")
    url = reverse("reports:framework_preview", args=[framework.pk])
    page = manager_client.get(url, {"as_of": "2012-06-30"}).content.decode()
    assert "Etapes à franchir pendant les périodes biennales" in page
    assert manager_client.get(url, {"as_of": "30/06/2012"}).status_code == 400


@pytest.mark.parametrize("count", [10, 500])
def test_results_document_queries_do_not_grow(db, count, django_assert_num_queries):
    framework = make_framework(outcomes=2, outputs=3, indicators=count // 2, bulk=True)
    for indicator in Indicator.objects.all()[:5]:
        measure(indicator, "2010-11", 75, as_of=day("2012-01-10"))
    # outcomes, outputs, indicators, milestones, measurements
    with django_assert_num_queries(5):
        document = results_framework(framework, day("2013-01-01"))
    assert sum(len(o.indicators) for o in document.body.outcomes) == count


def export_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_indicators_export_with_latest_actuals_as_of_a_date(manager_client, db):
    framework = make_framework(indicators=2, text='=HYPERLINK("x")')
    first = Indicator.objects.get(code="1.1")
    measure(first, "2010-11", 72, as_of=day("2012-03-01"), source="IRIS")
    measure(first, "2012-13", 79, as_of=day("2014-03-01"), source="IRIS")
    url = reverse("reports:framework_indicators_csv", args=[framework.pk])
    header, *rows = export_rows(manager_client.get(url, {"as_of": "2013-01-01"}))
    assert len(rows) == 2
    row = dict(zip(header, rows[0], strict=True))
    assert row["Indicator"] == "1.1"
    assert row["Text"].startswith("'=")  # a formula is never one in the spreadsheet
    assert (row["Latest actual"], row["Period measured"], row["As of"]) == (
        "72.00",
        "2010-11",
        "2012-03-01",
    )
    assert row["Milestone 2010-11"] == "70.00" and row["Assessment 2010-11"] == "Met"
    assert row["Assessment 2012-13"] == "Not yet due"
    later = dict(zip(header, export_rows(manager_client.get(url))[1], strict=True))
    assert later["Latest actual"] == "79.00" and later["Assessment 2012-13"] == "Partly met"

    xlsx = manager_client.get(
        reverse("reports:framework_indicators_xlsx", args=[framework.pk]), {"as_of": "2013-01-01"}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:4] == ("Framework", "Outcome", "Output", "Indicator")
    assert values[1][13] == 72 and values[1][4] == '=HYPERLINK("x")'
    assert sheet.cell(2, 5).data_type == "s"


def test_a_large_framework_is_printed_in_the_background(manager_client, db, monkeypatch):
    """500 indicators take over a minute to lay out here: such a PDF goes to the task worker."""
    from reports import documents
    from reports.models import RenderJob

    monkeypatch.setattr(documents, "BACKGROUND_LINES", 10)
    small, large = make_framework(indicators=5), make_framework(indicators=6)
    url = reverse("reports:framework_pdf", args=[small.pk])
    assert manager_client.get(url).headers["Content-Type"] == "application/pdf"
    response = manager_client.get(reverse("reports:framework_pdf", args=[large.pk]))
    job = RenderJob.objects.get()
    assert response.url == reverse("reports:job", args=[job.pk])
    assert job.params["as_of"]
