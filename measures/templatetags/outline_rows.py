"""The plan page's parts and questions and My measures' rows, from `measures.outline`.

Written here rather than in the templates: a page shows a few hundred rows and dozens of
questions, and the template engine's cost per tag and variable (15–50 µs) made them most of
the page's time. For the same reason the values are escaped by `html.escape` itself, which
Django's `escape` and `format_html` call behind checks for lazy strings that cost more than the
escaping: every value but the plan's texts (escaped by `plan_html`) goes through `_escape`.
"""

import functools
import html

from django import template
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext

from .plan_text import plan_html

register = template.Library()


# Units, deadlines, marks and badges repeat from row to row: each is escaped once.
@functools.lru_cache(maxsize=4096)
def _escape(value):
    return html.escape(str(value))


@register.simple_tag
def plan_sections(outline, lang):
    """The plan page's parts: each question's heading, timeline, whole-question status and
    table of lines."""
    lang = _escape(lang)
    words = _Words()
    return mark_safe(  # noqa: S308 - every value is escaped
        "\n".join(
            f'<section class="part" aria-labelledby="part-{part.part.pk}">\n'
            f'<h2 id="part-{part.part.pk}" lang="{lang}">{_escape(part.part.title)}</h2>\n'
            + "\n".join(_question(node, lang, words) for node in part.questions)
            + "\n</section>"
            for part in outline.parts
            if part.questions
        )
    )


class _Words:
    """The words of the plan page's questions and tables, translated once a page."""

    def __init__(self):
        self.timeline = _escape(gettext("Timeline (whole question):"))
        self.question_status = _escape(gettext("Status of the whole question:"))
        self.heads = "".join(
            f'<th scope="col">{_escape(head)}</th>'
            for head in [
                gettext("Action line"),
                gettext("Units"),
                gettext("Deadline"),
                gettext("Status"),
            ]
        )
        self.no_status = _no_status()


def _question(node, lang, words):
    """A question: a heading question shows its own article only with lines or a status."""
    question = node.question
    title = f"{_escape(question.code)} {plan_html(question.title)}"
    heading = (
        f'<h3 class="heading-question" lang="{lang}">{title}</h3>\n' if question.is_heading else ""
    )
    if question.is_heading and not (node.lines or node.status):
        return heading
    parts = [] if question.is_heading else [f'<h3 lang="{lang}">{title}</h3>']
    if question.timeline:
        parts.append(
            f'<p><span class="label">{words.timeline}</span>'
            f' <span lang="{lang}">{_escape(question.timeline)}</span></p>'
        )
    if node.status:
        narrative = node.status.narrative
        parts.append(
            '<div class="question-status"><span class="label">'
            f"{words.question_status}</span> {_badge(node.status)}"
            + (f'<div class="narrative">{plan_html(narrative)}</div>' if narrative else "")
            + "</div>"
        )
    if node.lines:
        parts.append(_lines_table(node.lines, lang, words))
    sub = " sub-question" if question.heading_id else ""
    return (
        f'{heading}<article class="question{sub}" aria-label="{_escape(question.code)}">\n'
        + "\n".join(parts)
        + "\n</article>"
    )


def _lines_table(lines, lang, words):
    """A question's table: line, units, deadline, and status with the line's own text."""
    rows = "\n".join(
        f'<tr><td><a href="{_escape(line.url)}" lang="{lang}">{plan_html(line.text)}</a>'
        f"</td><td>{_escape(line.unit_codes)}</td><td>{_deadline(line, lang)}</td>"
        f"<td>{_status(line.status, narrative=True) or words.no_status}</td></tr>"
        for line in lines
    )
    return (
        f'<table class="lines">\n<thead><tr>{words.heads}</tr></thead>\n<tbody>\n{rows}\n'
        "</tbody>\n</table>"
    )


@register.simple_tag
def my_rows(lines, lang):
    """My measures' rows: question, line (shortened), deadline, status."""
    lang = _escape(lang)
    no_status = _no_status()
    return mark_safe(  # noqa: S308 - every value is escaped
        "\n".join(
            f'<tr><td lang="{lang}">{_escape(line.question.question.code)}</td>'
            f'<td><a href="{_escape(line.url)}" lang="{lang}">'
            f"{plan_html(Truncator(line.text).words(30))}</a></td>"
            f"<td>{_deadline(line, lang)}</td>"
            f"<td>{_status(line.status, narrative=False) or no_status}</td></tr>"
            for line in lines
        )
    )


def _no_status():
    return f'<span class="badge status-none">{_escape(gettext("No status yet"))}</span>'


def _badge(status):
    return (
        f'<span class="badge {_escape(status.badge.css)}">{_escape(status.badge.label)}</span>'
        f' <span class="muted">{_escape(status.dated)}</span>'
    )


def _deadline(line, lang):
    """The timeline as written, the deadline read from it, and the overdue or due-soon mark."""
    timeline = f'<span lang="{lang}">{_escape(line.timeline)}</span><br>' if line.timeline else ""
    mark = (
        f' <span class="badge {_escape(line.mark.css)}">{_escape(line.mark.label)}</span>'
        if line.mark
        else ""
    )
    return f'{timeline}<span class="muted">{_escape(line.deadline)}</span>{mark}'


def _status(status, narrative):
    """The badge; with `narrative`, the text of an update about the line itself."""
    if not status:
        return ""
    if narrative and status.narrative and not status.about_question:
        return f'{_badge(status)}<div class="narrative">{plan_html(status.narrative)}</div>'
    return _badge(status)
