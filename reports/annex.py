"""A plan's annex as GB papers print it: query → small view models → one Document.

Two layouts: GB.279/TC/2 (questions, context and lines of action, timetable, status of work)
and GB.341/POL/4 (proposed action, expected deliverables, deadline, then the P&B outputs each
group of measures relates to).
"""

import re
from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Max, Prefetch, prefetch_related_objects
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify
from django.utils.translation import override

from measures.importing.layouts import get_layout
from measures.models import ActionLine, ReportingRound, StatusCategory, StatusUpdate
from measures.outline import plan_outline
from measures.text import is_list_item
from measures.timelines import fold
from outcomes.models import Output

from .changes import ChangeKind, plan_changes, report_before
from .pdf import Document
from .wording import Wording

GB279 = "gb279"
GB341 = "gb341"
LAYOUTS = {GB279: "reports/annex_gb279.html", GB341: "reports/annex_gb341.html"}
# A note line naming outcomes, folded ("Tous les résultats stratégiques du P&B 2020-21").
OUTCOMES = re.compile(r"\b(?:resultats?|outcomes?|resultados?)\b")


@dataclass
class LineRow:
    text: str
    timeline: str
    status: str
    # Lines written with their own dash ("- une déclaration…") keep it; others get one.
    has_bullet: bool


@dataclass
class QuestionBlock:
    code: str
    title: str
    is_heading: bool
    context: str
    timeline: str  # the whole question's, shown once
    status: str  # the whole question's latest as of the date, shown once
    lines: list[LineRow]
    outputs_key: tuple = ()
    outputs: list = field(default_factory=list)
    outputs_note: str = ""


@dataclass
class MeasureGroup:
    """Consecutive measures relating to the same outputs, and the paragraph that says so."""

    questions: list[QuestionBlock]
    relates: str
    output_lines: list[str]


@dataclass
class PartBlock:
    number: str
    title: str
    questions: list[QuestionBlock]
    groups: list[MeasureGroup] = field(default_factory=list)


@dataclass
class Annex:
    symbol: str
    title: str
    heading: str
    notes: tuple[str, ...]  # printed below the table, as the layout's paper does
    as_of: object
    layout: str
    columns: list[str]
    parts: list[PartBlock]
    show_status: bool
    line_count: int
    changes: "ChangesSection | None" = None


@dataclass
class ChangesSection:
    """ "Changes since the report as of …", printed after the annex's table."""

    title: str
    columns: list[str]
    rows: list
    empty: str


# The annex prints each status itself: the updates entered would repeat it.
ANNEX_CHANGES = [kind for kind in ChangeKind if kind != ChangeKind.UPDATE]


def default_as_of(plan):
    """The date of the plan's latest published round, as the GB last saw it; before any is
    published, of its latest status report; never simply today unless nothing was reported."""
    published = ReportingRound.closed_until(plan)
    if published:
        return published
    latest = StatusUpdate.objects.cleared().of_plan(plan).aggregate(latest=Max("as_of"))["latest"]
    return latest or timezone.localdate()


def guess_layout(questions):
    """The GB.279 annex explains each question with context; proposed measures have none."""
    return GB279 if any(q.context for q in questions) else GB341


def count_lines(plan):
    """`plan` may be a Plan or its id."""
    return ActionLine.objects.filter(question__part__plan=plan).count()


def plan_annex(plan, as_of=None, layout=None, changes=False):
    """The plan's annex with statuses as of `as_of` (default: its latest report); with
    `changes`, followed by the changes since the plan's previous published report."""
    as_of = as_of or default_as_of(plan)
    outline = plan_outline(plan, as_of)
    questions = [node.question for part in outline.parts for node in part.questions]
    layout = layout or plan.layout or guess_layout(questions)
    if layout == GB341:
        prefetch_related_objects(
            questions,
            Prefetch(
                "outputs",
                Output.objects.with_framework().order_by(
                    "outcome__framework__first_year", "outcome__order", "order"
                ),
            ),
        )
    with override(plan.language):
        words = Wording(plan.language)
        part_blocks = []
        for part in outline.parts:
            blocks = [_question_block(node, layout) for node in part.questions]
            part_blocks.append(
                PartBlock(part.part.number, part.part.title, blocks, _groups(blocks, words))
            )
        show_status = layout == GB279 or any(
            block.status or any(line.status for line in block.lines)
            for part in part_blocks
            for block in part.questions
        )
        annex = Annex(
            symbol=plan.symbol,
            title=plan.title,
            heading=get_layout(layout).annex_heading(plan.language, words["annex"]),
            notes=get_layout(layout).annex_notes(plan.language),
            as_of=as_of,
            layout=layout,
            columns=_columns(layout, words, as_of, show_status),
            parts=part_blocks if layout == GB279 else [p for p in part_blocks if p.questions],
            show_status=show_status,
            line_count=len(outline.lines),
            changes=_changes_section(plan, as_of, words) if changes else None,
        )
    name = slugify(plan.symbol.replace("/", "-")) or f"plan-{plan.pk}"
    return Document(
        template=LAYOUTS[layout],
        title=strip_tags(f"{plan.symbol} – {plan.title}" if plan.symbol else plan.title),
        symbol=plan.symbol,
        language=plan.language,
        filename=f"{name}-{words['annex'].lower()}-{as_of.isoformat()}.pdf",
        body=annex,
    )


