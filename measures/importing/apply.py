"""Compare a parsed plan with the database, and write it: the one function every import uses.

Existing rows are matched by plan symbol, part number, question code and, inside a question,
line text and then line position. Nothing the file lacks is removed unless the caller says
so, and never a row carrying a status update entered in the app. Status updates are only
ever added: an imported narrative already there (same target, as-of date and text) is left
alone, a changed one is added as a newer update.
"""

from collections import defaultdict

from django.db import transaction
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from ilo_tracker.audit import bulk_m2m_history
from measures.models import (
    ActionLine,
    DeadlineKind,
    Part,
    Plan,
    Question,
    ReportingRound,
    StatusUpdate,
)
from measures.suggest import suggest_status
from outcomes.models import Output

from .changes import Changes, Missing
from .parsed import ParsedPlan
from .workbook import Problem

# Rows whose order changes pass through orders above any real one, so that no two rows of
# the same parent ever hold the same order (the constraints are not deferrable).
_PARKING_ORDER = 32767
_BATCH = 500
# What `progress` is told, in this order, while an import writes.
STAGES = (
    gettext_lazy("Parts and questions…"),
    gettext_lazy("Action lines…"),
    gettext_lazy("Status updates and output links…"),
)


def compare_plan(parsed: ParsedPlan) -> Changes:
    """What importing `parsed` would do; writes nothing."""
    return _Sync(parsed, write=False).run()


def import_plan(parsed: ParsedPlan, *, delete_missing=False, progress=None, batch=None) -> Changes:
    """Write `parsed` in one transaction; rows the file lacks go only if `delete_missing`.

    `batch` (measures.audit.import_recorded) authors the status updates the import adds.
    """
    with transaction.atomic():
        return _Sync(
            parsed, write=True, delete_missing=delete_missing, progress=progress, batch=batch
        ).run()


def _updates_under(model, ids):
    """Status updates about the given parts, questions or lines, or anything below them."""
    question = {Part: "question__part", Question: "question", ActionLine: None}[model]
    line = {Part: "action_line__question__part", Question: "action_line__question"}.get(
        model, "action_line"
    )
    condition = Q(**{f"{line}__in": ids})
    return condition | Q(**{f"{question}__in": ids}) if question else condition


