"""Plain functions that build plans and users for tests, with defaults a reader can see at a
glance. Test modules share them from here, never from each other."""

import datetime
import itertools
from types import SimpleNamespace

from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone

from ilo_tracker import audit
from measures.models import (
    ActionLine,
    Clearance,
    DeadlineKind,
    Part,
    Plan,
    Question,
    StatusCategory,
    StatusUpdate,
)
from outcomes.models import Framework, Indicator, Milestone, Outcome, Output

# The status pages' "today", and the day before the plans' usual reports.
TODAY = datetime.date(2000, 9, 15)
AUG_31 = datetime.date(2000, 8, 31)
WORLD_AS_OF = AUG_31
AS_OF = WORLD_AS_OF
LONG = "Une phrase assez longue pour remplir la colonne du contexte et des lignes d'action. " * 3
DAY = datetime.timedelta(days=1)

_sequence = itertools.count(1)


def module_rows(django_db_blocker, build):
    """Rows that `build()` writes once for a whole module, and its result (a fixture's body:
    `yield from module_rows(...)`).

    They stand in a transaction rolled back after the module's last test; each test still
    runs in a transaction of its own inside it, so what one test changes the next does not
    see. Not for transactional tests (`live_server`): they do not run inside it.
    """
    with django_db_blocker.unblock():
        module_transaction = transaction.atomic()
        module_transaction.__enter__()
        built = build()
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        module_transaction.__exit__(None, None, None)


def make_plan(
    *, symbol=None, language="fr", parts=1, questions=1, lines=1, units=(), bulk=False, **kwargs
):
    """A plan of `parts` parts × `questions` questions × `lines` dated action lines.

    Without clearance unless asked (`requires_clearance=True`): updates count as saved, as
    they did before issue 14, so tests about other things need no clearance step. With
    `bulk=True` the lines and their history are the same, written by bulk inserts: for the
    query pins' large plans.
    """
    kwargs.setdefault("requires_clearance", False)
    n = next(_sequence)
    plan = Plan.objects.create(
        symbol=f"GB.9{n:02d}/TC/1" if symbol is None else symbol,
        title=kwargs.pop("title", f"Plan {n}"),
        language=language,
        date=kwargs.pop("date", datetime.date(2000, 10, 5)),
        **kwargs,
    )
    new_lines = []
    for p in range(1, parts + 1):
        part = Part.objects.create(plan=plan, order=p, number=str(p), title=f"Partie {p}")
        for q in range(1, questions + 1):
            question = Question.objects.create(
                part=part, order=q, code=f"{q} a)", title=f"Question {p}.{q}"
            )
            for i in range(1, lines + 1):
                if bulk:
                    new_lines.append(new_line(question, order=i))
                else:
                    make_line(question, order=i, units=units)
    save_lines(new_lines, units)
    return plan


def make_line(question, *, order=None, due=datetime.date(2000, 9, 30), kind=None, units=(), **kw):
    line = new_line(question, order=order, due=due, kind=kind, **kw)
    line.save()
    line.units.set(units)
    return line


def new_line(question, *, order=None, due=datetime.date(2000, 9, 30), kind=None, **kw):
    """`make_line`'s line, not saved yet."""
    if order is None:
        order = question.lines.count() + 1
    kind = kind or (DeadlineKind.DATED if due else DeadlineKind.UNREAD)
    return ActionLine(
        question=question,
        order=order,
        text=kw.pop("text", f"- ligne d'action {order}"),
        timeline=kw.pop("timeline", f"D'ici {due:%m/%Y}" if due else "En cours"),
        due_date=due if kind == DeadlineKind.DATED else None,
        deadline_kind=kind,
        **kw,
    )


def save_lines(lines, units=()):
    """Save new lines given to `units`, with the history records that saving them one by one
    writes (created, then given their units), in a few bulk inserts whatever their number."""
    with transaction.atomic():  # `bulk.create` reserves keys for its own transaction
        audit.bulk_create_with_history(ActionLine, lines)
        if units:
            through = ActionLine.units.through
            through.objects.bulk_create(
                through(actionline_id=line.pk, unit_id=unit.pk) for line in lines for unit in units
            )
            audit.bulk_m2m_history(ActionLine, [line.pk for line in lines])


def make_lines_due(question, dues, day):
    """A line of `question` for each of `dues`: due that many days after `day`, or ongoing
    for None."""
    return [
        make_line(question, due=day + datetime.timedelta(days=due), kind=DeadlineKind.DATED)
        if due is not None
        else make_line(question, due=None, kind=DeadlineKind.ONGOING)
        for due in dues
    ]


