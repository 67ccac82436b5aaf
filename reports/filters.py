"""The one filtering of action lines shared by the measures table, its exports and the PDF.

Every filter and every column respects the "as of" date: the lines are annotated with their
status on that day by `ActionLine.objects.with_status_as_of`, and "overdue", "due within" and
"deadline not read" are the model's own querysets.
"""

import django_filters
from django import forms
from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from measures.forms import DateInput
from measures.models import (
    ActionLine,
    DeadlineKind,
    Part,
    Plan,
    StatusCategory,
    StatusUpdate,
    Unit,
)
from measures.policy import can_read_plans
from outcomes.models import Framework, Outcome, Output

NO_STATUS = "none"


def output_links(outputs):
    """(output id, line id) pairs of `ActionLine.objects.linked_to_outputs`, in one pass."""
    direct = ActionLine.outputs.through.objects.filter(output__in=outputs).values_list(
        "output_id", "actionline_id"
    )
    through_question = ActionLine.objects.filter(question__outputs__in=outputs).values_list(
        "question__outputs", "pk"
    )
    return set(direct) | set(through_question)


def annotated_as_of(as_of):
    """Every line with its status, narrative and overdue flag as they stood on `as_of`."""
    narrative = StatusUpdate.objects.filter(pk=OuterRef("status_update_id")).values("narrative")
    overdue = ActionLine.objects.overdue(as_of).values("pk")
    return ActionLine.objects.with_status_as_of(as_of).annotate(
        status_narrative=Subquery(narrative[:1]),
        is_overdue=ExpressionWrapper(Q(pk__in=overdue), output_field=BooleanField()),
    )


def lines_as_of(as_of):
    """`annotated_as_of` with what the table shows of each line, in print order."""
    return (
        annotated_as_of(as_of)
        .select_related("question__part__plan")
        .prefetch_related("units")
        .in_print_order()
    )


class LineFilter(django_filters.FilterSet):
    as_of = django_filters.DateFilter(
        label=_("As of"),
        method="keep_all",
        widget=DateInput(),
        help_text=_("Statuses, overdue and due dates as they stood on this day."),
    )
    q = django_filters.CharFilter(
        label=_("Text"),
        method="filter_text",
        help_text=_("Searches questions, lines, timelines and status texts."),
    )
    plan = django_filters.ModelChoiceFilter(
        label=_("Plan"), field_name="question__part__plan", queryset=Plan.objects.all()
    )
    part = django_filters.ModelChoiceFilter(
        label=_("Part"),
        field_name="question__part",
        queryset=Part.objects.select_related("plan").order_by("plan__symbol", "order"),
    )
    code = django_filters.CharFilter(
        label=_("Question code"), field_name="question__code", lookup_expr="iexact"
    )
    unit = django_filters.ModelChoiceFilter(
        label=_("Responsible unit"), queryset=Unit.objects.all(), method="filter_unit"
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"),
        choices=[*StatusCategory.choices, (NO_STATUS, _("No status reported"))],
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
        label=_("Framework"), queryset=Framework.objects.all(), method="filter_framework"
    )
    outcome = django_filters.ModelChoiceFilter(
        label=_("Outcome"),
        queryset=Outcome.objects.select_related("framework"),
        method="filter_outcome",
    )
    output = django_filters.ModelChoiceFilter(
        label=_("Output"), queryset=Output.objects.with_framework(), method="filter_output"
    )

    class Meta:
        model = ActionLine
        fields = []

    def __init__(self, data, *, user):
        data = data.copy()
        data.setdefault("as_of", timezone.localdate().isoformat())
        super().__init__(data, queryset=ActionLine.objects.none())
        self.user = user
        # "Deadline not read" has its own checkbox (`not_read`): offered once, still accepted.
        kind = self.form.fields["kind"]
        kind.widget.choices = [c for c in kind.choices if c[0] != DeadlineKind.UNREAD]
        self.form.fields["part"].label_from_instance = lambda part: (
            _("%(plan)s, part %(number)s")
            % {
                "plan": part.plan,
                "number": part.number,
            }
        )

    # Shown at once; the others fold under "More filters" unless in use.
    MAIN_FILTERS = ("as_of", "plan", "unit", "overdue", "due_within", "not_read", "q")

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
            if self.is_valid() and can_read_plans(self.user):
                self._qs = self.filter_queryset(lines_as_of(self.as_of_date))
            else:
                self._qs = ActionLine.objects.none()
        return self._qs

    def keep_all(self, queryset, name, value):
        return queryset

    def filter_text(self, queryset, name, value):
        narratives = StatusUpdate.objects.filter(narrative__icontains=value).values("pk")
        return queryset.filter(
            Q(text__icontains=value)
            | Q(timeline__icontains=value)
            | Q(question__title__icontains=value)
            | Q(question__timeline__icontains=value)
            | Q(status_update_id__in=narratives)
        )

    def filter_unit(self, queryset, name, value):
        return queryset.of_units([value])

    def filter_status(self, queryset, name, value):
        categories = [v for v in value if v != NO_STATUS]
        condition = Q(status_category__in=categories)
        if NO_STATUS in value:
            condition |= Q(status_category__isnull=True) | Q(status_category="")
        return queryset.filter(condition)

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=ActionLine.objects.overdue(self.as_of_date).values("pk"))

    def filter_due_within(self, queryset, name, value):
        due = ActionLine.objects.due_within(int(value), self.as_of_date)
        return queryset.filter(pk__in=due.values("pk"))

    def filter_not_read(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=ActionLine.objects.deadline_not_read().values("pk"))

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
