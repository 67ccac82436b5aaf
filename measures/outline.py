"""A plan's outline as of a date: parts → questions → lines, each line with its status, its
overdue and due-soon marks, its deadline and its address, prepared once.

The plan page, My measures and the annex all read plans here, so they agree line for line; they
differ in their templates only. A fixed number of queries whatever the number of lines.
"""

import datetime
import functools
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Count
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext

from .models import ActionLine, Question, StatusUpdate, deadline_label, status_label


class Badge(NamedTuple):
    """A badge as pages show it: its CSS classes and its words in the active language."""

    css: str
    label: str


def local_date(date):
    """`date` as the active language writes it. Pages show the same few hundred dates again
    and again, and formatting one costs more than the rest of its row: each is formatted once."""
    return _local_date(date, get_language())


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


def statuses_by_id(update_ids):
    """{update id: Status} in one query."""
    ids = {pk for pk in update_ids if pk is not None}
    if not ids:
        return {}
    badges, statuses = {}, {}
    as_of_text = gettext("as of %(date)s")
    fields = ["pk", "category", "category_confirmed", "as_of", "narrative", "question_id"]
    for pk, category, confirmed, as_of, narrative, question_id in StatusUpdate.objects.filter(
        pk__in=ids
    ).values_list(*fields):
        is_suggested = bool(category) and not confirmed
        key = (category, is_suggested)
        if key not in badges:
            label = status_label(category, confirmed)
            css = f"status-{category or 'none'}{' suggested' if is_suggested else ''}"
            badges[key] = Badge(css, label or gettext("No category"))
        statuses[pk] = Status(
            update_id=pk,
            category=category,
            label=badges[key].label if category else "",
            badge=badges[key],
            is_suggested=is_suggested,
            as_of=as_of,
            dated=as_of_text % {"date": local_date(as_of)},
            narrative=narrative,
            about_question=question_id is not None,
        )
    return statuses


def attach_statuses(lines):
    """Set `status` on lines annotated by `with_status_as_of`, in one query."""
    statuses = statuses_by_id(line.status_update_id for line in lines)
    for line in lines:
        line.status = statuses.get(line.status_update_id)
    return lines


class UnitLabel(NamedTuple):
    """What pages and exports show of a unit: read as plain rows, not model instances."""

    code: str
    name: str

    def __str__(self):
        return self.code


def units_of(line_ids):
    """{line id: [UnitLabel, …]} in code order, as `line.units.all()` lists them, in one
    query."""
    units = {}
    links = ActionLine.units.through.objects.filter(actionline_id__in=line_ids)
    rows = links.order_by("unit__code").values_list("actionline_id", "unit__code", "unit__name")
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
    # The line's own newest update, even when its question's is newer; read only when asked
    # (`plan_outline(own_updates=True)`): the Excel writer exports each target's own text.
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
    questions = (
        Question.objects.filter(part__plan=plan)
        .annotate(line_count=Count("lines"))
        .order_by("part__order", "order")
        .values_list("pk", "line_count")
    )
    for pk, line_count in questions:
        if page and size + line_count > lines_per_page:
            pages.append(page)
            page, size = [], 0
        page.append(pk)
        size += line_count
    return [*pages, page]


def plan_outline(plan, as_of, questions=None, own_updates=False):
    """The plan's parts, its questions (or only `questions`, a page of them) and their lines;
    with `own_updates`, each line's own newest update as well (`Line.own_update`).

    Five queries: parts, questions with their status, lines with status and marks, units,
    and the updates those statuses are.
    """
    questions = Question.objects.filter(part__plan=plan) if questions is None else questions
    questions = list(questions.with_status_as_of(as_of).order_by("part__order", "order"))
    lines = ActionLine.objects.filter(question__in=[q.pk for q in questions])
    if own_updates:
        lines = lines.with_own_update_as_of(as_of)
    lines = _lines(lines, as_of, fields=["own_update_id"] if own_updates else [])
    statuses = statuses_by_id(
        [q.status_update_id for q in questions]
        + [line.status_update_id for line in lines]
        + [getattr(line, "own_update_id", None) for line in lines]
    )
    parts = {part.pk: PartNode(part) for part in plan.parts.all()}
    nodes = {}
    for question in questions:
        node = QuestionNode(question, statuses.get(question.status_update_id))
        nodes[question.pk] = node
        parts[question.part_id].questions.append(node)
    _attach_lines(lines, nodes, statuses)
    return PlanNode(plan, as_of, list(parts.values()))


def lines_outline(lines, as_of, page=slice(None)):
    """The plans, parts and questions of `lines` (a queryset), with those lines only, or with
    the `page` (a slice) of them in print order.

    Four queries: lines with status and marks, units, their questions with parts, plans and
    statuses, the updates.
    """
    lines = _lines(lines, as_of, page)
    questions = (
        Question.objects.filter(pk__in={line.question_id for line in lines})
        .select_related("part__plan")
        .with_status_as_of(as_of)
        .in_bulk()
    )
    statuses = statuses_by_id(
        [q.status_update_id for q in questions.values()]
        + [line.status_update_id for line in lines]
    )
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
        nodes[question.pk] = QuestionNode(question, statuses.get(question.status_update_id))
        parts[part.pk].questions.append(nodes[question.pk])
    _attach_lines(lines, nodes, statuses)
    return list(plans.values())


# What pages show of a line, read as plain rows: model instances cost more than the page.
_LINE_FIELDS = [
    "pk",
    "question_id",
    "order",
    "text",
    "timeline",
    "due_date",
    "deadline_kind",
    "status_update_id",
    "is_overdue",
    "is_due_soon",
]


def _lines(queryset, as_of, page=slice(None), fields=()):
    rows = queryset.with_marks_as_of(as_of).in_print_order()
    rows = rows.values_list(*_LINE_FIELDS, *fields, named=True)
    return list(rows[page])


def _attach_lines(lines, nodes, statuses):
    url = line_url_maker()
    units = units_of([line.pk for line in lines])
    read_as, labels = gettext("read as %(date)s"), {}
    overdue = Badge("overdue", gettext("Overdue"))
    due_soon = Badge("due-soon", gettext("Due soon"))
    for line in lines:
        node = nodes[line.question_id]
        if line.due_date:
            deadline = read_as % {"date": local_date(line.due_date)}
        else:
            key = (line.deadline_kind, bool(line.timeline or node.question.timeline))
            if key not in labels:
                labels[key] = str(deadline_label(*key))
            deadline = labels[key]
        line_units = units.get(line.pk, [])
        node.lines.append(
            Line(
                pk=line.pk,
                url=url(line.pk),
                order=line.order,
                text=line.text,
                timeline=line.timeline,
                due_date=line.due_date,
                deadline=deadline,
                units=line_units,
                unit_codes=", ".join(unit.code for unit in line_units),
                status=statuses.get(line.status_update_id),
                is_overdue=line.is_overdue,
                is_due_soon=line.is_due_soon,
                mark=overdue if line.is_overdue else due_soon if line.is_due_soon else None,
                question=node,
                own_update=statuses.get(getattr(line, "own_update_id", None)),
            )
        )
