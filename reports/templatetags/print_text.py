from django import template
from django.utils.html import format_html_join

register = template.Library()


@register.filter
def paragraphs(text):
    """Plain text as stored (one paragraph a line) as escaped HTML paragraphs."""
    return format_html_join(
        "", "<p>{}</p>", ((line,) for line in (text or "").splitlines() if line.strip())
    )
