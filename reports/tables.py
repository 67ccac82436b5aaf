"""The measures table: what a manager sees, and the one list of columns the exports write.

The page and the exports read the same plain `.values()` rows (`plain_rows`), keyed by each
column's accessor, with the line's units and its `status` (`measures.outline.Status`) read by id
for the page's rows or for each chunk of an export. A row's spreadsheet cell is each column's
`cell(value)`; its HTML, `html(value, row, table)`, escaped there, and the page's rows are
written in one pass (`MeasuresTable.rows_html`): model instances and django-tables2's cell by
cell rendering cost more than the page's SQL. Hidden columns carry the full texts that only the
exports show.
"""

import copy
from html import escape

import django_tables2 as tables
from django.db.models import F
from django.template.defaultfilters import truncatechars
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from measures.models import PRINT_ORDER, DeadlineKind
from measures.outline import line_url_maker, local_date, statuses_by_id, units_of

from .filters import lines_as_of


def then_print_order(*fields):
    return (*fields, *PRINT_ORDER)


def row_fields(columns):
    """The `.values()` fields of `plain_rows` for these (bound) columns: their accessors."""
    fields = dict.fromkeys(str(column.accessor) for column in columns)
    return ["pk", "status_update_id", *(f for f in fields if f not in ("units", "status"))]


def plain_rows(rows):
    """`.values()` rows of lines (with "pk" and "status_update_id"), given their "units"
    and "status", in two queries."""
    units = units_of([row["pk"] for row in rows])
    statuses = statuses_by_id(row["status_update_id"] for row in rows)
    for row in rows:
        row["units"] = units.get(row["pk"], [])
        row["status"] = statuses.get(row["status_update_id"])
    return rows


class Column(tables.Column):
    def cell(self, value):
        return value

    def value(self, value):
        """The cell for django-tables2's own readers (the PDF report)."""
        return self.cell(value)

    def html(self, value, row, table):
        """The page's cell, escaped (`MeasuresTable.rows_html`)."""
        return escape(str(table.default if value in self.empty_values else self.render(value)))

    def __deepcopy__(self, memo):
        # django-tables2 copies each column for each table; a table only sets a column's
        # attributes (the status column's header), never changes one in place.
        return copy.copy(self)


class LineColumn(Column):
    """The line's text, shortened, as the link to its page."""

    LENGTH = 200

    def html(self, value, row, table):
        # Most lines are shorter: `truncatechars` reads every character to find out.
        shown = value if len(value) <= self.LENGTH else truncatechars(value, self.LENGTH)
        return f'<a href="{table.line_url(row["pk"])}" title="{escape(value)}">{escape(shown)}</a>'


class DateColumn(Column):
    def render(self, value):
        return local_date(value)


class ChoiceColumn(Column):
    """A stored choice shown, and exported, as its label in the active language."""

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.labels = dict(choices.choices)

    def cell(self, value):
        return str(self.labels[value]) if value else ""

    def render(self, value):
        return self.cell(value)


class StatusColumn(Column):
    """A line's status on the day, "(suggested)" while the importer's guess is unconfirmed."""

    def __init__(self, *args, part="label", **kwargs):
        super().__init__(*args, accessor="status", empty_values=(), **kwargs)
        self.part = part

    def cell(self, status):
        return getattr(status, self.part) if status else ""

    def render(self, value):
        cell = self.cell(value)
        return local_date(cell) if self.part == "as_of" and cell else cell


class OverdueColumn(Column):
    def cell(self, value):
        return gettext("Yes") if value else ""

    def html(self, value, row, table):
        return table.overdue_badge if value else ""


class UnitsColumn(Column):
    """A line's units: prefetched on the page, read by chunk for the exports."""

    def __init__(self, *args, part, **kwargs):
        super().__init__(*args, accessor="units", empty_values=(), orderable=False, **kwargs)
        self.part = part

    def cell(self, units):
        separator = ", " if self.part == "code" else "; "
        return separator.join(getattr(unit, self.part) for unit in units)

    def value(self, record):
        """From a plain row, or a line with its units prefetched (the PDF report)."""
        units = record["units"] if isinstance(record, dict) else record.units.all()
        return self.cell(units)

    def html(self, units, row, table):
        return ", ".join(
            f'<abbr title="{escape(unit.name)}">{escape(unit.code)}</abbr>' for unit in units
        )


