"""The edge where a document's view model becomes HTML, then a PDF (WeasyPrint)."""

import logging
import re
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils.translation import gettext, ngettext, override

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


def over_budget_message():
    pages, minutes = settings.PDF_MAX_PAGES, max(1, settings.PDF_MAX_SECONDS // 60)
    return gettext(
        "This document is too large to print: a PDF may have at most %(pages)s pages and take "
        "at most %(minutes)s to lay out. Print fewer lines (a part, a filter) and ask again."
    ) % {
        "pages": pages,
        "minutes": ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes},
    }


class PdfTooLarge(Exception):
    """A document over the page or time budget (PDF_MAX_PAGES, PDF_MAX_SECONDS)."""

    def __init__(self):
        super().__init__(over_budget_message())


# Pango lays out an unbroken word in time that grows with the square of its length once CSS lets
# it wrap (`overflow-wrap: anywhere`, print.css): 20,000 characters took a minute. A zero-width
# space every few characters of a long word gives it break opportunities at no such cost.
_LONG_WORD = re.compile(r"[^\s<>&;]{30,}")  # never inside a tag or an entity
_TEXT = re.compile(r">([^<]+)<")
_ZWSP = "\u200b"


def _breakable(html):
    def split(word):
        return _ZWSP.join(word[i : i + 10] for i in range(0, len(word), 10))

    return _TEXT.sub(lambda m: f">{_LONG_WORD.sub(lambda w: split(w[0]), m[1])}<", html)


# The documents are laid out as if served from here: the only place they may load from.
BASE_URL = f"https://ilo-tracker.invalid/{settings.STATIC_URL.strip('/')}/"


def _fetcher():
    """A URL fetcher that serves the app's own static files and data: URIs, nothing else.

    No path from user text to markup is known; this keeps any that appears from fetching a
    URL on the network or a file of the server (`file:///etc/…`) into a PDF.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith(BASE_URL):
                try:
                    path = finders.find(url.removeprefix(BASE_URL).split("?")[0])
                except SuspiciousFileOperation:
                    path = None
                if path:
                    return URLFetcherResponse(url, Path(path).read_bytes())
            raise ValueError(f"Not one of the app's static files: {url}")

    return StaticFilesOnly(allowed_protocols=["data", "https"])


# WeasyPrint is imported where it is used: it is slow to import and only renders need it.


@cache
def _stylesheet():
    from weasyprint import CSS

    return CSS(filename=finders.find(PRINT_CSS), base_url=BASE_URL, url_fetcher=_fetcher())


class _PageHandler(logging.Handler):
    """Follows the layout page by page: reports progress and stops a render over budget."""

    def __init__(self, on_page):
        super().__init__()
        self.on_page = on_page
        self.thread = threading.get_ident()
        self.deadline = time.monotonic() + settings.PDF_MAX_SECONDS

    def emit(self, record):
        # "Step 5 - Creating layout - Page %d", from this render's thread only. Raised here,
        # the exception leaves WeasyPrint's layout loop.
        if record.thread == self.thread and "Page" in record.msg and record.args:
            number = record.args[0]
            if number > settings.PDF_MAX_PAGES or time.monotonic() > self.deadline:
                raise PdfTooLarge
            self.on_page(number)


@contextmanager
def _pages_reported_to(on_page):
    handler = _PageHandler(on_page)
    PROGRESS_LOGGER.addHandler(handler)
    try:
        yield
    finally:
        PROGRESS_LOGGER.removeHandler(handler)


def write_pdf(document, on_stage=None, on_page=None):
    """The document as a tagged PDF (PDF/UA-1) with its fonts embedded.

    `on_stage(stage)` is told when layout starts and when writing starts, the two slow steps;
    `on_page(number)` as each page is laid out. Raises PdfTooLarge past the page or time budget.
    """
    from weasyprint import HTML

    on_stage = on_stage or (lambda stage: None)
    html = _breakable(render_html(document, for_print=True))
    on_stage("layout")
    with _pages_reported_to(on_page or (lambda number: None)):
        rendered = HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher()).render(
            stylesheets=[_stylesheet()], pdf_variant="pdf/ua-1"
        )
    on_stage("writing")
    return rendered.write_pdf(pdf_variant="pdf/ua-1")
