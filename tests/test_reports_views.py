"""The PDF links users follow: access, parameters, the other documents, background renders."""

from django.core.management import call_command
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from outcomes.models import Framework
from reports import documents
from reports.annex import plan_annex
from reports.measures_report import measures_report
from reports.models import RenderJob
from reports.results import results_framework
from tests.factories import make_plan
from tests.pages import annex_url
from tests.pdfs import html_text, pdf_text


def test_signed_out_visitors_are_sent_to_sign_in(client, gb279):
    response = client.get(annex_url(gb279))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_annex_pdf_opens_in_the_browser_with_the_statuses_as_of_the_date_asked(signed_in, gb279):
    response = signed_in.get(annex_url(gb279, as_of="2000-08-31"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'inline; filename="gb279-tc-2-annexe-2000-08-31.pdf"'
    )
    text = pdf_text(response.content)
    assert "Etat des travaux au 31 août 2000" in text
    assert "Etat 1.1 au 31 août" in text


def test_unknown_plan_is_404_and_a_bad_date_or_layout_is_refused(signed_in, gb279):
    assert signed_in.get(reverse("reports:plan_annex_pdf", args=[9999])).status_code == 404
    response = signed_in.get(annex_url(gb279, as_of="31/08/2000"))
    assert response.status_code == 400
    assert b"as_of" in response.content
    assert signed_in.get(annex_url(gb279, layout="nope")).status_code == 400


def test_preview_is_the_same_document_as_html_in_the_plans_language(signed_in, gb279):
    response = signed_in.get(
        reverse("reports:plan_annex_preview", args=[gb279.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    text = html_text(response.content.decode())
    assert "Contexte et lignes d'action" in text
    assert "/static/reports/print.css" in text


def test_results_framework_prints_indicators_baseline_targets_and_milestones(
    signed_in, reference_data
):
    framework = Framework.objects.get(code="TC 2010-15")
    response = signed_in.get(reverse("reports:framework_pdf", args=[framework.pk]))
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Résultat 1: Les ressources extrabudgétaires de l’OIT" in text
    assert "Indicateurs Base de référence Cibles pour 2010-2015" in text
    assert "1.1. Pourcentage des déficits de ressources identifiés" in text
    assert "Etapes à franchir pendant les périodes biennales" in text
    assert "2010-11 2012-13 2014-15" in text
    # Each milestone with its assessment: nothing measured, the bienniums are long over.
    assert "1.1. 70 pour cent Aucune donnée 80 pour cent Aucune donnée 90 pour cent" in text


def test_measures_report_prints_the_filtered_lines_of_the_table(signed_in, gb279):
    other = make_plan(symbol="GB.999/TC/9", lines=1)
    other.parts.first().questions.first().lines.update(text="- ligne d'un autre plan")
    response = signed_in.get(
        reverse("reports:measures_pdf") + f"?plan={gb279.pk}&as_of=2000-08-31"
    )
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "ligne 1.1 " in text and "Etat 1.1 au 31 août" in text
    assert "ligne d'un autre plan" not in text
    assert signed_in.get(reverse("reports:measures_pdf") + "?as_of=nope").status_code == 400


def test_large_render_runs_in_the_background_and_offers_the_file_when_ready(
    signed_in, gb279, immediate_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.get(annex_url(gb279, as_of="2000-08-31"))
    job = RenderJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.status == RenderJob.Status.DONE and job.pages >= 2

    page = signed_in.get(job.get_absolute_url())
    assert "Download the PDF" in page.content.decode()
    pdf = signed_in.get(reverse("reports:job_file", args=[job.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert "Etat 1.1 au 31 août" in pdf_text(b"".join(pdf.streaming_content))
    assert "GB.279/TC/2" in signed_in.get(reverse("reports:jobs")).content.decode()


def test_a_waiting_render_polls_its_progress_and_is_not_queued_twice(
    signed_in, gb279, settings, monkeypatch
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    monkeypatch.setattr(documents, "BACKGROUND_LINES", 3)
    first = signed_in.get(annex_url(gb279))
    second = signed_in.get(annex_url(gb279))
    assert first["Location"] == second["Location"]
    assert RenderJob.objects.count() == 1
    page = signed_in.get(first["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' in page and "<progress" in page
    partial = signed_in.get(first["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert 'id="job-status"' in partial
    job = RenderJob.objects.get()
    RenderJob.objects.filter(pk=job.pk).update(status="layout", pages=7, expected_pages=20)
    page = signed_in.get(first["Location"]).content.decode()
    assert "page 7" in page and '<progress max="20" value="7">' in page
    # Writing the file has no pages to count: the bar runs rather than sit full.
    RenderJob.objects.filter(pk=job.pk).update(status="writing", pages=20)
    page = signed_in.get(first["Location"]).content.decode()
    assert "Writing the PDF" in page and '<progress max="20">' in page


def test_renders_belong_to_who_asked_for_them(client, gb279, staff_user, other_staff_user):
    job = RenderJob.objects.create(
        requested_by=staff_user,
        kind=RenderJob.Kind.ANNEX,
        object_id=gb279.pk,
        title="Annexe",
        status=RenderJob.Status.DONE,
    )
    client.login(username="bob", password="bob-pass-2026")
    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.get(reverse("reports:job_file", args=[job.pk])).status_code == 404


def test_render_annex_command_writes_the_pdf(gb279, tmp_path, capsys):
    out = tmp_path / "annex.pdf"
    call_command(
        "render_annex", "GB.279/TC/2", "--as-of", "2000-08-31", "--layout", "gb341", "-o", out
    )
    assert "layout gb341" in capsys.readouterr().out
    text = pdf_text(out.read_bytes())
    assert "Mesure proposée" in text and "Etat au 31 août 2000" in text


def count_queries(build):
    with CaptureQueriesContext(connection) as queries:
        build()
    return len(queries)


def test_report_queries_do_not_grow_with_the_number_of_lines(
    db, staff_user, reference_data, django_assert_num_queries
):
    framework = Framework.objects.get(code="TC 2010-15")
    # outcomes, outputs, indicators, milestones, measurements
    with django_assert_num_queries(5):
        results_framework(framework)
    small, large = make_plan(lines=1), make_plan(questions=5, lines=8)

    def report(plan):
        return lambda: measures_report(QueryDict(f"plan={plan.pk}"), staff_user, "fr")

    assert count_queries(report(small)) == count_queries(report(large))
    # GB.341 layout: the annex's queries (its default date: the latest published round, the
    # latest report; the outline's questions, lines, statuses, parts and units) and the
    # outputs of its measures, however many lines.
    with django_assert_num_queries(8):
        plan_annex(large, layout="gb341")
