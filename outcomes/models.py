"""The Programme and Budget results hierarchy: framework → outcome → output → indicator, and
the measurements that say how far each indicator got."""

import datetime
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Prefetch, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ilo_tracker.audit import AuditedRecords
from ilo_tracker.text import MAX_TEXT_LENGTH


class Language(models.TextChoices):
    """The ILO's three working languages, used for documents and plans."""

    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
    SPANISH = "es", _("Spanish")


class Framework(models.Model):
    class Kind(models.TextChoices):
        PROGRAMME_BUDGET = "programme_budget", _("Programme and Budget")
        STRATEGY = "strategy", _("Strategy")

    code = models.CharField(_("code"), max_length=32, unique=True, help_text="P&B 2024-25")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    title = models.TextField(_("title"))
    first_year = models.PositiveSmallIntegerField(_("first year"))
    last_year = models.PositiveSmallIntegerField(_("last year"))
    symbol = models.CharField(_("GB symbol"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=Language)
    history = AuditedRecords()

    class Meta:
        ordering = ["-first_year", "code"]
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")
        constraints = [
            models.CheckConstraint(
                condition=Q(last_year__gte=F("first_year")),
                name="framework_years_in_order",
            ),
        ]

    def __str__(self):
        return self.code


class Outcome(models.Model):
    class Kind(models.TextChoices):
        STRATEGIC = "strategic", _("Strategic")
        ENABLING = "enabling", _("Enabling")

    framework = models.ForeignKey(Framework, models.CASCADE, related_name="outcomes")
    order = models.PositiveSmallIntegerField(_("order"))
    code = models.CharField(_("code"), max_length=8)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.STRATEGIC)
    title = models.TextField(_("title"), blank=True)
    strategy = models.TextField(_("strategy"), blank=True)
    history = AuditedRecords()

    class Meta:
        ordering = ["framework", "order"]
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="outcome_code_unique"),
            models.UniqueConstraint(fields=["framework", "order"], name="outcome_order_unique"),
        ]

    def __str__(self):
        return f"{self.framework.code} – {_('Outcome')} {self.code}"


class OutputQuerySet(models.QuerySet):
    def with_framework(self):
        return self.select_related("outcome__framework")


class Output(models.Model):
    outcome = models.ForeignKey(Outcome, models.CASCADE, related_name="outputs")
    order = models.PositiveSmallIntegerField(_("order"))
    code = models.CharField(_("code"), max_length=8, help_text="1.1, A.4")
    title = models.TextField(_("title"))

    objects = OutputQuerySet.as_manager()
    history = AuditedRecords()

    class Meta:
        ordering = ["outcome", "order"]
        verbose_name = _("output")
        verbose_name_plural = _("outputs")
        constraints = [
            models.UniqueConstraint(fields=["outcome", "code"], name="output_code_unique"),
            models.UniqueConstraint(fields=["outcome", "order"], name="output_order_unique"),
        ]

    def __str__(self):
        return f"{self.outcome.framework.code}, {_('output')} {self.code}"


class Direction(models.TextChoices):
    """Which way an indicator improves: what "reaching" a numeric milestone or target means."""

    INCREASE = "increase", _("Increase (higher is better)")
    DECREASE = "decrease", _("Decrease (lower is better)")


class Assessment(models.TextChoices):
    MET = "met", _("Met")
    PARTLY_MET = "partly_met", _("Partly met")
    NOT_MET = "not_met", _("Not met")
    NOT_YET_DUE = "not_yet_due", _("Not yet due")
    NO_DATA = "no_data", _("No data")

    @classmethod
    def judgements(cls):
        """What a person may set on a measurement, where a milestone or target is text."""
        return [(c.value, c.label) for c in (cls.MET, cls.PARTLY_MET, cls.NOT_MET)]


_YEAR = r"(1[89]\d\d|2\d\d\d)"
_PERIOD = re.compile(rf"^{_YEAR}(?:\s*[-–/]\s*(\d{{2}}|{_YEAR[1:-1]}))?$")
_DATES = re.compile(r"^(\d{4}-\d{2}-\d{2})\s+–\s+(\d{4}-\d{2}-\d{2})$")


# Groups of three digits split by "." or "," ("1.000", "1,000,000"): thousands, never
# decimals (values keep 2 decimals at most).
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*")


def plain_number(text):
    """A number as people type it, in whatever language, in figures Decimal reads: "1 000,5",
    "1.000,5", "1,000.5", "12,5", "45 %" (the import of frameworks and the measurement form)."""
    text = re.sub(r"[\s\u00a0\u202f]", "", str(text)).removesuffix("%")
    if "," in text and "." in text:
        decimal = max(",", ".", key=text.rfind)  # the later mark is the decimal one
        grouping = "," if decimal == "." else "."
        return text.replace(grouping, "").replace(decimal, ".")
    if _GROUPED.fullmatch(text):
        return text.replace(",", "").replace(".", "")
    return text.replace(",", ".")


