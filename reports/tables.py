"""The measures table: what a manager sees, and the one list of columns the exports write.

Each column's spreadsheet cell is `cell(value)` of its accessor's value, so the exports read plain
`.values()` rows instead of rendering the table cell by cell (20,000 lines in a few seconds).
Hidden columns carry the full texts that only the exports show.
"""

import django_tables2 as tables
from django.template.defaultfilters import truncatechars
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from measures.models import DeadlineKind, StatusCategory

PRINT_ORDER = ("question__part__plan_id", "question__part__order", "question__order", "order")


def then_print_order(*fields):
    return (*fields, *PRINT_ORDER)


class Column(tables.Column):
    def cell(self, value):
        return value

    def value(self, value):
        """The cell for django-tables2's own readers (the PDF report)."""
        return self.cell(value)


class LongTextColumn(Column):
    def render(self, value):
        return format_html('<span title="{}">{}</span>', value, truncatechars(value, 200))


class DateColumn(Column):
    def render(self, value):
        return date_format(value, "DATE_FORMAT")


class ChoiceColumn(Column):
    """A stored choice shown, and exported, as its label in the active language."""

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.labels = dict(choices.choices)

    def cell(self, value):
        return str(self.labels[value]) if value else ""

    def render(self, value):
        return self.cell(value)


class OverdueColumn(Column):
    def cell(self, value):
        return gettext("Yes") if value else ""

    def render(self, value):
        if not value:
            return ""
        return format_html('<span class="badge overdue">{}</span>', gettext("Overdue"))


class UnitsColumn(Column):
    """A line's units: prefetched on the page, read by chunk for the exports."""

    def __init__(self, *args, part, **kwargs):
        super().__init__(*args, accessor="units", empty_values=(), orderable=False, **kwargs)
        self.part = part

    def cell(self, units):
        separator = ", " if self.part == "code" else "; "
        return separator.join(getattr(unit, self.part) for unit in units)

    def value(self, record):
        return self.cell(record.units.all())

    def render(self, record):
        return format_html_join(
            ", ",
            '<abbr title="{}">{}</abbr>',
            ((unit.name, unit.code) for unit in record.units.all()),
        )


class MeasuresTable(tables.Table):
    plan = Column(
        _("Plan"),
        accessor="question__part__plan__symbol",
        order_by=then_print_order("question__part__plan__symbol"),
    )
    part = Column(_("Part"), accessor="question__part__number", orderable=False)
    code = Column(_("Question"), accessor="question__code", order_by=PRINT_ORDER)
    text = LongTextColumn(_("Action line"), orderable=False)
    timeline = Column(_("Timeline as written"), orderable=False)
    due_date = DateColumn(_("Due date"), order_by=then_print_order("due_date"))
    units = UnitsColumn(_("Responsible units"), part="code")
    status = ChoiceColumn(
        _("Status"),
        accessor="status_category",
        choices=StatusCategory,
        order_by=then_print_order("status_category"),
    )
    last_update = DateColumn(
        _("Last update"), accessor="status_as_of", order_by=then_print_order("status_as_of")
    )
    overdue = OverdueColumn(_("Overdue"), accessor="is_overdue", orderable=False)
    # In the exports only.
    question_text = Column(_("Question text"), accessor="question__title", visible=False)
    deadline_kind = ChoiceColumn(_("Deadline kind"), choices=DeadlineKind, visible=False)
    status_text = Column(_("Status text"), accessor="status_narrative", visible=False)
    unit_names = UnitsColumn(_("Responsible unit names"), part="name", visible=False)

    class Meta:
        attrs = {"class": "measures-table"}
        template_name = "reports/table/table.html"

    def __init__(self, data, *, as_of, **kwargs):
        super().__init__(data, **kwargs)
        self.as_of = as_of
        if as_of:
            date = date_format(as_of, "DATE_FORMAT")
            self.columns["status"].column.verbose_name = _("Status on %(date)s") % {"date": date}
            self.empty_text = _("No action line matches these filters as of %(date)s.") % {
                "date": date
            }
