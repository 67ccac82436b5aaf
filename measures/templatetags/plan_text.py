"""Show a plan's text: everything escaped but the superscripts it keeps ("87<sup>e</sup>")."""

import re

import nh3
from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()

_ESCAPED_SUP = re.compile(r"&lt;(/?)sup&gt;")


@register.filter
def plan_text(text):
    """`text` escaped, its <sup> and </sup> kept as tags (balanced by nh3)."""
    kept = _ESCAPED_SUP.sub(r"<\1sup>", escape(text or ""))
    return mark_safe(nh3.clean(kept, tags={"sup"}, attributes={}))  # noqa: S308