def period_bounds(label):
    """First and last day of a period as the frameworks write it: "1995", "2010-11", "2010-2015".

    Also the two dates `period_label` writes for a period that is not whole years
    ("2011-01-01 – 2011-06-30"). Raises ValueError for anything else.
    """
    dates = _DATES.match(label.strip())
    if dates:
        start, end = (datetime.date.fromisoformat(day) for day in dates.groups())
        if end < start:
            raise ValueError(f"the period ends before it starts: {label!r}")
        return start, end
    match = _PERIOD.match(label.strip())
    if not match:
        raise ValueError(f"not a year, biennium or span of years: {label!r}")
    first = int(match[1])
    last = match[2]
    if last is None:
        last = first
    elif len(last) == 2:
        last = first // 100 * 100 + int(last)
    else:
        last = int(last)
    if last < first:
        raise ValueError(f"the period ends before it starts: {label!r}")
    return datetime.date(first, 1, 1), datetime.date(last, 12, 31)


def period_label(start, end):
    """ "1995", "2010-11", "2010-2015", or the two dates when the period is not whole years."""
    if (start.month, start.day, end.month, end.day) != (1, 1, 12, 31):
        return f"{start.isoformat()} – {end.isoformat()}"
    if start.year == end.year:
        return str(start.year)
    if end.year == start.year + 1:
        return f"{start.year}-{end.year % 100:02d}"
    return f"{start.year}-{end.year}"


@dataclass
class Goal:
    """A milestone or the target of an indicator, assessed as of a date."""

    kind: str  # "milestone" or "target"
    period: str
    start: datetime.date
    end: datetime.date
    value: object  # Decimal or None
    text: str
    assessment: str = Assessment.NO_DATA
    reading: object = None  # the Measurement the assessment rests on
    by_person: bool = False  # set by the reading's author, not computed from numbers

    @property
    def assessment_label(self):
        return Assessment(self.assessment).label

    @property
    def kind_label(self):
        return _("Milestone") if self.kind == "milestone" else _("Target")


class IndicatorQuerySet(models.QuerySet):
    def with_results_as_of(self, as_of):
        """Indicators with their milestones and the measurements known on `as_of`, so that
        `goals()` and `latest_measurement()` need no further query. Two queries more."""
        known = Measurement.objects.known_on(as_of).select_related("author").in_reading_order()
        return self.prefetch_related(
            Prefetch("milestones", Milestone.objects.order_by("period")),
            Prefetch("measurements", known, to_attr="known_measurements"),
        ).annotate(results_as_of=models.Value(as_of, output_field=models.DateField()))


class Indicator(models.Model):
    outcome = models.ForeignKey(Outcome, models.CASCADE, related_name="indicators")
    output = models.ForeignKey(
        Output, models.SET_NULL, null=True, blank=True, related_name="indicators"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    code = models.CharField(_("code"), max_length=8)
    text = models.TextField(_("text"))
    unit = models.CharField(_("unit of measure"), max_length=60, blank=True)
    baseline_value = models.DecimalField(
        _("baseline value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    baseline_text = models.TextField(_("baseline"), blank=True)
    target_value = models.DecimalField(
        _("target value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    target_text = models.TextField(_("target"), blank=True)
    target_period = models.CharField(_("target period"), max_length=20, blank=True)
    direction = models.CharField(
        _("direction of improvement"), max_length=8, choices=Direction, default=Direction.INCREASE
    )

    history = AuditedRecords()

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["outcome", "order"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["outcome", "code"], name="indicator_code_unique"),
            models.UniqueConstraint(fields=["outcome", "order"], name="indicator_order_unique"),
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values), name="indicator_direction_valid"
            ),
        ]

    def __str__(self):
        return f"{_('Indicator')} {self.code}"

    def clean(self):
        # An indicator may hang under one of its own outcome's outputs, never another's.
        if self.output_id and self.output.outcome_id != self.outcome_id:
            raise ValidationError({"output": _("The output must belong to the same outcome.")})
        if self.target_period:
            try:
                period_bounds(self.target_period)
            except ValueError:
                raise ValidationError({"target_period": PERIOD_HELP}) from None

    def target_bounds(self):
        """The target's period: as written, else the framework's years."""
        if self.target_period:
            return period_bounds(self.target_period)
        years = self.outcome.framework
        return datetime.date(years.first_year, 1, 1), datetime.date(years.last_year, 12, 31)

    # Results as of a date: the one definition of an assessment. Needs `with_results_as_of`.

    def goals(self):
        """Each milestone, then the target, assessed as of the date the queryset was read for."""
        goals = [
            Goal("milestone", m.period, *period_bounds(m.period), m.value, m.text)
            for m in self.milestones.all()
        ]
        if self.target_value is not None or self.target_text:
            start, end = self.target_bounds()
            goals.append(
                Goal(
                    "target",
                    self.target_period or period_label(start, end),
                    start,
                    end,
                    self.target_value,
                    self.target_text,
                )
            )
        for goal in goals:
            goal.assessment, goal.reading, goal.by_person = self._assess(goal)
        return goals

    def current_goal(self):
        """The goal an indicator is judged by on the date: its latest milestone or target
        already due (the target where both end together); before any is due, the first one.
        None for an indicator with neither."""
        goals = self.goals()
        due = [g for g in goals if g.end < self.results_as_of]
        if due:
            return max(due, key=lambda g: (g.end, g.kind == "target"))
        return min(goals, key=lambda g: g.end, default=None)

    def latest_measurement(self):
        """The newest actual known on the date: latest period, then latest as-of and entry."""
        return self.known_measurements[-1] if self.known_measurements else None

    def _assess(self, goal):
        as_of = self.results_as_of
        due = goal.end < as_of
        within = [m for m in self.known_measurements if goal.start <= m.period_start]
        within = [m for m in within if m.period_end <= goal.end]
        reading = within[-1] if within else None
        unknown = Assessment.NO_DATA if due else Assessment.NOT_YET_DUE
        if reading is None:
            return unknown, None, False
        if goal.value is not None and reading.value is not None:
            if self._reaches(reading.value, goal.value):
                return Assessment.MET, reading, False
            if not due:
                return Assessment.NOT_YET_DUE, reading, False
            if self.baseline_value is not None and self._reaches(
                reading.value, self.baseline_value, strictly=True
            ):
                return Assessment.PARTLY_MET, reading, False
            return Assessment.NOT_MET, reading, False
        # Text (or a reading with no number): a person's judgement, about this very period.
        if reading.assessment and reading.period_end == goal.end:
            return reading.assessment, reading, True
        return unknown, reading, False

    def _reaches(self, value, goal, strictly=False):
        if self.direction == Direction.DECREASE:
            return value < goal if strictly else value <= goal
        return value > goal if strictly else value >= goal


class Milestone(models.Model):
    indicator = models.ForeignKey(Indicator, models.CASCADE, related_name="milestones")
    period = models.CharField(_("biennium"), max_length=20, help_text="2010-11")
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, null=True, blank=True)
    text = models.TextField(_("milestone"), blank=True)
    history = AuditedRecords()

    class Meta:
        ordering = ["indicator", "period"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="milestone_unique"),
        ]

    def __str__(self):
        return f"{self.period}: {self.text}"


