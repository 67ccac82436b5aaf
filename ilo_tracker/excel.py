"""How Excel shows a number, from its cell's format: the plan and framework importers read
cells as people see them (a date shown as a month is the month, 0.45 shown as 45 % is 45)."""

import re
from decimal import ROUND_HALF_UP, Decimal

from openpyxl.styles.numbers import is_date_format

DAY, MONTH, YEAR, MOMENT, PERCENT = "day", "month", "year", "moment", "percent"

# Elapsed times ("[h]:mm"), then what says nothing of the number: quoted text, escaped
# characters, [colours and locales].
_ELAPSED = re.compile(r"\[(?:h+|m+|s+)\]")
_SAYS_NOTHING = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
_DECIMALS = re.compile(r"\.([0#?]*)")


def shown_as(code):
    """DAY, MONTH, YEAR or MOMENT (a date with its time) for a date format, PERCENT, or None."""
    plain = _SAYS_NOTHING.sub("", _ELAPSED.sub("h", code.lower()))
    if is_date_format(code):
        if "h" in plain or "s" in plain:
            return MOMENT
        if "d" in plain:
            return DAY
        return MONTH if "m" in plain else YEAR
    return PERCENT if "%" in plain else None


def percent_shown(value, code):
    """`value` as a percentage format `code` shows it: 1/3 as "33%" under "0%"."""
    plain = _SAYS_NOTHING.sub("", code).split("%")[0]
    decimals = _DECIMALS.search(plain)
    places = Decimal(1).scaleb(-len(decimals[1]) if decimals else 0)
    return f"{(Decimal(str(value)) * 100).quantize(places, ROUND_HALF_UP):f}%"
