"""Reading PDFs and HTML the way a reader sees them, for the report tests."""

import html
import re
import subprocess


def pdf_pages(content, mode="-layout"):
    """The text of each page: `-layout` as printed (a header is one line), `-raw` in content
    order (each cell's paragraph in one piece, even when it wraps)."""
    text = subprocess.run(
        ["pdftotext", mode, "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    return text.split("\f")[:-1]


def html_text(markup):
    """HTML with entities decoded ("l'examen", not "l&#x27;examen"), whitespace squeezed."""
    return html.unescape(squeeze(markup))


def normalise(text):
    """Whitespace squeezed, none after a hyphen nor before a stop: where the PDF wraps a line
    ("sous-|régionales", "CSLP|. Il") is not what the text says."""
    return re.sub(r"\s+(?=[.,;:])", "", re.sub(r"-\s+", "-", squeeze(text)))


def pdf_text(content):
    """The whole text in content order, normalised."""
    return normalise(" ".join(pdf_pages(content, "-raw")))


def squeeze(text):
    return re.sub(r"\s+", " ", text).strip()
