"""The edge where a document's view model becomes HTML, then a PDF (WeasyPrint)."""

import logging
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.translation import override

PRINT_CSS = "reports/print.css"
# WeasyPrint logs a line per page laid out: too chatty for the console, but it is the progress
# a render job reports (see `_pages_reported_to`).
PROGRESS_LOGGER = logging.getLogger("weasyprint.progress")
PROGRESS_LOGGER.propagate = False
PROGRESS_LOGGER.setLevel(logging.INFO)


@dataclass
class Document:
    """What every report needs to be printed: its view model and how to name it."""

    template: str
    title: str
    symbol: str  # printed in the running header, as GB papers do
    language: str
    filename: str
    body: object

    def context(self, **extra):
        return {"doc": self, "body": self.body, **extra}


def render_html(document, *, request=None, for_print=False):
    with override(document.language):
        return render_to_string(
            document.template, document.context(for_print=for_print), request=request
        )


# WeasyPrint is imported where it is used: it is slow to import and only renders need it.


@cache
def _stylesheet():
    from weasyprint import CSS

    return CSS(filename=finders.find(PRINT_CSS))


class _PageHandler(logging.Handler):
    def __init__(self, on_page):
        super().__init__()
        self.on_page = on_page
        self.thread = threading.get_ident()

    def emit(self, record):
        # "Step 5 - Creating layout - Page %d", from this render's thread only.
        if record.thread == self.thread and "Page" in record.msg and record.args:
            self.on_page(record.args[0])


@contextmanager
def _pages_reported_to(on_page):
    if on_page is None:
        yield
        return
    handler = _PageHandler(on_page)
    PROGRESS_LOGGER.addHandler(handler)
    try:
        yield
    finally:
        PROGRESS_LOGGER.removeHandler(handler)


def write_pdf(document, on_stage=None, on_page=None):
    """The document as a tagged PDF (PDF/UA-1) with its fonts embedded.

    `on_stage(stage)` is told when layout starts and when writing starts, the two slow steps;
    `on_page(number)` as each page is laid out.
    """
    from weasyprint import HTML

    on_stage = on_stage or (lambda stage: None)
    html = render_html(document, for_print=True)
    on_stage("layout")
    with _pages_reported_to(on_page):
        rendered = HTML(string=html).render(stylesheets=[_stylesheet()], pdf_variant="pdf/ua-1")
    on_stage("writing")
    return rendered.write_pdf(pdf_variant="pdf/ua-1")
