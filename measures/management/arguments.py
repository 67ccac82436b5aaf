"""Command-line arguments read as the forms read them: a bad one is a usage message."""

import argparse
import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from measures.forms import validate_report_date


def report_date(value):
    """An argparse type: a YYYY-MM-DD date between 1919 and 2100, as every form takes."""
    try:
        date = datetime.date.fromisoformat(value)
        validate_report_date(date)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": value}
        ) from None
    except ValidationError as error:
        raise argparse.ArgumentTypeError(" ".join(error.messages)) from None
    return date
