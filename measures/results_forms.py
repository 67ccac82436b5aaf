from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ilo_tracker.text import MAX_TEXT_LENGTH
from outcomes.models import PERIOD_HELP, Assessment, period_bounds, plain_number

from .forms import (
    EARLIEST_DATE,
    LATEST_DATE,
    DateInput,
    FocusFirstError,
    validate_report_date,
)
from .text import CleanTextField


class GroupedDecimalField(forms.DecimalField):
    """A number as people write it, its thousands grouped or not: "1 000,5" (French),
    "1.000,5" (Spanish), "1,000.5" (English), read as the framework import reads it."""

    def to_python(self, value):
        return super().to_python(plain_number(value.strip()) if isinstance(value, str) else value)


class MeasurementForm(forms.Form):
    """An indicator's actual for a period. Future dates and newer measurements are checked by
    `results_services.measurement_create`, inside its transaction."""

    bound_field_class = FocusFirstError

    period = forms.CharField(
        label=_("Period measured"), max_length=20, required=False, help_text=PERIOD_HELP
    )
    period_start = forms.DateField(
        label=_("or from"), widget=DateInput(), required=False, validators=[validate_report_date]
    )
    period_end = forms.DateField(
        label=_("to"), widget=DateInput(), required=False, validators=[validate_report_date]
    )
    value = GroupedDecimalField(
        label=_("Value"), max_digits=14, decimal_places=2, required=False, localize=True
    )
    text = CleanTextField(
        label=_("In words"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=MAX_TEXT_LENGTH,
    )
    assessment = forms.ChoiceField(
        label=_("Assessment"),
        choices=[("", _("Computed from the value")), *Assessment.judgements()],
        required=False,
        help_text=_("Required where the milestone or target of the period is text."),
    )
    as_of = forms.DateField(
        label=_("As of"), widget=DateInput(), validators=[validate_report_date]
    )
    source = CleanTextField(
        label=_("Source"),
        max_length=200,
        required=False,
        help_text=_("For example “Implementation report 2010-11” or “IRIS”."),
    )
    note = CleanTextField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=MAX_TEXT_LENGTH,
    )
    seen_measurement = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.fields["as_of"].initial = timezone.localdate
        # The milestones' and target's periods are offered as the usual answers.
        self.fields["period"].widget.attrs["list"] = "goal-periods"

    def clean(self):
        data = super().clean()
        label = data.get("period", "").strip()
        start, end = data.get("period_start"), data.get("period_end")
        if label:
            try:
                start, end = period_bounds(label)
            except ValueError:
                self.add_error("period", PERIOD_HELP)
                return data
        elif not (start and end):
            self.add_error("period", _("Give the period: a year, a biennium, or two dates."))
            return data
        if end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
            return data
        if label and not (start >= EARLIEST_DATE and end <= LATEST_DATE):
            self.add_error("period", PERIOD_HELP)
            return data
        if data.get("as_of") and data["as_of"] < start:
            # An actual is known once its period has begun, never before.
            self.add_error("as_of", _("A result cannot be known before its period begins."))
            return data
        data["period_start"], data["period_end"] = start, end
        if data.get("value") is None and not data.get("text") and not data.get("assessment"):
            raise forms.ValidationError(_("Give a value, a text or an assessment."))
        if not data.get("assessment") and self._text_goal_ends(end):
            self.add_error(
                "assessment",
                _("The milestone or target of this period is text: say whether it is met."),
            )
        return data

    def _text_goal_ends(self, end):
        text_periods = [m.period for m in self.indicator.milestones.all() if m.value is None]
        ends = {period_bounds(p)[1] for p in text_periods}
        if self.indicator.target_value is None and self.indicator.target_text:
            ends.add(self.indicator.target_bounds()[1])
        return end in ends

    def measurement_fields(self):
        fields = ["period_start", "period_end", "value", "text", "assessment", "as_of"]
        fields += ["source", "note"]
        return {name: self.cleaned_data[name] for name in fields}


class ResultsAsOfForm(forms.Form):
    bound_field_class = FocusFirstError
    as_of = forms.DateField(
        label=_("Results as of"),
        widget=DateInput(),
        required=False,
        validators=[validate_report_date],
    )

    def __init__(self, *args, **kwargs):
        # Its field shares the indicator page with the measurement's: ids must differ.
        super().__init__(*args, auto_id="id_results_%s", **kwargs)
