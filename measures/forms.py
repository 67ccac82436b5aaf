from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ReportingRound, StatusCategory


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class StatusUpdateForm(forms.Form):
    """The status of one action line (or of its whole question) as of a date.

    The rules that depend on the database (future dates, published rounds, newer updates) are
    checked by `services.status_update_create`, inside its transaction.
    """

    LINE = "line"
    QUESTION = "question"

    as_of = forms.DateField(label=_("As of"), widget=DateInput())
    category = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Choose a status")), *StatusCategory.choices]
    )
    narrative = forms.CharField(
        label=_("Narrative"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_("Plain text; blank lines separate paragraphs."),
    )
    about = forms.ChoiceField(label=_("This update is about"), widget=forms.RadioSelect)
    seen_update = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, may_report_on_question, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(self.LINE, _("this action line"))]
        if may_report_on_question:
            choices.append((self.QUESTION, _("the whole question (all its lines)")))
        self.fields["about"].choices = choices
        self.fields["about"].initial = self.LINE
        self.fields["as_of"].initial = timezone.localdate

    def clean_narrative(self):
        # Browsers send textarea line breaks as CRLF; store plain newlines.
        return self.cleaned_data["narrative"].replace("\r\n", "\n")

    def about_question(self):
        return self.cleaned_data["about"] == self.QUESTION


class AsOfForm(forms.Form):
    as_of = forms.DateField(label=_("Status as of"), widget=DateInput(), required=False)


class ReportingRoundForm(forms.ModelForm):
    class Meta:
        model = ReportingRound
        fields = ["as_of"]
        widgets = {"as_of": DateInput()}
