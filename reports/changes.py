"""What changed in a plan between two dates: query → rows, for the page, the XLSX and the annex.

Read from the audit trail (lines added, changed, removed) and from the status updates (status
categories, newly overdue lines, updates entered); nothing is copied. Dates are report dates:
an audited change belongs to the day it was made on, in the site's time zone, and the period
runs from the day after `since` to `until`, both included. A fixed number of queries whatever
the plan's size: two for the audit trail, three for statuses, one for updates.
"""

import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from measures.history import records_of_plan
from measures.models import ActionLine, Question, ReportingRound, StatusUpdate, status_label


class ChangeKind(models.TextChoices):
    """In the order pages list them."""

    ADDED = "added", gettext_lazy("Line added")
    CHANGED = "changed", gettext_lazy("Line changed")
    REMOVED = "removed", gettext_lazy("Line removed")
    STATUS = "status", gettext_lazy("Status changed")
    OVERDUE = "overdue", gettext_lazy("Newly overdue")
    UPDATE = "update", gettext_lazy("Update entered")


KIND_ORDER = {kind: n for n, kind in enumerate(ChangeKind.values)}
# What the audit trail compares of a line: its words and its deadline.
LINE_FIELDS = ("text", "timeline", "due_date")


@dataclass
class Row:
    """One change: which line (or whole question), which field, before → after, when, by whom.

    `before` and `after` are texts or dates; `when` a date or a date and time.
    """

    kind: str
    question: str  # the question's code
    line: str  # the line's text; blank for an update about the whole question
    line_id: int | None  # None once the line is gone
    field: str
    before: object
    after: object
    when: object
    who: str
    position: tuple = ()
    url: str = ""  # the line's page, set by the page that shows it

    @property
    def kind_label(self):
        return ChangeKind(self.kind).label

    @property
    def before_shown(self):
        return _shown(self.before)

    @property
    def after_shown(self):
        return _shown(self.after)


def _shown(value):
    """A date in the active language's format; a text as it is."""
    return date_format(value) if isinstance(value, datetime.date) else value


@dataclass
class Changes:
    since: datetime.date
    until: datetime.date
    rows: list[Row]

    def counts(self):
        """(kind, its label, how many rows), in page order, for every kind with rows."""
        counts = {}
        for row in self.rows:
            counts[row.kind] = counts.get(row.kind, 0) + 1
        return [(k.value, k.label, counts[k]) for k in ChangeKind if k in counts]


def report_before(plan, day):
    """The date of the plan's latest published round before `day`, or None."""
    rounds = ReportingRound.objects.published().filter(plan=plan, as_of__lt=day)
    return rounds.order_by("-as_of").values_list("as_of", flat=True).first()


def plan_changes(plan, since, until, kinds=()):
    """The changes to `plan` after `since` up to `until`, of `kinds` (all when empty), in the
    order of ChangeKind, then in print order. Labels are in the active language."""
    kinds = set(kinds or ChangeKind.values)
    rows = []
    if kinds & {ChangeKind.ADDED, ChangeKind.CHANGED, ChangeKind.REMOVED}:
        rows += _line_rows(plan, since, until)
    if kinds & {ChangeKind.STATUS, ChangeKind.OVERDUE}:
        rows += _status_rows(plan, since, until)
    if ChangeKind.UPDATE in kinds:
        rows += _update_rows(plan, since, until)
    rows = [row for row in rows if row.kind in kinds]
    rows.sort(key=lambda row: (KIND_ORDER[row.kind], row.position))
    return Changes(since, until, rows)


