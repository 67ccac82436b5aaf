"""Plain functions that build plans for tests, with defaults a reader can see at a glance."""

import datetime
import itertools

from measures.models import (
    ActionLine,
    DeadlineKind,
    Part,
    Plan,
    Question,
    StatusCategory,
    StatusUpdate,
)

_sequence = itertools.count(1)


def make_plan(*, symbol=None, language="fr", parts=1, questions=1, lines=1, units=(), **kwargs):
    """A plan of `parts` parts × `questions` questions × `lines` dated action lines."""
    n = next(_sequence)
    plan = Plan.objects.create(
        symbol=f"GB.9{n:02d}/TC/1" if symbol is None else symbol,
        title=kwargs.pop("title", f"Plan {n}"),
        language=language,
        date=kwargs.pop("date", datetime.date(2000, 10, 5)),
        **kwargs,
    )
    for p in range(1, parts + 1):
        part = Part.objects.create(plan=plan, order=p, number=str(p), title=f"Partie {p}")
        for q in range(1, questions + 1):
            question = Question.objects.create(
                part=part, order=q, code=f"{q} a)", title=f"Question {p}.{q}"
            )
            for i in range(1, lines + 1):
                make_line(question, order=i, units=units)
    return plan


def make_line(question, *, order=None, due=datetime.date(2000, 9, 30), kind=None, units=(), **kw):
    if order is None:
        order = question.lines.count() + 1
    kind = kind or (DeadlineKind.DATED if due else DeadlineKind.UNREAD)
    line = ActionLine.objects.create(
        question=question,
        order=order,
        text=kw.pop("text", f"- ligne d'action {order}"),
        timeline=kw.pop("timeline", f"D'ici {due:%m/%Y}" if due else "En cours"),
        due_date=due if kind == DeadlineKind.DATED else None,
        deadline_kind=kind,
        **kw,
    )
    line.units.set(units)
    return line


def make_update(target, as_of, category=StatusCategory.IN_PROGRESS, **kwargs):
    """A status update about an action line or a whole question."""
    field = "action_line" if isinstance(target, ActionLine) else "question"
    return StatusUpdate.objects.create(
        **{field: target},
        as_of=as_of,
        category=category,
        narrative=kwargs.pop("narrative", ""),
        **kwargs,
    )