def make_drawn_updates(lines, drawn, questions, as_of, entered_at):
    """Updates from property tests' draws (target, days after `as_of`, category, clearance,
    hours after `entered_at`): a target of 0 or more is one of `lines` (modulo their number),
    a negative one `questions[target]`."""
    return [
        make_update(
            questions[target] if target < 0 else lines[target % len(lines)],
            as_of + datetime.timedelta(days=offset),
            category,
            clearance=clearance,
            entered_at=entered_at + datetime.timedelta(hours=hours),
        )
        for target, offset, category, clearance, hours in drawn
    ]


def status_by_the_rule(updates, line, on):
    """A line's status on `on`, the rule read plainly for property tests to compare against:
    the newest cleared update about the line or its whole question by (as of, entered at, id)."""
    counted = [
        u
        for u in updates
        if u.clearance == Clearance.CLEARED
        and u.as_of <= on
        and (u.action_line_id == line.pk or u.question_id == line.question_id)
    ]
    return max(counted, key=lambda u: (u.as_of, u.entered_at, u.pk), default=None)


def make_update(target, as_of, category=StatusCategory.IN_PROGRESS, **kwargs):
    """A status update about an action line or a whole question."""
    update = new_update(target, as_of, category, **kwargs)
    update.save()
    return update


def new_update(target, as_of, category=StatusCategory.IN_PROGRESS, **kwargs):
    """`make_update`'s update, not saved yet."""
    field = "action_line" if isinstance(target, ActionLine) else "question"
    # The steps a submitted or returned update has been through (the clearance constraints).
    if kwargs.get("clearance") in (Clearance.SUBMITTED, Clearance.RETURNED):
        kwargs.setdefault("submitted_at", timezone.now())
    if kwargs.get("clearance") == Clearance.RETURNED:
        kwargs.setdefault("reviewed_by", kwargs.get("author"))
        kwargs.setdefault("reviewed_at", timezone.now())
        kwargs.setdefault("review_comment", "Please say what was done.")
    return StatusUpdate(
        **{field: target},
        as_of=as_of,
        category=category,
        narrative=kwargs.pop("narrative", ""),
        **kwargs,
    )


def make_user(name, group, units=()):
    """A user with the password "<name>-pass-2026", in `group` and `units`."""
    user = User.objects.create_user(name, f"{name}@example.org", f"{name}-pass-2026")
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    user.units.add(*units)
    return user


def build_world(pardev, program_unit):
    """Two plans whose every line's fate on 31 August 2000 is known by hand (see comments)."""
    plan = make_plan(symbol="GB.279/TC/2", parts=2, questions=1, lines=0)
    part1, part2 = plan.parts.all()
    q1, q2 = part1.questions.get(), part2.questions.get()
    q2.code = "2"
    q2.save()
    w = SimpleNamespace(plan=plan, part1=part1, part2=part2, q1=q1, q2=q2)
    # Overdue: due two months before, nothing reported.
    w.l1 = make_line(
        q1, due=datetime.date(2000, 6, 30), units=[pardev], text="Former les mandants"
    )
    # Due on the day itself: not overdue yet, due within 30 days.
    w.l2 = make_line(q1, due=AS_OF)
    # Completed the day after: still overdue on the day.
    w.l3 = make_line(q1, due=datetime.date(2000, 7, 31))
    make_update(w.l3, AS_OF + DAY, StatusCategory.COMPLETED, narrative="Achevé")
    # Completed on the day: not overdue.
    w.l4 = make_line(q1, due=datetime.date(2000, 7, 15))
    make_update(w.l4, AS_OF, StatusCategory.COMPLETED)
    w.l5 = make_line(q1, due=None, kind=DeadlineKind.ONGOING)
    w.l6 = make_line(q1, due=None, kind=DeadlineKind.UNREAD, timeline="Dès que possible")
    # Due in 76 days; delayed as reported for the whole question.
    w.l7 = make_line(q2, due=datetime.date(2000, 11, 15), units=[program_unit])
    make_update(q2, AS_OF - 10 * DAY, StatusCategory.DELAYED, narrative="Retard du recrutement")
    # Cancelled before the day.
    w.l8 = make_line(q2, due=datetime.date(2000, 5, 1))
    make_update(w.l8, AS_OF - 60 * DAY, StatusCategory.CANCELLED)
    other = make_plan(symbol="GB.341/POL/4", lines=0)
    w.other = other
    w.l9 = make_line(
        other.parts.get().questions.get(), due=datetime.date(2000, 1, 31), units=[program_unit]
    )
    framework = Framework.objects.create(
        code="P&B T",
        kind="programme_budget",
        title="Test",
        first_year=2000,
        last_year=2001,
        language="fr",
    )
    w.outcome = Outcome.objects.create(framework=framework, order=1, code="1", title="Emploi")
    w.output = Output.objects.create(outcome=w.outcome, order=1, code="1.1", title="Capacités")
    w.output2 = Output.objects.create(outcome=w.outcome, order=2, code="1.2", title="Normes")
    w.framework = framework
    w.l1.outputs.add(w.output)
    q2.outputs.add(w.output)  # l7 and l8 through their question
    w.l9.outputs.add(w.output2)
    return w