def _changes_section(plan, as_of, words):
    """In the plan's language (active here, and when the document is rendered)."""
    since = report_before(plan, as_of)
    rows = plan_changes(plan, since, as_of, ANNEX_CHANGES).rows
    return ChangesSection(
        title=words.phrase("changes_since", date=words.date(since)),
        columns=[words["change"], words["questions"], words["line"], words["before_after"]],
        rows=rows,
        empty=words["no_change"],
    )


def _status_text(status):
    """The reported words, else the category's name in the plan's language (active here)."""
    if status is None:
        return ""
    return status.narrative or (
        str(StatusCategory(status.category).label) if status.category else ""
    )


def _line_row(line):
    return LineRow(
        text=line.text,
        timeline=line.timeline,
        # A status reported for the whole question is shown once, with the question.
        status=_status_text(line.own_status),
        has_bullet=is_list_item(line.text.lstrip()),
    )


def _question_block(node, layout):
    question = node.question
    outputs = list(question.outputs.all()) if layout == GB341 else []
    block = QuestionBlock(
        code=question.code,
        title=question.title,
        is_heading=question.is_heading and not node.lines,
        context=question.context,
        timeline=question.timeline,
        status=_status_text(node.status),
        lines=[_line_row(line) for line in node.lines],
        outputs_key=(tuple(o.pk for o in outputs), question.outputs_note),
        outputs=outputs,
        outputs_note=question.outputs_note,
    )
    if layout == GB279:
        _flow_beside_lines(block, "timeline")
        _flow_beside_lines(block, "status")
    return block


def _flow_beside_lines(block, column):
    """Run the question's paragraphs of `column` down beside its lines, as the paper prints
    them, when no line has text of its own there: one paragraph a row, the rest in the last.

    Printed all in the first row, a long status pushes the lines onto the next page.
    """
    paragraphs = [p for p in getattr(block, column).splitlines() if p.strip()]
    if not block.lines or any(getattr(line, column) for line in block.lines):
        return
    setattr(block, column, "\n".join(paragraphs[:1]))
    rows = block.lines
    for n, line in enumerate(rows, start=1):
        rest = paragraphs[n:] if n == len(rows) else paragraphs[n : n + 1]
        setattr(line, column, "\n".join(rest))


def _groups(questions, words):
    """Split a part's measures where the outputs they relate to change (GB.341 layout)."""
    groups = []
    for key, members in groupby(questions, key=lambda q: q.outputs_key):
        members = list(members)
        output_lines = _punctuated(
            [*filter(None, key[1].splitlines()), *_output_lines(members[0], words)]
        )
        relates = ""
        if output_lines:
            codes = words.enumerate(q.code.rstrip(".") for q in members)
            number = "many" if len(members) > 1 else "one"
            relates = words.phrase(f"{_relate_kind(key[1])}{number}", codes=codes)
        groups.append(MeasureGroup(members, relates, output_lines))
    return groups


def _relate_kind(note):
    """What the paragraph lists besides outputs: "les résultats et produits suivants" when a
    note line names outcomes ("Tous les résultats stratégiques du P&B…"), "la stratégie et les
    produits suivants" when it names anything else (a strategy), else only "les produits"."""
    if not note.strip():
        return "relate_"
    if OUTCOMES.search(fold(note)):
        return "relate_outcomes_"
    return "relate_strategy_"


def _punctuated(items):
    """A GB list: items end with ";", the last with "."."""
    items = [item.rstrip(" ;.") for item in items]
    return [f"{item}{';' if n < len(items) else '.'}" for n, item in enumerate(items, start=1)]


def _output_lines(question, words):
    """One line per output, bienniums merged: "P&B 2020-21, P&B 2022-23, produit 1.1: …"."""
    frameworks = {}
    for output in question.outputs:
        frameworks.setdefault((output.code, output.title), []).append(
            output.outcome.framework.code
        )
    return [
        f"{', '.join(codes)}, {words['output']} {code}: {title}"
        for (code, title), codes in frameworks.items()
    ]


def _columns(layout, words, as_of, show_status):
    if layout == GB279:
        return [
            words["questions"],
            words["context_and_lines"],
            words["timetable"],
            words.phrase("status_of_work", date=words.date(as_of)),
        ]
    columns = [words["proposed_action"], words["expected_deliverables"], words["deadline"]]
    if show_status:
        columns.append(words.phrase("status", date=words.date(as_of)))
    return columns
