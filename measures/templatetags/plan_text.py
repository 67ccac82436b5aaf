"""Show a plan's text: everything escaped but the superscripts it keeps ("87<sup>e</sup>")."""

import html
import re

import nh3
from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()

_ESCAPED_SUP = re.compile(r"&lt;(/?)sup&gt;")
# Characters nh3 would rewrite in plain text (besides & < >, which `html.escape` does too).
_REWRITTEN = re.compile("[<\r\x00\xa0]")


@register.filter
def plan_text(text):
    """`text` escaped, its <sup> and </sup> kept as tags (balanced by nh3)."""
    text = text or ""
    if not _REWRITTEN.search(text):
        # No tag to keep: the same as nh3's output, at a fraction of its cost (list pages
        # show hundreds of lines).
        return mark_safe(html.escape(text, quote=False))  # noqa: S308
    kept = _ESCAPED_SUP.sub(r"<\1sup>", escape(text))
    return mark_safe(nh3.clean(kept, tags={"sup"}, attributes={}))  # noqa: S308
