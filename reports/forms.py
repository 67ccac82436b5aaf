from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from measures.forms import validate_report_date
from measures.models import ReportingRound

from .annex import GB279, GB341, default_as_of


class AnnexForm(forms.Form):
    """The query string of an annex: `?as_of=YYYY-MM-DD&layout=gb279|gb341`, both optional.

    With no date, the annex is the plan's latest published round, as the GB last saw it (or,
    before any is published, its latest report: `plan_annex`'s default); never simply today.
    """

    as_of = forms.DateField(
        label=_("Status as of"),
        required=False,
        input_formats=["%Y-%m-%d"],
        validators=[validate_report_date],
    )
    layout = forms.ChoiceField(
        label=_("Layout"),
        required=False,
        choices=[
            ("", _("Automatic")),
            (GB279, _("Implementation plan (GB.279/TC/2)")),
            (GB341, _("Proposed measures (GB.341/POL/4)")),
        ],
    )

    def __init__(self, data, *, plan):
        super().__init__(data)
        self.plan = plan

    def as_of_date(self):
        return self.cleaned_data["as_of"] or default_as_of(self.plan)

    def params(self):
        # A render asked without a date keeps none beyond the published round, so that the
        # annex it makes is the plan's latest report when it runs (`plan_annex`'s default).
        as_of = self.cleaned_data["as_of"] or ReportingRound.closed_until(self.plan)
        return {"as_of": as_of.isoformat() if as_of else "", "layout": self.cleaned_data["layout"]}


class ResultsForm(forms.Form):
    """The query string of a results framework: `?as_of=YYYY-MM-DD`, today when absent."""

    as_of = forms.DateField(label=_("Results as of"), required=False, input_formats=["%Y-%m-%d"])

    def as_of_date(self):
        return self.cleaned_data["as_of"] or timezone.localdate()

    def params(self):
        return {"as_of": self.as_of_date().isoformat()}


class IndicatorFilterForm(ResultsForm):
    """A framework's indicators: `?as_of=…&outcome=…&assessment=…`, each optional."""

    outcome = forms.ModelChoiceField(label=_("Outcome"), queryset=None, required=False)
    assessment = forms.ChoiceField(label=_("Assessment"), required=False)

    def __init__(self, *args, framework, assessment_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].queryset = framework.outcomes.all()
        self.fields["assessment"].choices = [("", _("All")), *assessment_choices]
        self.fields["as_of"].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