def build_gb279_like(language="fr", questions=10, bulk=False):
    """A plan shaped like GB.279/TC/2: parts, a heading question, context, lines, statuses.

    With `bulk=True` the same lines, their history and updates are written by bulk inserts:
    for the query pins' large plans."""
    plan = Plan.objects.create(
        symbol="GB.279/TC/2",
        title="Rapport d'activité",
        language=language,
        date=AUG_31,
        requires_clearance=False,  # as `make_plan`
    )
    part = Part.objects.create(
        plan=plan, order=1, number="I", title="Partie I – Rendre la coopération plus pertinente"
    )
    heading = Question.objects.create(
        part=part, order=1, code="1.", title="Un programme cohérent", is_heading=True
    )
    lines, narratives = [], []
    for n in range(1, questions + 1):
        question = Question.objects.create(
            part=part,
            order=n + 1,
            code=f"1 {chr(96 + n)})",
            title=f"Question numéro {n}",
            heading=heading,
            context=f"Contexte {n}. {LONG}",
        )
        for i in range(1, 4):
            lines.append(
                new_line(
                    question,
                    order=i,
                    text=f"- ligne {n}.{i} {LONG}",
                    timeline=f"Calendrier {n}.{i}",
                    due=datetime.date(2001, 3, 31),
                )
            )
            narratives.append(f"Etat {n}.{i} au 31 août")
    if bulk:
        save_lines(lines)
        StatusUpdate.objects.bulk_create(
            new_update(line, AUG_31, narrative=narrative)
            for line, narrative in zip(lines, narratives, strict=True)
        )
    else:
        for line, narrative in zip(lines, narratives, strict=True):
            line.save()
            make_update(line, AUG_31, narrative=narrative)
    part2 = Part.objects.create(plan=plan, order=2, number="II", title="Partie II – Qualité")
    whole = Question.objects.create(
        part=part2,
        order=1,
        code="1.",
        title="Rendre la structure plus cohérente",
        context="Il est largement reconnu que…",
        timeline="La planification devrait démarrer en janvier 2000",
    )
    make_line(whole, text="- une étude sera menée", timeline="")
    make_update(whole, AUG_31, narrative="L'examen de la structure extérieure est en cours.")
    return plan


def bulk_plan(count, units):
    """A plan of `count` lines over 2 parts × 10 questions, built with bulk_create."""
    plan = make_plan(parts=2, questions=10, lines=0)
    questions = list(Question.objects.filter(part__plan=plan))
    kinds = [DeadlineKind.DATED, DeadlineKind.DATED, DeadlineKind.ONGOING, DeadlineKind.UNREAD]
    lines = ActionLine.objects.bulk_create(
        ActionLine(
            question=questions[i % len(questions)],
            order=i // len(questions) + 1,
            text=f"ligne {i}",
            deadline_kind=kinds[i % 4],
            due_date=AS_OF + datetime.timedelta(days=i % 200 - 100)
            if kinds[i % 4] == DeadlineKind.DATED
            else None,
        )
        for i in range(count)
    )
    through = ActionLine.units.through
    through.objects.bulk_create(
        through(actionline_id=line.pk, unit_id=units[i % len(units)].pk)
        for i, line in enumerate(lines)
    )
    categories = list(StatusCategory)
    StatusUpdate.objects.bulk_create(
        StatusUpdate(
            action_line=line,
            as_of=AS_OF - datetime.timedelta(days=i % 30),
            category=categories[i % len(categories)],
            narrative=f"état {i}",
        )
        for i, line in enumerate(lines)
        if i % 3
    )
    framework = Framework.objects.create(
        code="P&B Q",
        kind="programme_budget",
        title="Q",
        first_year=2000,
        last_year=2001,
        language="fr",
    )
    outcome = Outcome.objects.create(framework=framework, order=1, code="1", title="Emploi")
    output = Output.objects.create(outcome=outcome, order=1, code="1.1", title="Capacités")
    # `output.lines.add` would record the history of each line one by one.
    linked = [line.pk for line in lines[::2]]
    through = Output.lines.through
    through.objects.bulk_create(through(actionline_id=pk, output_id=output.pk) for pk in linked)
    audit.bulk_m2m_history(ActionLine, linked)
    indicator = Indicator.objects.create(outcome=outcome, order=1, code="1.1", text="Pays")
    Milestone.objects.create(indicator=indicator, period="2000-01", text="3 pays")
    questions[0].outputs.add(output)
    return plan, framework
