"""Show a plan's text: everything escaped but the superscripts it keeps ("87<sup>e</sup>")."""

import html
import re

import nh3
from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()

# A superscript is a pair of tags on one line; a tag alone stays text, as the Word annex shows it
# (reports/docx.py), and does not raise the rest of the text.
_ESCAPED_SUP = re.compile(r"&lt;sup&gt;(.*?)&lt;/sup&gt;")
# Characters nh3 would rewrite in plain text (besides & < >, which `html.escape` does too).
_REWRITTEN = re.compile("[<\r\x00\xa0]")


@register.filter
def plan_text(text):
    """`text` escaped, its <sup>…</sup> pairs kept as tags."""
    return mark_safe(plan_html(text))  # noqa: S308 - escaped by plan_html


def plan_html(text):
    """`plan_text` as a plain string, for tags that write many at once and mark the whole
    safe (mark_safe costs more than the escaping for short texts)."""
    text = text or ""
    if not _REWRITTEN.search(text):
        # No tag to keep: the same as nh3's output, at a fraction of its cost (list pages
        # show hundreds of lines).
        return html.escape(text, quote=False)
    kept = _ESCAPED_SUP.sub(r"<sup>\1</sup>", escape(text))
    return nh3.clean(kept, tags={"sup"}, attributes={})
