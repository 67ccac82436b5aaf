"""The one filtering of action lines shared by the measures table, its exports and the PDF.

Every filter and every column respects the "as of" date: the lines are annotated with their
status and overdue flag on that day by `ActionLine.objects.with_status_as_of`, and "due within",
"deadline not read" and "no status" are the model's own definitions.
"""

import functools

import django_filters
from django import forms
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from measures.folding import Folded
from measures.forms import DateInput, FocusFirstError, validate_report_date
from measures.models import (
    NO_STATUS,
    ActionLine,
    DeadlineKind,
    Part,
    Plan,
    StatusCategory,
    StatusUpdate,
    Unit,
    overdue_condition,
)
from measures.policy import lines_for_user
from measures.timelines import fold
from outcomes.models import Framework, Outcome, Output

from .forms import SelectWidget
from .models import FilterListsVersion

# The status filter's value for lines with no status (`measures.models.NO_STATUS`).
NO_STATUS_VALUE = "none"


def output_links(outputs):
    """(output id, line id) pairs of `ActionLine.objects.linked_to_outputs`, in one pass."""
    direct = ActionLine.outputs.through.objects.filter(output__in=outputs).values_list(
        "output_id", "actionline_id"
    )
    through_question = ActionLine.objects.filter(question__outputs__in=outputs).values_list(
        "question__outputs", "pk"
    )
    return set(direct) | set(through_question)


def lines_as_of(as_of):
    """Every line with its status as of `as_of` and what the table shows of it, in print
    order."""
    return _lines_as_of(as_of).all()


@functools.lru_cache(maxsize=64)
def _lines_as_of(as_of):
    # Kept unevaluated, to be copied: building the status expressions costs as much as
    # compiling them, and a page of the table needs them twice (its filters, its rows).
    return (
        ActionLine.objects.with_status_as_of(as_of)
        .select_related("question__part__plan")
        .prefetch_related("units")
        .in_print_order()
    )


class FilterForm(forms.Form):
    bound_field_class = FocusFirstError


