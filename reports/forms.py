import datetime
import html

from django import forms
from django.forms.widgets import ChoiceWidget
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from measures.forms import DateInput, FocusFirstError, validate_report_date
from measures.models import ReportingRound

from .annex import GB279, GB341, default_as_of
from .changes import ChangeKind, plan_changes, report_before


class SelectWidget(forms.Select):
    """A select of flat choices, one value at most, whose options are written in one pass.

    Django's own builds a dictionary and renders a template for each option: for the measures
    table's lists (plans, parts, units, outcomes, outputs: hundreds of options) that costs more
    than the table itself. The markup is the same as Django's.
    """

    template_name = "reports/widgets/select.html"

    def get_context(self, name, value, attrs):
        # Widget's context (name, value as a list of strings, attributes) without the options.
        context = super(ChoiceWidget, self).get_context(name, value, attrs)
        context["widget"]["options"] = mark_safe(
            "\n".join(
                f'<option value="{_escaped(choice)}"{selected}>{_escaped(label)}</option>'
                for choice, selected, label in self.options_of(context["widget"]["value"])
            )
        )
        return context

    def options_of(self, selected):
        """(value, " selected" or "", label) of each choice; like Django, the first choice of
        the value alone is selected."""
        for choice, label in self.choices:
            if str(choice) in selected:
                selected = ()
                yield choice, " selected", label
            else:
                yield choice, "", label


def _escaped(value):
    """`conditional_escape` without its wrappers for lazy text, which cost more than the
    escaping itself over hundreds of options."""
    if isinstance(value, Promise):
        value = str(value)
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


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
    changes = forms.BooleanField(
        label=_("Add the changes since the previous report"),
        required=False,
        help_text=_("Lines added, changed or removed, statuses and newly overdue lines."),
    )

    def __init__(self, data, *, plan):
        super().__init__(data)
        self.plan = plan

    def clean(self):
        data = super().clean()
        wanted = data.get("changes") and "as_of" in data
        if wanted and not report_before(self.plan, self.as_of_date()):
            self.add_error(
                "changes", _("No report was published before this date to compare with.")
            )
        return data

    def as_of_date(self):
        return self.cleaned_data["as_of"] or default_as_of(self.plan)

    def params(self):
        # A render asked without a date keeps none beyond the published round, so that the
        # annex it makes is the plan's latest report when it runs (`plan_annex`'s default).
        as_of = self.cleaned_data["as_of"] or ReportingRound.closed_until(self.plan)
        params = {
            "as_of": as_of.isoformat() if as_of else "",
            "layout": self.cleaned_data["layout"],
        }
        # Only when asked: the renders already queued keep their parameters' shape.
        return params | ({"changes": True} if self.cleaned_data["changes"] else {})


class ResultsForm(forms.Form):
    """The query string of a results framework: `?as_of=YYYY-MM-DD`, today when absent."""

    bound_field_class = FocusFirstError

    as_of = forms.DateField(
        label=_("Results as of"),
        required=False,
        input_formats=["%Y-%m-%d"],
        validators=[validate_report_date],
    )

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


def _report_field(label):
    """One of the plan's published reports, by its date (the choices are set per plan)."""
    return forms.TypedChoiceField(label=label, required=False, coerce=datetime.date.fromisoformat)


def _date_field(label):
    return forms.DateField(
        label=label, required=False, widget=DateInput(), validators=[validate_report_date]
    )


class ChangesForm(forms.Form):
    """The query string of a plan's changes: from and to a published report or a date, and
    which kinds of change; by default from the latest report before the end to today."""

    bound_field_class = FocusFirstError
    since_report = _report_field(_("From the report as of"))
    since = _date_field(_("or from the date"))
    until_report = _report_field(_("To the report as of"))
    until = _date_field(_("or to the date"))
    kinds = forms.MultipleChoiceField(
        label=_("Kinds of change"),
        required=False,
        choices=ChangeKind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every kind."),
    )

    def __init__(self, data, *, plan):
        super().__init__(data)
        self.plan = plan
        reports = plan.rounds.published().order_by("-as_of").values_list("as_of", flat=True)
        choices = [("", "—"), *((d.isoformat(), date_format(d)) for d in reports)]
        self.fields["since_report"].choices = choices
        self.fields["until_report"].choices = choices

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        for report, day in (("since_report", "since"), ("until_report", "until")):
            if data[report] and data[day]:
                self.add_error(day, _("Choose a report or a date, not both."))
        if self.errors:
            return data
        data["until"] = data["until_report"] or data["until"] or timezone.localdate()
        since = data["since_report"] or data["since"]
        data["since"] = since or report_before(self.plan, data["until"]) or self.plan.date
        if data["since"] is None:
            self.add_error("since", _("Choose where to start: this plan has no earlier report."))
        elif data["since"] >= data["until"]:
            self.add_error("since", _("The start must be before the end."))
        return data

    def changes(self):
        data = self.cleaned_data
        return plan_changes(self.plan, data["since"], data["until"], data["kinds"])
