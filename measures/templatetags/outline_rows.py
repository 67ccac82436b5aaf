"""The line rows of the plan page and My measures, from `measures.outline` lines.

Written here rather than in the templates: a page shows a few hundred rows, and the template
engine's cost per tag and variable (15–50 µs) made the rows most of the page's time. For the
same reason the values are escaped by `html.escape` itself, which Django's `escape` and
`format_html` call behind checks for lazy strings that cost more than the escaping: every
value but the plan's texts (escaped by `plan_text`) goes through `_escape`.
"""

import html

from django import template
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext

from .plan_text import plan_text

register = template.Library()


def _escape(value):
    return html.escape(str(value))


@register.simple_tag
def status_badge(status):
    """A status's badge and date."""
    return mark_safe(_badge(status))  # noqa: S308 - escaped by _badge


@register.simple_tag
def lines_table(lines, lang):
    """A question's table on the plan page: line, units, deadline, and status with the line's
    own text."""
    lang = _escape(lang)
    no_status = _no_status()
    heads = "".join(
        f'<th scope="col">{_escape(head)}</th>'
        for head in [
            gettext("Action line"),
            gettext("Units"),
            gettext("Deadline"),
            gettext("Status"),
        ]
    )
    rows = "\n".join(
        f'<tr><td><a href="{_escape(line.url)}" lang="{lang}">{plan_text(line.text)}</a>'
        f"</td><td>{_escape(line.unit_codes)}</td><td>{_deadline(line, lang)}</td>"
        f"<td>{_status(line.status, narrative=True) or no_status}</td></tr>"
        for line in lines
    )
    return mark_safe(  # noqa: S308 - every value is escaped
        f'<table class="lines">\n<thead><tr>{heads}</tr></thead>\n<tbody>\n{rows}\n</tbody>\n'
        "</table>"
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
            f"{plan_text(Truncator(line.text).words(30))}</a></td>"
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
        return f'{_badge(status)}<div class="narrative">{plan_text(status.narrative)}</div>'
    return _badge(status)
