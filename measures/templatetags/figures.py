from decimal import Decimal

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def figure(value):
    """A number as people write it, in the active language: "165,6", "114", not "165,60",
    "114,00" nor "1,1E+2"."""
    if value is None or value == "":
        return ""
    value = Decimal(value)
    value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return formats.number_format(value, use_l10n=True)