class LineFilter(django_filters.FilterSet):
    as_of = django_filters.DateFilter(
        label=_("As of"),
        method="keep_all",
        widget=DateInput(),
        help_text=_("Statuses, overdue and due dates as they stood on this day."),
        # Left out it means today (see __init__); sent empty, it is an error, not a crash.
        required=True,
        error_messages={"required": _("Enter a date.")},
        validators=[validate_report_date],
    )
    q = django_filters.CharFilter(
        label=_("Text"),
        method="filter_text",
        help_text=_("Searches questions, lines, timelines and status texts."),
    )
    plan = django_filters.ModelChoiceFilter(
        label=_("Plan"),
        field_name="question__part__plan",
        queryset=Plan.objects.all(),
        widget=SelectWidget,
    )
    part = django_filters.ModelChoiceFilter(
        label=_("Part"),
        field_name="question__part",
        queryset=Part.objects.select_related("plan").order_by("plan__symbol", "order"),
        widget=SelectWidget,
    )
    code = django_filters.CharFilter(
        label=_("Question code"), field_name="question__code", lookup_expr="iexact"
    )
    unit = django_filters.ModelChoiceFilter(
        label=_("Responsible unit"),
        queryset=Unit.objects.all(),
        method="filter_unit",
        widget=SelectWidget,
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"),
        choices=[*StatusCategory.choices, (NO_STATUS_VALUE, _("No status reported"))],
        method="filter_status",
        widget=forms.CheckboxSelectMultiple,
    )
    kind = django_filters.MultipleChoiceFilter(
        label=_("Deadline kind"),
        field_name="deadline_kind",
        choices=DeadlineKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    due = django_filters.DateFromToRangeFilter(
        label=_("Due between"),
        field_name="due_date",
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )
    mine = django_filters.BooleanFilter(
        label=_("Lines of my units"), method="filter_mine", widget=forms.CheckboxInput
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue"), method="filter_overdue", widget=forms.CheckboxInput
    )
    due_within = django_filters.NumberFilter(
        label=_("Due within (days)"), method="filter_due_within", min_value=0, max_value=3660
    )
    not_read = django_filters.BooleanFilter(
        label=_("Deadline not read"), method="filter_not_read", widget=forms.CheckboxInput
    )
    framework = django_filters.ModelChoiceFilter(
        label=_("Framework"),
        queryset=Framework.objects.all(),
        method="filter_framework",
        widget=SelectWidget,
    )
    outcome = django_filters.ModelChoiceFilter(
        label=_("Outcome"),
        queryset=Outcome.objects.select_related("framework"),
        method="filter_outcome",
        widget=SelectWidget,
    )
    output = django_filters.ModelChoiceFilter(
        label=_("Output"),
        queryset=Output.objects.with_framework(),
        method="filter_output",
        widget=SelectWidget,
    )

    class Meta:
        model = ActionLine
        fields = []
        form = FilterForm

    def __init__(self, data, *, user):
        data = data.copy()
        data.setdefault("as_of", timezone.localdate().isoformat())
        super().__init__(data, queryset=ActionLine.objects.none())
        self.user = user
        # "Deadline not read" has its own checkbox (`not_read`): offered once, still accepted.
        kind = self.form.fields["kind"]
        kind.widget.choices = [c for c in kind.choices if c[0] != DeadlineKind.UNREAD]
        # gettext, not the lazy `_`: called for each of the list's parts on every page.
        self.form.fields["part"].label_from_instance = lambda part: (
            gettext("%(plan)s, part %(number)s") % {"plan": part.plan, "number": part.number}
        )
        for name in self.LISTS:
            self.form.fields[name].widget.choices = functools.partial(self.list_choices, name)

    def get_form_class(self):
        """Built once a process rather than field by field on every page: its fields depend on
        no request, and what does (the lists, above) is set on each form's own copies."""
        form_class = type(self).__dict__.get("_form_class")
        if form_class is None:
            form_class = type(self)._form_class = super().get_form_class()
        return form_class

    # Lists of rows of their own tables (a new one needs a trigger in migration 0003).
    LISTS = ("plan", "part", "unit", "framework", "outcome", "output")

    def list_choices(self, name):
        return self._lists[name]

    @cached_property
    def _lists_version(self):
        return FilterListsVersion.current()

    @cached_property
    def _lists(self):
        """Each list's (value, label) choices: read and labelled once for each version of their
        tables (`FilterListsVersion`) and each language, in each process, rather than on every
        page. The fields still validate a value against their tables."""
        token = self._lists_version  # first: lists read after it are never older
        key = f"reports:line-filter-lists:{get_language()}:{token}"
        lists = cache.get(key) if token is not None else None
        if lists is None:
            lists = {
                name: [(str(value), str(label)) for value, label in self.form.fields[name].choices]
                for name in self.LISTS
            }
            if token is not None:
                cache.set(key, lists)
        return lists

    # The table's own parameters: they change no filter.
    TABLE_PARAMETERS = ("page", "per_page", "sort")

    @cached_property
    def form_cache_key(self):
        """All the form's markup depends on: the filters asked, their lists' version and the
        language (the page caches the form under it); None while the version is unknown."""
        if self._lists_version is None:
            return None
        asked = sorted((k, v) for k, v in self.data.lists() if k not in self.TABLE_PARAMETERS)
        return f"{get_language()}:{self._lists_version}:{asked}"

    # Shown at once; the others fold under "More filters" unless in use.
    MAIN_FILTERS = ("as_of", "plan", "unit", "mine", "overdue", "due_within", "not_read", "q")

    @property
    def main_fields(self):
        return [self.form[name] for name in self.MAIN_FILTERS]

    @property
    def more_fields(self):
        return [self.form[name] for name in self.filters if name not in self.MAIN_FILTERS]

    @property
    def more_in_use(self):
        values = [field.value() for field in self.more_fields]
        return any(any(v) if isinstance(v, list | tuple) else v for v in values)

    @property
    def as_of_date(self):
        """The day the table shows; None while the form is invalid."""
        return self.form.cleaned_data.get("as_of") if self.is_valid() else None

    @property
    def qs(self):
        if not hasattr(self, "_qs"):
            if self.is_valid():
                self._qs = self.filter_queryset(
                    lines_for_user(self.user, lines_as_of(self.as_of_date))
                )
            else:
                # No line, with the columns the table sorts on, whatever the filters' errors.
                self._qs = lines_as_of(timezone.localdate()).none()
        return self._qs

    def keep_all(self, queryset, name, value):
        return queryset

    def filter_text(self, queryset, name, value):
        """Folded text: "parite" finds "Parité" (see `measures.folding`)."""
        words = fold(value)
        narratives = StatusUpdate.objects.alias(folded=Folded("narrative"))
        narratives = narratives.filter(folded__contains=words).values("pk")
        fields = ["text", "timeline", "question__title", "question__timeline"]
        found = Q(status_update_id__in=narratives)
        for field in fields:
            found |= Q(**{f"folded_{field}__contains": words})
        return queryset.alias(**{f"folded_{field}": Folded(field) for field in fields}).filter(
            found
        )

    def filter_mine(self, queryset, name, value):
        return queryset.of_units(self.user.units.all()) if value else queryset

    def filter_unit(self, queryset, name, value):
        return queryset.of_units([value])

    def filter_status(self, queryset, name, value):
        condition = Q(status_category__in=[v for v in value if v != NO_STATUS_VALUE])
        if NO_STATUS_VALUE in value:
            condition |= NO_STATUS
        return queryset.filter(condition)

    def filter_overdue(self, queryset, name, value):
        # The condition itself, not `is_overdue=True`: the database tests the indexed due
        # date first and looks up the status only of the lines already past due.
        return queryset.filter(overdue_condition(self.as_of_date)) if value else queryset

    def filter_due_within(self, queryset, name, value):
        return queryset.due_within(int(value), self.as_of_date)

    def filter_not_read(self, queryset, name, value):
        return queryset.deadline_not_read() if value else queryset

    def filter_framework(self, queryset, name, value):
        return queryset.linked_to_outputs(Output.objects.filter(outcome__framework=value))

    def filter_outcome(self, queryset, name, value):
        return queryset.linked_to_outputs(Output.objects.filter(outcome=value))

    def filter_output(self, queryset, name, value):
        return queryset.linked_to_outputs([value])


def filtered_lines(data, user):
    """The lines `user` may read that match the filters in `data` (a QueryDict or a request).

    Returns (filterset, queryset in print order, as-of date); the queryset is empty and the
    as-of date None when the filters are invalid (the filterset then carries the errors).
    """
    data = getattr(data, "GET", data)
    filterset = LineFilter(data, user=user)
    return filterset, filterset.qs, filterset.as_of_date
