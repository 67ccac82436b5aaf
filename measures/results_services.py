"""Recording an indicator's measurement under concurrent use, by the status form's rules."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from outcomes.models import Indicator, Measurement


class MeasurementConflict(Exception):
    """Measurements of the indicator arrived after the user opened the form."""

    def __init__(self, newer):
        super().__init__("newer measurements exist")
        self.newer = newer


SAME_WORDS = [
    "period_start",
    "period_end",
    "value",
    "text",
    "assessment",
    "as_of",
    "source",
    "note",
    "author_id",
]


def measurement_create(*, indicator, author, seen_measurement_id, **fields):
    """Record a measurement of `indicator`, unless someone else was quicker.

    `seen_measurement_id` is the newest measurement the author saw when opening the form; any
    one entered since raises MeasurementConflict, so no one's figure is silently overtaken. The
    same form sent twice returns the measurement already saved instead of adding a copy.
    """
    measurement = Measurement(
        indicator=indicator, author=author, origin=Measurement.Origin.APP, **fields
    )
    measurement.full_clean()
    if measurement.as_of > timezone.localdate():
        raise ValidationError({"as_of": _("The as-of date cannot be in the future.")})
    with transaction.atomic():
        # The indicator's row is the lock: two people saving on it are served one at a time.
        Indicator.objects.select_for_update().get(pk=indicator.pk)
        mine = indicator.measurements.order_by("-pk")
        latest = mine.first()
        if latest and all(getattr(latest, f) == getattr(measurement, f) for f in SAME_WORDS):
            return latest
        newer = list(mine.filter(pk__gt=seen_measurement_id or 0).select_related("author"))
        if newer:
            raise MeasurementConflict(newer)
        measurement.save()
    return measurement
