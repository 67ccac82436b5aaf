from django import template
from django.utils.html import format_html_join

from measures.templatetags.plan_text import plan_text

register = template.Library()


@register.filter
def paragraphs(text):
    """Plain text as stored (one paragraph a line) as escaped HTML paragraphs, superscripts
    kept."""
    return format_html_join(
        "", "<p>{}</p>", ((plan_text(line),) for line in (text or "").splitlines() if line.strip())
    )
