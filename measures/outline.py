"""A plan's outline as of a date: parts → questions → lines, each line with its status, its
overdue and due-soon marks, its deadline and its address, prepared once.

The plan page, My measures and the annex all read plans here, so they agree line for line; they
differ in their templates only. A fixed number of queries whatever the number of lines.

A plan's questions and lines, and the units and statuses of any lines (My measures' lines come
as the queryset its filters give), are read by SQL written here rather than by querysets: on a
page of a few hundred lines, building and compiling the querysets, with a parameter per id, cost
more than running them (benchmarks/performance_notes.md). Each list of ids is one parameter
(`_in_ids`).
"""

import collections
import datetime
import functools
import json
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import connection
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext

from .models import (
    NEWEST_FIRST,
    Clearance,
    Part,
    Question,
    deadline_label,
    line_marks,
    status_label,
)


def _rows(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _in_ids(column):
    """SQL: `column` is one of the ids of a parameter made by `_ids` (on SQLite, through its
    JSON functions, which the models' JSONFields need too)."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)"
    return f"{column} IN (SELECT value FROM json_each(%s))"


def _ids(ids):
    """A list of ids as one parameter: an array for PostgreSQL, JSON for SQLite."""
    ids = [int(pk) for pk in ids]
    return ids if connection.vendor == "postgresql" else json.dumps(ids)


def _date(value):
    """A date column as read by a cursor: SQLite gives text."""
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


class Badge(NamedTuple):
    """A badge as pages show it: its CSS classes and its words in the active language."""

    css: str
    label: str


def local_date(date):
    """`date` as the active language writes it. Pages show the same few hundred dates again
    and again, and formatting one costs more than the rest of its row: each is formatted once."""
    return _local_date(date, get_language())


def local_date_maker():
    """`local_date` for the many dates of a page, reading the active language once."""
    language = get_language()
    return lambda date: _local_date(date, language)


@functools.lru_cache(maxsize=8192)
def _local_date(date, language):  # the language is part of the key
    return date_format(date)


@dataclass
class Status:
    """An update as a page shows it: the status of a line or a question on the date."""

    update_id: int
    category: str  # "" when the update gives none
    label: str  # in the active language, "(suggested)" until a person confirms it
    badge: Badge  # "No category" when the update gives none
    is_suggested: bool
    as_of: datetime.date
    dated: str  # "as of 31 Aug. 2000"
    narrative: str
    about_question: bool
    # For `newness` only, as the database gives it: SQLite's text sorts as the datetimes do.
    entered_at: object = field(default=None, repr=False)

    @property
    def newness(self):
        """Sorts as `StatusUpdate.newest_first` does, oldest first."""
        return (self.as_of, self.entered_at, self.update_id)


# What a page shows of an update, in the order `_StatusMaker` takes it.
_STATUS_COLUMNS = "id, category, category_confirmed, as_of, narrative, question_id"


class _StatusMaker:
    """Status objects from update rows of `_STATUS_COLUMNS`, each badge and date written once
    a page."""

    def __init__(self):
        self.badges, self.dates = {}, {}
        self.as_of_text = gettext("as of %(date)s")
        self.local_date = local_date_maker()

    def __call__(self, pk, category, confirmed, as_of, narrative, question_id):
        as_of = _date(as_of)
        is_suggested = bool(category) and not confirmed
        badge = self.badges.get((category, is_suggested))
        if badge is None:
            label = status_label(category, confirmed)
            css = f"status-{category or 'none'}{' suggested' if is_suggested else ''}"
            badge = self.badges[category, is_suggested] = Badge(
                css, label or gettext("No category")
            )
        dated = self.dates.get(as_of)
        if dated is None:
            dated = self.dates[as_of] = self.as_of_text % {"date": self.local_date(as_of)}
        return Status(
            update_id=pk,
            category=category,
            label=badge.label if category else "",
            badge=badge,
            is_suggested=is_suggested,
            as_of=as_of,
            dated=dated,
            narrative=narrative,
            about_question=question_id is not None,
        )


def statuses_by_id(update_ids):
    """{update id: Status} in one query."""
    ids = {pk for pk in update_ids if pk is not None}
    if not ids:
        return {}
    status = _StatusMaker()
    rows = _rows(
        f"SELECT {_STATUS_COLUMNS} FROM measures_statusupdate WHERE {_in_ids('id')}", [_ids(ids)]
    )
    return {row[0]: status(*row) for row in rows}


def attach_statuses(lines):
    """Set `status` on lines annotated by `with_status_as_of`, in one query."""
    statuses = statuses_by_id(line.status_update_id for line in lines)
    for line in lines:
        line.status = statuses.get(line.status_update_id)
    return lines


# `NEWEST_FIRST` in SQL.
_NEWEST_FIRST = ", ".join(
    f"{'id' if name == '-pk' else name.removeprefix('-')} DESC" for name in NEWEST_FIRST
)


def newest_statuses(as_of, line_ids, question_ids):
    """({line id: Status}, {question id: Status}): each line's and each whole question's own
    newest cleared update on or before `as_of`, in one query: one scan of their updates through
    the covering indexes, ranked per target.

    A line's status on the date is the newer of its own and its question's (`status_of`), as
    `ActionLine.objects.with_status_as_of` says in SQL.
    """
    # Ids, not a subquery of the lines: PostgreSQL then reads both indexes (a bitmap OR)
    # instead of filtering every update through the subquery.
    updates = _rows(
        f"SELECT {_STATUS_COLUMNS}, action_line_id, entered_at FROM (SELECT *, ROW_NUMBER()"
        f" OVER (PARTITION BY action_line_id, question_id ORDER BY {_NEWEST_FIRST})"
        " AS target_rank FROM measures_statusupdate"
        f" WHERE clearance = %s AND as_of <= %s AND ({_in_ids('action_line_id')}"
        f" OR {_in_ids('question_id')})) AS newest WHERE target_rank = 1",
        [Clearance.CLEARED, as_of, _ids(line_ids), _ids(question_ids)],
    )
    status = _StatusMaker()
    of_lines, of_questions = {}, {}
    for *row, line_id, entered_at in updates:
        made = status(*row)
        made.entered_at = entered_at
        if line_id is None:
            of_questions[row[-1]] = made
        else:
            of_lines[line_id] = made
    return of_lines, of_questions


def status_of(own, of_question):
    """A line's status: the newer of its own newest update and its question's."""
    if own and of_question:
        return max(own, of_question, key=lambda status: status.newness)
    return own or of_question


class UnitLabel(NamedTuple):
    """What pages and exports show of a unit: read as plain rows, not model instances."""

    code: str
    name: str

    def __str__(self):
        return self.code


def units_of(line_ids):
    """{line id: [UnitLabel, …]} of these lines in code order, as `line.units.all()` lists
    them, in one query."""
    units = {}
    rows = _rows(
        "SELECT link.actionline_id, unit.code, unit.name FROM measures_actionline_units link"
        " JOIN measures_unit unit ON unit.id = link.unit_id"
        f" WHERE {_in_ids('link.actionline_id')} ORDER BY unit.code",
        [_ids(line_ids)],
    )
    for line_id, code, name in rows:
        units.setdefault(line_id, []).append(UnitLabel(code, name))
    return units


def line_url_maker():
    """pk → the line page's address, reversing the route once instead of once per line."""
    marker = 2**31 - 1
    template = reverse("line_detail", args=[marker])
    head, tail = template.split(str(marker))
    return lambda pk: f"{head}{pk}{tail}"


@dataclass
class Line:
    pk: int
    url: str
    order: int
    text: str
    timeline: str
    due_date: datetime.date | None
    deadline: str  # "read as 30 Sept. 2000", "Ongoing", "No timeline"…
    units: list
    unit_codes: str  # "ABC, DEF"
    status: Status | None
    is_overdue: bool
    is_due_soon: bool
    mark: Badge | None  # "Overdue" or "Due soon"
    question: "QuestionNode" = field(repr=False, default=None)
    # The line's own newest update, even when its question's is newer: the Excel writer
    # exports each target's own text.
    own_update: Status | None = None

    @property
    def own_status(self):
        """The line's status when it is about the line itself, not its whole question."""
        return self.status if self.status and not self.status.about_question else None


@dataclass
class QuestionNode:
    question: Question
    status: Status | None  # the newest update about the whole question
    lines: list[Line] = field(default_factory=list)


@dataclass
class PartNode:
    part: object
    questions: list[QuestionNode] = field(default_factory=list)


@dataclass
class PlanNode:
    plan: object
    as_of: datetime.date
    parts: list[PartNode] = field(default_factory=list)

    @property
    def lines(self):
        return [line for part in self.parts for q in part.questions for line in q.lines]


def question_pages(plan, lines_per_page):
    """The plan's question ids in print order, cut into pages of about `lines_per_page` lines.

    A question is never split across pages. One query.
    """
    pages, page, size = [], [], 0
    questions = _rows(
        "SELECT question.id, (SELECT COUNT(*) FROM measures_actionline line"
        " WHERE line.question_id = question.id) FROM measures_question question"
        " JOIN measures_part part ON part.id = question.part_id"
        ' WHERE part.plan_id = %s ORDER BY part."order", question."order"',
        [plan.pk],
    )
    for pk, line_count in questions:
        if page and size + line_count > lines_per_page:
            pages.append(page)
            page, size = [], 0
        page.append(pk)
        size += line_count
    return [*pages, page]


def plan_outline(plan, as_of, question_ids=None):
    """The plan's parts, its questions (or only those of `question_ids`, a page of them) and
    their lines.

    Five queries: parts, questions, lines, units, and the updates that are the statuses.
    """
    questions = Question.objects.raw(
        "SELECT question.* FROM measures_question question"
        " JOIN measures_part part ON part.id = question.part_id WHERE part.plan_id = %s"
        + ("" if question_ids is None else f" AND {_in_ids('question.id')}")
        + ' ORDER BY part."order", question."order"',
        [plan.pk] + ([] if question_ids is None else [_ids(question_ids)]),
    )
    questions = list(questions)
    question_ids = [question.pk for question in questions]
    # Lines are put under their questions below: their order within each is enough.
    lines = [
        _LineRow(pk, question_id, order, text, timeline, _date(due_date), deadline_kind)
        for pk, question_id, order, text, timeline, due_date, deadline_kind in _rows(
            'SELECT id, question_id, "order", text, timeline, due_date, deadline_kind'
            f' FROM measures_actionline WHERE {_in_ids("question_id")} ORDER BY "order"',
            [_ids(question_ids)],
        )
    ]
    line_ids = [line.pk for line in lines]
    of_lines, of_questions = newest_statuses(as_of, line_ids, question_ids)
    parts = Part.objects.raw(
        'SELECT * FROM measures_part WHERE plan_id = %s ORDER BY "order"', [plan.pk]
    )
    parts = {part.pk: PartNode(part) for part in parts}
    nodes = {}
    for question in questions:
        node = QuestionNode(question, of_questions.get(question.pk))
        nodes[question.pk] = node
        parts[question.part_id].questions.append(node)
    _attach_lines(lines, nodes, of_lines, units_of(line_ids), as_of)
    return PlanNode(plan, as_of, list(parts.values()))


def lines_outline(lines, as_of, page=slice(None)):
    """The plans, parts and questions of `lines` (a queryset), with those lines only, or with
    the `page` (a slice) of them in print order.

    Four queries: lines, units, their questions with parts and plans, the updates that are
    the statuses.
    """
    lines = list(lines.in_print_order().values_list(*_LINE_FIELDS, named=True)[page])
    question_ids = {line.question_id for line in lines}
    questions = Question.objects.filter(pk__in=question_ids).select_related("part__plan")
    questions = questions.in_bulk()
    line_ids = [line.pk for line in lines]
    of_lines, of_questions = newest_statuses(as_of, line_ids, question_ids)
    plans, parts, nodes = {}, {}, {}
    for line in lines:  # in print order: plans, parts and questions as they first come
        if line.question_id in nodes:
            continue
        question = questions[line.question_id]
        part = question.part
        if part.plan_id not in plans:
            plans[part.plan_id] = PlanNode(part.plan, as_of)
        if part.pk not in parts:
            parts[part.pk] = PartNode(part)
            plans[part.plan_id].parts.append(parts[part.pk])
        nodes[question.pk] = QuestionNode(question, of_questions.get(question.pk))
        parts[part.pk].questions.append(nodes[question.pk])
    _attach_lines(lines, nodes, of_lines, units_of(line_ids), as_of)
    return list(plans.values())


# What pages show of a line, read as plain rows: model instances cost more than the page.
_LINE_FIELDS = ["pk", "question_id", "order", "text", "timeline", "due_date", "deadline_kind"]
_LineRow = collections.namedtuple("LineRow", _LINE_FIELDS)


def _attach_lines(lines, nodes, own_statuses, units, as_of):
    url, local_date = line_url_maker(), local_date_maker()
    read_as, deadlines = gettext("read as %(date)s"), {}  # lines share their deadlines
    marks = {  # (overdue, due soon): the badge
        (False, False): None,
        (True, False): Badge("overdue", gettext("Overdue")),
        (False, True): Badge("due-soon", gettext("Due soon")),
    }
    for pk, question_id, order, text, timeline, due_date, deadline_kind in lines:
        node = nodes[question_id]
        key = due_date or (deadline_kind, bool(timeline or node.question.timeline))
        deadline = deadlines.get(key)
        if deadline is None:
            deadline = deadlines[key] = (
                read_as % {"date": local_date(key)} if due_date else str(deadline_label(*key))
            )
        own = own_statuses.get(pk)
        status = status_of(own, node.status)
        marked = line_marks(deadline_kind, due_date, status.category if status else "", as_of)
        line_units = units.get(pk, [])
        node.lines.append(
            Line(
                pk=pk,
                url=url(pk),
                order=order,
                text=text,
                timeline=timeline,
                due_date=due_date,
                deadline=deadline,
                units=line_units,
                unit_codes=", ".join([unit.code for unit in line_units]),
                status=status,
                is_overdue=marked[0],
                is_due_soon=marked[1],
                mark=marks[marked],
                question=node,
                own_update=own,
            )
        )
