"""The measures table: what a manager sees, and, through `value_*`, what the exports write."""

import django_tables2 as tables
from django.template.defaultfilters import truncatechars
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import StatusCategory

PRINT_ORDER = ("question__part__plan_id", "question__part__order", "question__order", "order")


def then_print_order(*fields):
    return (*fields, *PRINT_ORDER)


class MeasuresTable(tables.Table):
    plan = tables.Column(
        _("Plan"),
        accessor="question__part__plan__symbol",
        order_by=then_print_order("question__part__plan__symbol"),
    )
    part = tables.Column(_("Part"), accessor="question__part__number", orderable=False)
    code = tables.Column(_("Question"), accessor="question__code", order_by=PRINT_ORDER)
    text = tables.Column(_("Action line"), orderable=False)
    timeline = tables.Column(_("Timeline as written"), orderable=False)
    due_date = tables.Column(_("Due date"), order_by=then_print_order("due_date"))
    units = tables.Column(_("Responsible units"), empty_values=(), orderable=False)
    status = tables.Column(
        _("Status"), accessor="status_category", order_by=then_print_order("status_category")
    )
    last_update = tables.Column(
        _("Last update"), accessor="status_as_of", order_by=then_print_order("status_as_of")
    )
    overdue = tables.Column(_("Overdue"), accessor="is_overdue", orderable=False)

    class Meta:
        attrs = {"class": "measures-table"}
        template_name = "measures/table/table.html"
        empty_text = _("No action line matches these filters.")

    def __init__(self, data, *, as_of, **kwargs):
        super().__init__(data, **kwargs)
        self.as_of = as_of
        if as_of:
            self.columns["status"].column.verbose_name = _("Status on %(date)s") % {
                "date": date_format(as_of, "SHORT_DATE_FORMAT")
            }

    def render_text(self, value):
        return format_html('<span title="{}">{}</span>', value, truncatechars(value, 200))

    def value_text(self, value):
        return value

    def render_due_date(self, value):
        return date_format(value, "SHORT_DATE_FORMAT")

    def value_due_date(self, value):
        return value

    def render_units(self, record):
        return format_html_join(
            ", ",
            '<abbr title="{}">{}</abbr>',
            ((unit.name, unit.code) for unit in record.units.all()),
        )

    def value_units(self, record):
        return ", ".join(unit.code for unit in record.units.all())

    def render_status(self, value):
        return StatusCategory(value).label if value else ""

    def value_status(self, value):
        return self.render_status(value)

    def render_last_update(self, value):
        return date_format(value, "SHORT_DATE_FORMAT")

    def value_last_update(self, value):
        return value

    def render_overdue(self, value):
        if not value:
            return ""
        return format_html('<span class="badge overdue">{}</span>', gettext("Overdue"))

    def value_overdue(self, value):
        return gettext("Yes") if value else ""
