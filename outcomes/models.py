"""The Programme and Budget results hierarchy: framework → outcome → output → indicator."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ilo_tracker.audit import AuditedRecords


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
    history = AuditedRecords()

    class Meta:
        ordering = ["outcome", "order"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["outcome", "code"], name="indicator_code_unique"),
            models.UniqueConstraint(fields=["outcome", "order"], name="indicator_order_unique"),
        ]

    def __str__(self):
        return f"{_('Indicator')} {self.code}"

    def clean(self):
        # An indicator may hang under one of its own outcome's outputs, never another's.
        if self.output_id and self.output.outcome_id != self.outcome_id:
            raise ValidationError({"output": _("The output must belong to the same outcome.")})


class Milestone(models.Model):
    indicator = models.ForeignKey(Indicator, models.CASCADE, related_name="milestones")
    period = models.CharField(_("biennium"), max_length=20, help_text="2010-11")
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, null=True, blank=True)
    text = models.TextField(_("milestone"))
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