class _Sync:
    def __init__(self, parsed, *, write, delete_missing=False, progress=None, batch=None):
        self.parsed = parsed
        self.batch = batch
        self.write = write
        self.delete_missing = delete_missing
        self.progress = progress or (lambda message: None)
        self.changes = Changes(parsed, warnings=list(parsed.warnings), removed=delete_missing)

    def count(self, kind, action, n=1):
        count = self.changes.counts[kind]
        setattr(count, action, getattr(count, action) + n)

    def run(self):
        plan = self.sync_plan()
        protected = self.protected_rows(plan)
        self.progress(STAGES[0])
        parts = self.sync_parts(plan, protected)
        questions = self.sync_questions(parts, protected)
        self.progress(STAGES[1])
        lines = self.sync_lines(questions, protected)
        self.progress(STAGES[2])
        self.sync_status_updates(plan, questions, lines)
        self.sync_outputs(questions)
        self.changes.plan = plan if plan.pk else None
        return self.changes

    # ------------------------------------------------------------------ the plan

    def sync_plan(self):
        parsed = self.parsed
        values = {
            "title": parsed.title,
            "session": parsed.session,
            "committee": parsed.committee,
            "language": parsed.language,
        }
        plans = Plan.objects.filter(symbol=parsed.symbol)
        # Saving a status update locks the plan too: the two never interleave.
        plan = (plans.select_for_update() if self.write else plans).first()
        if parsed.date is not None:
            values["date"] = parsed.date
        elif plan is not None and plan.date is not None:
            # A file without a plan date keeps the one the plan has, and dates by it.
            parsed.date = plan.date
            parsed.read_deadlines()
        if plan is None:
            self.changes.plan_action = "create"
            plan = Plan(symbol=parsed.symbol, **values)
            if self.write:
                plan.save()
            return plan
        changed = [name for name, value in values.items() if getattr(plan, name) != value]
        if changed:
            self.changes.plan_action = "update"
            for name in changed:
                setattr(plan, name, values[name])
            if self.write:
                plan.save(update_fields=changed)
        return plan

    def protected_rows(self, plan):
        """Ids of the lines, questions and parts that carry an update entered in the app."""
        protected = {"lines": set(), "questions": set(), "parts": set()}
        if plan.pk is None:
            return protected
        rows = StatusUpdate.objects.filter(source=StatusUpdate.Source.APP).filter(
            Q(action_line__question__part__plan=plan) | Q(question__part__plan=plan)
        )
        for line, line_question, line_part, question, question_part in rows.values_list(
            "action_line_id",
            "action_line__question_id",
            "action_line__question__part_id",
            "question_id",
            "question__part_id",
        ):
            protected["lines"].add(line)
            protected["questions"].update([line_question, question])
            protected["parts"].update([line_part, question_part])
        return protected

    # -------------------------------------------------------------- the hierarchy

    def sync_parts(self, plan, protected):
        existing = {part.number: part for part in plan.parts.all()} if plan.pk else {}
        matched = []
        for order, parsed in enumerate(self.parsed.parts, start=1):
            part = existing.pop(parsed.number, None) or Part(plan=plan, number=parsed.number)
            self.assign("parts", part, order=order, title=parsed.title)
            matched.append((parsed, part))
        self.finish_level(Part, "parts", [p for _, p in matched], existing.values(), protected)
        return matched

    def sync_questions(self, parts, protected):
        known = [part.pk for _, part in parts if part.pk]
        existing = {
            (question.part_id, question.code): question
            for question in Question.objects.filter(part__in=known).select_related("heading")
        }
        matched, wanted_heading = [], {}
        for parsed_part, part in parts:
            by_code = {}
            for order, parsed in enumerate(parsed_part.questions, start=1):
                question = existing.pop((part.pk, parsed.code), None) if part.pk else None
                question = question or Question(part=part, code=parsed.code)
                old_heading = question.heading.code if question.heading_id else None
                changed = self.assign(
                    "questions",
                    question,
                    order=order,
                    title=parsed.title,
                    context=parsed.context,
                    is_heading=parsed.is_heading,
                    timeline=parsed.timeline,
                    outputs_note=parsed.outputs_note,
                    count=False,
                )
                wanted_heading[id(question)] = by_code.get(parsed.heading_code)
                if question.pk and not changed and old_heading == parsed.heading_code:
                    self.count("questions", "unchanged")
                else:
                    self.count("questions", "update" if question.pk else "create")
                by_code[parsed.code] = question
                matched.append((parsed, question))
        self.finish_level(
            Question, "questions", [q for _, q in matched], existing.values(), protected
        )
        if self.write:
            moved = []
            for _parsed, question in matched:
                heading = wanted_heading[id(question)]
                if question.heading_id != (heading.pk if heading else None):
                    question.heading = heading
                    moved.append(question)
            Question.objects.bulk_update(moved, ["heading"], batch_size=_BATCH)
        return matched

    def sync_lines(self, questions, protected):
        existing = defaultdict(list)
        known = [question.pk for _, question in questions if question.pk]
        for line in ActionLine.objects.filter(question__in=known).order_by("question", "order"):
            existing[line.question_id].append(line)
        matched, missing = [], []
        for parsed_question, question in questions:
            old = existing.pop(question.pk, []) if question.pk else []
            by_text = defaultdict(list)
            for line in old:
                by_text[line.text].append(line)
            # Same text first, wherever it stands; then the same position.
            found, used = {}, set()
            for index, parsed in enumerate(parsed_question.lines):
                line = next((x for x in by_text[parsed.text] if x.pk not in used), None)
                if line is not None:
                    found[index] = line
                    used.add(line.pk)
            for index in range(len(parsed_question.lines)):
                if index not in found and index < len(old) and old[index].pk not in used:
                    found[index] = old[index]
                    used.add(old[index].pk)
            for order, parsed in enumerate(parsed_question.lines, start=1):
                line = found.get(order - 1) or ActionLine(question=question)
                deadline = {"deadline_kind": parsed.deadline.kind, "due_date": parsed.deadline.due}
                if (
                    parsed.deadline.kind == DeadlineKind.UNREAD
                    and line.timeline == parsed.timeline
                ):
                    # A deadline a person set for a timeline the reader cannot read is kept.
                    deadline = {}
                self.assign(
                    "lines",
                    line,
                    order=order,
                    text=parsed.text,
                    timeline=parsed.timeline,
                    **deadline,
                )
                matched.append((parsed, line))
            missing += [line for line in old if line.pk not in used]
        self.finish_level(ActionLine, "lines", [x for _, x in matched], missing, protected)
        return matched

    def assign(self, kind, row, count=True, **values):
        """Set `values` on `row`; count it as created, updated or unchanged. True if changed."""
        changed = [name for name, value in values.items() if getattr(row, name) != value]
        for name in changed:
            setattr(row, name, values[name])
        row._changed = changed
        if count:
            self.count(
                kind, "unchanged" if row.pk and not changed else ("update" if row.pk else "create")
            )
        return bool(changed)

    def finish_level(self, model, kind, wanted, missing, protected):
        """Remove or keep the missing rows, then save orders and fields, then create."""
        missing = list(missing)
        parent = {Part: "plan_id", Question: "part_id", ActionLine: "question_id"}[model]
        kept = []
        for row in missing:
            is_kept = row.pk in protected[kind] or not self.delete_missing
            self.changes.missing.append(Missing(kind, self.label(row), row.pk in protected[kind]))
            self.count(kind, "remove")
            if is_kept:
                kept.append(row)
        if self.delete_missing:
            gone = [row.pk for row in missing if row.pk not in protected[kind]]
            if self.write and gone:
                # Status updates never go by cascade; rows with updates entered in the app
                # are kept, so only imported updates hang on these: remove them first.
                StatusUpdate.objects.filter(_updates_under(model, gone)).delete()
                model.objects.filter(pk__in=gone).delete()
        # Kept rows the file lacks go after the rows it has, in their former order.
        last = defaultdict(int)
        for row in wanted:
            last[getattr(row, parent)] = max(last[getattr(row, parent)], row.order)
        for row in sorted(kept, key=lambda r: r.order):
            scope = getattr(row, parent)
            last[scope] += 1
            if row.order != last[scope]:
                row._changed = ["order"]
                row.order = last[scope]
                wanted.append(row)
        if not self.write:
            return
        changed = [row for row in wanted if row.pk and row._changed]
        moved = [row for row in changed if "order" in row._changed]
        orders = [row.order for row in moved]
        for parking, row in enumerate(moved):
            row.order = _PARKING_ORDER - parking
        model.objects.bulk_update(moved, ["order"], batch_size=_BATCH)
        for row, order in zip(moved, orders, strict=True):
            row.order = order
        fields = sorted({name for row in changed for name in row._changed})
        if fields:
            bulk_update_with_history(changed, model, fields, batch_size=_BATCH)
        for row in wanted:
            if row.pk is None:
                # Parents created in this run have their key only now.
                setattr(row, parent, getattr(row, parent.removesuffix("_id")).pk)
        bulk_create_with_history(
            [row for row in wanted if row.pk is None], model, batch_size=_BATCH
        )

    @staticmethod
    def label(row):
        if isinstance(row, Part):
            return row.title
        if isinstance(row, Question):
            return str(row)
        return f"{row.question.code}: {row.text}"

    # --------------------------------------------------- status updates, outputs

    def sync_status_updates(self, plan, questions, lines):
        known = set()
        if plan.pk:
            imported = StatusUpdate.objects.filter(source=StatusUpdate.Source.IMPORT).filter(
                Q(action_line__question__part__plan=plan) | Q(question__part__plan=plan)
            )
            for line, question, as_of, narrative in imported.values_list(
                "action_line_id", "question_id", "as_of", "narrative"
            ):
                target = ("line", line) if line else ("question", question)
                known.update([(target, as_of, narrative), (target, as_of)])
        targets = [("line", parsed, line) for parsed, line in lines] + [
            ("question", parsed, question) for parsed, question in questions
        ]
        closed_until = ReportingRound.closed_until(plan) if plan.pk else None
        new = []
        for kind, parsed, row in targets:
            if not parsed.status:
                continue
            target = (kind, row.pk)
            if row.pk and (target, parsed.as_of, parsed.status) in known:
                self.count("status_updates", "unchanged")
                continue
            if closed_until and parsed.as_of <= closed_until:
                # A published round's annex never changes: its period takes no new status.
                self.changes.warnings.append(
                    Problem(
                        self.parsed.filename,
                        parsed.sheet,
                        parsed.row,
                        None,
                        _(
                            "the status as of %(as_of)s is not imported: the round as of "
                            "%(closed)s has been published."
                        )
                        % {
                            "as_of": date_format(parsed.as_of),
                            "closed": date_format(closed_until),
                        },
                    )
                )
                continue
            replaces = row.pk and (target, parsed.as_of) in known
            self.count("status_updates", "update" if replaces else "create")
            new.append(
                StatusUpdate(
                    **{"action_line" if kind == "line" else "question": row},
                    as_of=parsed.as_of,
                    narrative=parsed.status,
                    category=suggest_status(parsed.status) or "",
                    category_confirmed=False,
                    source=StatusUpdate.Source.IMPORT,
                    author=self.batch and self.batch.user,
                    import_batch=self.batch,
                )
            )
        if self.write:
            StatusUpdate.objects.bulk_create(new, batch_size=_BATCH)

    def sync_outputs(self, questions):
        wanted_codes = {
            (link.framework, link.code) for parsed, _ in questions for link in parsed.outputs
        }
        outputs = {
            (output.outcome.framework.code, output.code): output
            for output in Output.objects.with_framework().filter(
                outcome__framework__code__in={framework for framework, _ in wanted_codes}
            )
        }
        through = Question.outputs.through
        existing = set(
            through.objects.filter(question__in=[q.pk for _, q in questions if q.pk]).values_list(
                "question_id", "output_id"
            )
        )
        new, wanted = [], set()
        for parsed, question in questions:
            for link in parsed.outputs:
                output = outputs.get((link.framework, link.code))
                if output is None:
                    self.changes.warnings.append(
                        Problem(
                            self.parsed.filename,
                            link.sheet,
                            link.row,
                            link.column,
                            _(
                                "output %(code)s of %(framework)s is not in the database: "
                                "not linked."
                            )
                            % {"code": link.code, "framework": link.framework},
                        )
                    )
                    continue
                # Questions not saved yet (a dry run) have no key: tell them apart by identity.
                pair = (question.pk or f"new {id(question)}", output.pk)
                if pair in wanted:
                    continue
                wanted.add(pair)
                if question.pk and pair in existing:
                    self.count("output_links", "unchanged")
                else:
                    self.count("output_links", "create")
                    new.append((question, output))
        dropped = existing - wanted
        self.count("output_links", "remove", len(dropped))
        if not self.write:
            return
        if self.delete_missing:
            for question_id, output_id in dropped:
                through.objects.filter(question_id=question_id, output_id=output_id).delete()
        through.objects.bulk_create(
            [through(question_id=q.pk, output_id=o.pk) for q, o in new], batch_size=_BATCH
        )
        touched = {q.pk for q, _o in new} | {q for q, _o in dropped if self.delete_missing}
        bulk_m2m_history(Question, touched, batch_size=_BATCH)