def _day_after(day):
    """The first moment after the day `day`, in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min)) + (
        datetime.timedelta(days=1)
    )


def _who(user):
    return (user.get_full_name() or user.username) if user else ""


def _line_rows(plan, since, until):
    """Each line's state at the end of `since` against the end of `until`, from its historical
    rows: added, removed, or which of LINE_FIELDS changed."""
    start, end = _day_after(since), _day_after(until)
    history = records_of_plan(plan)["line"]
    touched = history.filter(history_date__gte=start, history_date__lt=end).values("id")
    records = (
        history.filter(id__in=touched, history_date__lt=end)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    by_line = {}
    for record in records:
        by_line.setdefault(record.id, []).append(record)
    questions = Question.objects.select_related("part").in_bulk(
        {r[-1].question_id for r in by_line.values()}
    )
    rows = []
    for records in by_line.values():
        earlier = [r for r in records if r.history_date < start]
        before = earlier[-1] if earlier and earlier[-1].history_type != "-" else None
        latest = records[-1]
        after = latest if latest.history_type != "-" else None
        if before is None and after is not None:
            rows.append(_line_row(latest, questions, ChangeKind.ADDED))
        elif before is not None and after is None:
            rows.append(_line_row(latest, questions, ChangeKind.REMOVED))
        elif before is not None:
            for name in LINE_FIELDS:
                old, new = getattr(before, name), getattr(after, name)
                if old != new:
                    field = str(ActionLine._meta.get_field(name).verbose_name)
                    rows.append(_line_row(latest, questions, ChangeKind.CHANGED, field, old, new))
    return rows


def _line_row(record, questions, kind, field="", before="", after=""):
    """A row about the line of the historical row `record`, its latest in the period."""
    question = questions.get(record.question_id)
    return Row(
        kind=kind,
        question=question.code if question else "",
        line=record.text,
        line_id=None if record.history_type == "-" else record.id,
        field=field,
        before=before or "",
        after=after or "",
        when=timezone.localtime(record.history_date),
        who=_who(record.history_user),
        position=_position(question, record.order),
    )


def _position(question, order):
    """Where a line prints; lines of a question since deleted go last."""
    if question is None:
        return (float("inf"),)
    return (question.part.order, question.order, order)


def _status_rows(plan, since, until):
    """Lines whose status category differs between the two dates, and lines overdue on
    `until` that were not on `since`: both by `with_status_as_of`, the one rule for each."""
    lines = ActionLine.objects.filter(question__part__plan=plan)

    def states(as_of, *fields):
        rows = lines.with_status_as_of(as_of).annotate(category=F("status_category"))
        return rows.values("pk", "category", "status_update_id", "is_overdue", *fields)

    # A line saved between the two reads has nothing before.
    before = defaultdict(lambda: {"category": "", "status_update_id": None, "is_overdue": False})
    before.update((row["pk"], row) for row in states(since))
    after = list(
        states(
            until,
            "text",
            "order",
            "due_date",
            "question__code",
            "question__order",
            "question__part__order",
        )
    )
    moved = [row for row in after if row["category"] != before[row["pk"]]["category"]]
    updates = StatusUpdate.objects.select_related("author").in_bulk(
        {row["status_update_id"] for row in moved}
        | {before[row["pk"]]["status_update_id"] for row in moved}
    )

    labels = _labels()
    no_status, status_field = _("No status"), _("Status")
    due_date_field = str(ActionLine._meta.get_field("due_date").verbose_name)

    def label(update_id):
        update = updates.get(update_id)
        return labels(update.category, update.category_confirmed) if update else no_status

    def row(line, kind, **values):
        return Row(
            kind=kind,
            question=line["question__code"],
            line=line["text"],
            line_id=line["pk"],
            position=(line["question__part__order"], line["question__order"], line["order"]),
            **values,
        )

    rows = []
    for line in moved:
        update = updates.get(line["status_update_id"])
        rows.append(
            row(
                line,
                ChangeKind.STATUS,
                field=status_field,
                before=label(before[line["pk"]]["status_update_id"]),
                after=label(line["status_update_id"]),
                when=update.as_of if update else "",
                who=_who(update.author) if update else "",
            )
        )
    for line in after:
        if line["is_overdue"] and not before[line["pk"]]["is_overdue"]:
            rows.append(
                row(
                    line,
                    ChangeKind.OVERDUE,
                    field=due_date_field,
                    before="",
                    after=line["due_date"],
                    when=line["due_date"],
                    who="",
                )
            )
    return rows


def _labels():
    """(category, confirmed) → its label in the active language, read once per listing."""

    @functools.cache
    def label(category, confirmed):
        return status_label(category, confirmed) or _("No category")

    return label


def _update_rows(plan, since, until):
    """Cleared updates as of a date in the period, about the plan's lines or whole questions."""
    updates = (
        StatusUpdate.objects.cleared()
        .filter(
            Q(action_line__question__part__plan=plan) | Q(question__part__plan=plan),
            as_of__gt=since,
            as_of__lte=until,
        )
        .select_related("author", "action_line__question__part", "question__part")
        .order_by("as_of", "entered_at", "pk")
    )
    labels, status_field = _labels(), _("Status")
    rows = []
    for update in updates:
        line = update.action_line
        question = line.question if line else update.question
        label = labels(update.category, update.category_confirmed)
        rows.append(
            Row(
                kind=ChangeKind.UPDATE,
                question=question.code,
                line=line.text if line else "",
                line_id=line.pk if line else None,
                field=status_field,
                before="",
                after=f"{label}: {update.narrative}" if update.narrative else label,
                when=update.as_of,
                who=_who(update.author),
                position=(question.part.order, question.order, line.order if line else -1),
            )
        )
    return rows


# Change, question, line, field, before, after, when, who.
COLUMN_WIDTHS = [16, 8, 60, 14, 30, 30, 18, 18]


def spreadsheet_rows(changes):
    """The header, then one list of cell values per change, for the XLSX export."""
    yield [
        _("Kind of change"),
        _("Question"),
        _("Action line"),
        _("Field"),
        _("Before"),
        _("After"),
        _("When"),
        _("Who"),
    ]
    for row in changes.rows:
        yield [
            str(row.kind_label),
            row.question,
            row.line,
            row.field,
            row.before,
            row.after,
            row.when,
            row.who,
        ]
