"""PDF rendering stays bounded and local: a page and time budget, wrapping of endless words,
and a URL fetcher that serves the app's static files and nothing else."""

import http.server
import io
import threading

import pytest
from django.urls import reverse
from pypdf import PdfReader

from measures.models import ActionLine, StatusUpdate
from reports.models import RenderJob
from reports.pdf import BASE_URL, Document, _fetcher, write_pdf
from tests.factories import AUG_31, make_update
from tests.pages import annex_url


@pytest.fixture
def web_server():
    """A web server on loopback that records what it is asked for."""
    asked = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", asked
    server.shutdown()


def test_a_template_cannot_fetch_from_the_network_or_attach_a_server_file(
    settings, tmp_path, web_server
):
    origin, asked = web_server
    (tmp_path / "hostile.html").write_text(
        "<!doctype html><html><head>"
        f'<link rel="stylesheet" href="{origin}/style.css"></head><body>'
        f'<p>Texte <img src="{origin}/logo.png" alt="logo"></p>'
        '<p><a rel="attachment" href="file:///etc/hostname">hostname</a></p>'
        '<link rel="attachment" href="file:///etc/passwd">'
        "</body></html>"
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    document = Document("hostile.html", "Essai", "GB.1/X/1", "fr", "essai.pdf", body=None)

    pdf = PdfReader(io.BytesIO(write_pdf(document)))

    assert asked == []
    assert pdf.attachments == {}
    assert "Texte" in pdf.pages[0].extract_text()


def test_the_fetcher_serves_static_files_and_data_uris_only():
    fetcher = _fetcher()
    css = fetcher.fetch(BASE_URL + "reports/print.css").read()
    assert b"overflow-wrap: anywhere" in css
    assert fetcher.fetch("data:text/plain,ok").read() == b"ok"
    for refused in [
        BASE_URL + "../../ilo_tracker/settings.py",
        BASE_URL + "nothing/here.css",
        "file:///etc/hostname",
        "http://127.0.0.1:1/x.png",
        "https://ilo-tracker.invalid/media/reports/x.pdf",
    ]:
        with pytest.raises(ValueError, match="Not one of the app's static files"):
            fetcher.fetch(refused)


def test_one_endless_word_wraps_instead_of_running_off_the_page(signed_in, gb279):  # noqa: F811
    """An unbroken 20,000-character narrative (the most a status may have) wraps in its
    column: a few pages, not minutes of layout over one line that never fits."""
    line = ActionLine.objects.filter(question__part__plan=gb279).first()
    StatusUpdate.objects.filter(action_line=line).delete()
    make_update(line, AUG_31, narrative="x" * 20_000)
    response = signed_in.get(annex_url(gb279, as_of=AUG_31.isoformat()))
    assert response.status_code == 200
    pages = PdfReader(io.BytesIO(response.content)).pages
    assert len(pages) < 20
    assert "".join(p.extract_text() for p in pages).count("x") >= 20_000  # all printed


def test_a_pdf_over_the_page_budget_is_refused_with_a_message(signed_in, gb279, settings):  # noqa: F811
    settings.PDF_MAX_PAGES = 1
    response = signed_in.get(annex_url(gb279))
    assert response.status_code == 413
    assert "This document is too large to print: a PDF may have at most 1 pages" in (
        response.content.decode()
    )


def test_a_background_render_over_budget_fails_with_the_message_on_its_page(
    signed_in,  # noqa: F811
    gb279,  # noqa: F811
    immediate_tasks,  # noqa: F811
    settings,
    django_capture_on_commit_callbacks,
):
    settings.PDF_MAX_SECONDS = 0
    with django_capture_on_commit_callbacks(execute=True):
        job_url = signed_in.get(annex_url(gb279, as_of="2000-08-31"))["Location"]
    job = RenderJob.objects.get()
    assert (job.status, job.failure) == (RenderJob.Status.FAILED, RenderJob.Failure.TOO_LARGE)
    page = signed_in.get(job_url).content.decode()
    assert "take at most 1 minute to lay out" in page
    assert f'href="{reverse("reports:plan_annex_pdf", args=[gb279.pk])}?as_of=2000-08-31"' in page