class LinePages(tables.data.TableQuerysetData):
    """The filtered lines (a queryset of `filters.lines_as_of`), paginated.

    Their ids in the table's order, read in one query, give the count and each page; a page's
    lines are then read by id with their status, as `plain_rows`. The filters (status,
    overdue, due within) are thus evaluated once for each line, not once to count and again
    to find the page, and the status columns only for the page's lines.
    """

    def __init__(self, data, as_of):
        super().__init__(data)
        self.as_of = as_of

    @cached_property
    def ids(self):
        """Read when the table paginates, after its ordering is set."""
        return list(self.data.prefetch_related(None).values_list("pk", flat=True))

    def __len__(self):
        return len(self.ids)

    def __getitem__(self, page):
        """The rows of `page`, a slice (the paginator's)."""
        ids = self.ids[page]
        if not ids:
            return []
        lines = lines_as_of(self.as_of).filter(pk__in=ids).order_by().prefetch_related(None)
        rows = {row["pk"]: row for row in lines.values(*row_fields(self.table.columns))}
        return plain_rows([rows[pk] for pk in ids])  # in `ids`' order


class MeasuresTable(tables.Table):
    plan = Column(
        _("Plan"),
        accessor="question__part__plan__symbol",
        order_by=then_print_order("question__part__plan__symbol"),
    )
    part = Column(_("Part"), accessor="question__part__number", orderable=False)
    code = Column(_("Question"), accessor="question__code", order_by=PRINT_ORDER)
    text = LineColumn(_("Action line"), orderable=False)
    timeline = Column(_("Timeline as written"), orderable=False)
    due_date = DateColumn(_("Due date"), order_by=then_print_order("due_date"))
    units = UnitsColumn(_("Responsible units"), part="code")
    status = StatusColumn(_("Status"), order_by=then_print_order("status_category"))
    last_update = StatusColumn(
        _("Last update"), part="as_of", order_by=then_print_order("status_as_of")
    )
    overdue = OverdueColumn(_("Overdue"), accessor="is_overdue", orderable=False)
    # In the exports only.
    question_text = Column(_("Question text"), accessor="question__title", visible=False)
    deadline_kind = ChoiceColumn(_("Deadline kind"), choices=DeadlineKind, visible=False)
    status_text = StatusColumn(_("Status text"), part="narrative", visible=False)
    unit_names = UnitsColumn(_("Responsible unit names"), part="name", visible=False)

    class Meta:
        attrs = {"class": "measures-table"}
        template_name = "reports/table/table.html"

    def __init__(self, data, *, as_of, **kwargs):
        super().__init__(data, **kwargs)
        self.as_of = as_of
        self.line_url = line_url_maker()
        if as_of:
            date = date_format(as_of, "DATE_FORMAT")
            self.columns["status"].column.verbose_name = _("Status on %(date)s") % {"date": date}
            self.empty_text = _("No action line matches these filters as of %(date)s.") % {
                "date": date
            }

    @cached_property
    def overdue_badge(self):
        return f'<span class="badge overdue">{escape(gettext("Overdue"))}</span>'

    def rows_html(self):
        """The page's rows (`LinePages`' plain rows), each cell written by its column."""
        columns = [(bound.column.html, str(bound.accessor)) for bound in self.columns]
        return mark_safe(
            "".join(
                "<tr>"
                + "".join(f"<td>{html(row[key], row, self)}</td>" for html, key in columns)
                + "</tr>"
                for row in self.paginated_rows.data
            )
        )

    def order_due_date(self, queryset, is_descending):
        """Lines with no due date last, whichever the direction."""
        due = (
            F("due_date").desc(nulls_last=True)
            if is_descending
            else F("due_date").asc(nulls_last=True)
        )
        return queryset.order_by(due, *PRINT_ORDER), True