PERIOD_HELP = _("A year (1995), a biennium (2010-11) or years (2010-2015).")


class MeasurementQuerySet(models.QuerySet):
    def known_on(self, as_of):
        """Measurements as of `as_of` or earlier: the results as they were known that day."""
        return self.filter(as_of__lte=as_of)

    def in_reading_order(self):
        """Oldest first; the last one is the latest actual (ties go to the one entered last)."""
        return self.order_by("period_end", "as_of", "entered_at", "pk")

    def newest_first(self):
        return self.order_by("-as_of", "-entered_at", "-pk")


class Measurement(models.Model):
    """An indicator's actual for a period, as known on a date.

    Never edited or deleted by the app: a correction is a newer measurement.
    """

    class Origin(models.TextChoices):
        APP = "app", _("Entered in the app")
        IMPORT = "import", _("Imported")

    # PROTECT: deleting an indicator never takes its measured history with it.
    indicator = models.ForeignKey(
        Indicator, models.PROTECT, related_name="measurements", verbose_name=_("indicator")
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, null=True, blank=True)
    text = models.TextField(_("text"), blank=True)
    assessment = models.CharField(
        _("assessment"),
        max_length=11,
        choices=Assessment.judgements(),
        blank=True,
        help_text=_("Your judgement, where the milestone or target is text."),
    )
    as_of = models.DateField(_("as of"))
    source = models.CharField(_("source"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="measurements",
        verbose_name=_("author"),
    )
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)
    origin = models.CharField(_("origin"), max_length=6, choices=Origin, default=Origin.APP)

    objects = MeasurementQuerySet.as_manager()

    class Meta:
        ordering = ["-as_of", "-entered_at", "-pk"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="measurement_period_in_order",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | ~Q(text="") | ~Q(assessment=""),
                name="measurement_says_something",
            ),
            models.CheckConstraint(
                condition=Q(assessment__in=["", *(v for v, _ in Assessment.judgements())]),
                name="measurement_assessment_valid",
            ),
            # The form says so at the field; this holds for every other way in.
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("text"), MAX_TEXT_LENGTH)
                & LessThanOrEqual(Length("note"), MAX_TEXT_LENGTH),
                name="measurement_texts_bounded",
            ),
        ]
        indexes = [
            models.Index(fields=["indicator", "as_of"], name="measurement_indicator_idx"),
        ]

    def __str__(self):
        return f"{self.indicator} {self.period}: {self.value if self.value is not None else ''}"

    @property
    def period(self):
        return period_label(self.period_start, self.period_end)

    def clean(self):
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("The period cannot end before it starts.")})
        if self.value is None and not self.text.strip() and not self.assessment:
            raise ValidationError(_("Give a value, a text or an assessment."))
