import datetime
from html import escape

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms import BoundField
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from ilo_tracker.text import MAX_TEXT_LENGTH

from . import services
from .models import Preferences, ReportingRound, StatusCategory
from .text import CleanTextField

# The dates the app reasons about: from the ILO's founding to the end of the century. Outside
# them a date is a typo, and date arithmetic on it (as of + 30 days) overflows at 9999-12-31.
EARLIEST_DATE = datetime.date(1919, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)


def validate_report_date(value):
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s."),
            code="out_of_range",
            params={"first": date_format(EARLIEST_DATE), "last": date_format(LATEST_DATE)},
        )


class DateInput(forms.DateInput):
    """A browser's date picker, read and written as YYYY-MM-DD.

    Written in Python rather than by Django's two templates: the same markup at a tenth of the
    cost, and the plan page and the tables' filters render one on every request."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else f' value="{escape(str(widget["value"]))}"'
        return mark_safe(  # noqa: S308 - every value is escaped
            f'<input type="{escape(widget["type"])}" name="{escape(name)}"{shown}'
            + "".join(
                f" {escape(key)}" if given is True else f' {escape(key)}="{escape(str(given))}"'
                for key, given in widget["attrs"].items()
                if given is not False
            )
            + ">"
        )


class FocusFirstError(BoundField):
    """Autofocus the first visible field in error: browsers honour it on a page load, and
    htmx after swapping the form in, so the keyboard lands where the fix is needed."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        first = next((field for field in self.form.visible_fields() if field.errors), None)
        if first is not None and first.name == self.name:
            attrs["autofocus"] = True
        return attrs


class StatusUpdateForm(forms.Form):
    """The status of one action line (or of its whole question) as of a date.

    The rules that depend on the database (future dates, published rounds, newer updates) are
    checked by `services.status_update_create`, inside its transaction.
    """

    bound_field_class = FocusFirstError
    LINE = "line"
    QUESTION = "question"

    as_of = forms.DateField(
        label=_("As of"), widget=DateInput(), validators=[validate_report_date]
    )
    category = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Choose a status")), *StatusCategory.choices]
    )
    narrative = CleanTextField(
        label=_("Narrative"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=MAX_TEXT_LENGTH,
        help_text=_("Plain text; blank lines separate paragraphs; at most 20,000 characters."),
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

    def about_question(self):
        return self.cleaned_data["about"] == self.QUESTION

    @classmethod
    def for_draft(cls, draft, *, seen_update, **kwargs):
        """The form opened on a draft, to change it; `seen_update` as for a new one."""
        initial = {
            "as_of": draft.as_of,
            "category": draft.category,
            "narrative": draft.narrative,
            "about": cls.QUESTION if draft.question_id else cls.LINE,
            "seen_update": seen_update,
        }
        return cls(initial=initial, **kwargs)

    def _words(self):
        data = self.cleaned_data
        return {
            "as_of": data["as_of"],
            "category": data["category"],
            "narrative": data["narrative"],
            "about_question": self.about_question(),
            "seen_update_id": data["seen_update"],
        }

    def create_update(self, line, author, *, submit=True):
        """Save the update through the one write function (the page and the API both call it);
        on a plan that requires clearance, as a draft unless `submit`."""
        return services.status_update_create(
            line=line, author=author, submit=submit, **self._words()
        )

    def edit_draft(self, draft, line, *, submit):
        return services.status_update_edit(update=draft, line=line, submit=submit, **self._words())


class ReturnForm(forms.Form):
    """Why a submitted update goes back to its author."""

    bound_field_class = FocusFirstError
    comment = CleanTextField(
        label=_("Why it is returned"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=MAX_TEXT_LENGTH,
        help_text=_("The author reads this and submits a new update."),
    )


class BatchClearForm(forms.Form):
    """Several submitted updates to clear at once (checkboxes on the clearance page)."""

    updates = forms.ModelMultipleChoiceField(
        queryset=None,
        label=_("Updates to clear"),
        error_messages={"required": _("Tick the updates to clear.")},
    )

    def __init__(self, *args, clearable, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["updates"].queryset = clearable


class AsOfForm(forms.Form):
    bound_field_class = FocusFirstError
    as_of = forms.DateField(
        label=_("Status as of"),
        widget=DateInput(),
        required=False,
        validators=[validate_report_date],
    )


class ReportingRoundForm(forms.ModelForm):
    bound_field_class = FocusFirstError

    def __init__(self, *args, **kwargs):
        # Its field shares the plan page with AsOfForm's: ids must differ for the labels.
        super().__init__(*args, auto_id="id_round_%s", **kwargs)
        self.fields["as_of"].validators.append(validate_report_date)

    class Meta:
        model = ReportingRound
        fields = ["as_of"]
        widgets = {"as_of": DateInput()}


class PreferencesForm(forms.ModelForm):
    bound_field_class = FocusFirstError

    class Meta:
        model = Preferences
        fields = ["digests", "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        default = get_language_info(settings.LANGUAGE_CODE)["name_translated"]
        choices = self.fields["language"].choices
        self.fields["language"].choices = [
            ("", _("The site's default (%(language)s)") % {"language": default}),
            *choices[1:],
        ]
