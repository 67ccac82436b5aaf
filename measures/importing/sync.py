"""Compare a parsed plan with the database (`diff`), then write what it found (`apply`).

`diff` reads the database and writes nothing: its `Changes` say what the import would do
(the preview) and hold every write as plain lists per model. `apply` makes those writes in
one transaction, a few bulk calls per model, all in one place (where an audit trail plugs in).

Existing rows are matched by plan symbol, part number, question code and, inside a question,
line text and then line position. Nothing the file lacks is removed unless the caller says
so, and never a row carrying a status update entered in the app. Status updates are only
ever added: an imported narrative already there (same target, as-of date and text) is left
alone, a changed one is added as a newer update.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Model, Q
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ilo_tracker import bulk
from ilo_tracker.audit import (
    bulk_create_with_history,
    bulk_m2m_history,
    bulk_update_with_history,
)
from measures.models import (
    ActionLine,
    DeadlineKind,
    Part,
    Plan,
    Question,
    ReportingRound,
    StatusUpdate,
    Unit,
)
from measures.suggest import suggest_statuses
from outcomes.models import Output

from .changes import Changes, Missing
from .parsed import ParsedPlan
from .workbook import ImportRefused, Problem

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


@bulk.paused_gc()
def diff(parsed: ParsedPlan, *, delete_missing=False) -> Changes:
    """What importing `parsed` would do, and the writes that do it; writes nothing and leaves
    `parsed` as it is."""
    return _Diff(parsed, delete_missing=delete_missing).run()


def compare_plan(parsed: ParsedPlan) -> Changes:
    """What importing `parsed` would do (the preview, `--dry-run`)."""
    return diff(parsed)


def import_plan(
    parsed: ParsedPlan, *, delete_missing=False, progress=None, batch=None, previewed=None
) -> Changes:
    """Diff and apply in one transaction; rows the file lacks go only if `delete_missing`.

    `batch` (measures.audit.import_recorded) authors the status updates the import adds.
    `previewed` is the `fingerprint` of the preview a person confirmed: if the plan changed
    since, nothing is written (a row added meanwhile would go unseen, an edit be overwritten).
    """
    with transaction.atomic():
        # Saving a status update locks the plan too: the two never interleave.
        list(Plan.objects.filter(symbol=parsed.symbol).select_for_update())
        if connection.vendor == "postgresql":
            # A plan not created yet has no row to lock: two imports of it at once would both
            # create it. The second waits here, then finds it. (SQLite writes one at a time.)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [parsed.symbol])
        changes = diff(parsed, delete_missing=delete_missing)
        if previewed is not None and changes.fingerprint() != previewed:
            message = _(
                "the plan changed since the preview (someone edited or imported it): upload "
                "the file again to see what it would do now."
            )
            raise ImportRefused([Problem(parsed.filename, None, None, None, message)])
        apply(changes, progress=progress, batch=batch)
    return changes


@bulk.paused_gc()
def apply(changes: Changes, progress=None, batch=None):
    """Make the writes `diff` planned, in one transaction, with bulk operations, each
    recorded in the audit trail (as part of `batch`, the import, when given)."""
    progress = progress or (lambda message: None)
    writes = changes.writes
    with transaction.atomic():
        plan = writes.plan
        if plan.pk is None or writes.plan_fields:
            plan.save(update_fields=None if plan.pk is None else writes.plan_fields)
        changes.plan = plan
        progress(STAGES[0])
        for level in writes.levels:
            if level.model is ActionLine:
                progress(STAGES[1])
            level.apply()
        for question, heading in writes.headings:
            question.heading = heading  # saved by now
        bulk_update_with_history(
            Question, [question for question, _heading in writes.headings], ["heading"]
        )
        progress(STAGES[2])
        # Keys set as plain values: the rows are new, no related object is cached to clear.
        authored = {
            "author_id": batch.user_id if batch else None,
            "import_batch_id": batch.pk if batch else None,
        }
        for update in writes.status_updates:
            # About a line or question created in this run: its key is known only now.
            update.__dict__[update._target_key] = update._target.pk
            update.__dict__.update(authored)
        bulk.create(StatusUpdate, writes.status_updates)
        for through, (_left, _right), gone, new in writes.links:
            for pair in gone:
                through.objects.filter(**dict(zip((_left, _right), pair, strict=True))).delete()
            keys = [through._meta.get_field(name) for name in (_left, _right)]
            bulk.insert(through, keys, [(left.pk, right.pk) for left, right in new])
            # Bulk link writes send no m2m_changed signal: record the owners' links as they are.
            owner = keys[0].related_model
            touched = {pair[0] for pair in gone} | {left.pk for left, _right in new}
            bulk_m2m_history(owner, touched)


def _updates_under(model, ids):
    """Status updates about the given parts, questions or lines, or anything below them."""
    question = {Part: "question__part", Question: "question", ActionLine: None}[model]
    line = {Part: "action_line__question__part", Question: "action_line__question"}.get(
        model, "action_line"
    )
    condition = Q(**{f"{line}__in": ids})
    return condition | Q(**{f"{question}__in": ids}) if question else condition


def _match_lines(parsed, old):
    """The existing line each parsed line (by index) updates: the same text first, wherever
    it stands, in order; then the line at the same position, if still free."""
    by_text = defaultdict(list)
    for line in reversed(old):
        by_text[line.text].append(line)
    found = {}
    for index, line in enumerate(parsed):
        if same := by_text.get(line.text):
            found[index] = same.pop()
    used = {line.pk for line in found.values()}
    for index in range(min(len(parsed), len(old))):
        if index not in found and old[index].pk not in used:
            found[index] = old[index]
            used.add(old[index].pk)
    return found


class _Constructor:
    """Makes new rows of a model, filled in as `Model.__init__` fills them but without its
    work per field (no model an import writes has init signals): several times faster when
    an import makes tens of thousands."""

    def __init__(self, model):
        self.model = model
        self.fixed, self.computed = {}, []
        for column in model._meta.concrete_fields:
            if column.has_default() and callable(column.default):
                self.computed.append((column.attname, column.get_default))
            else:
                self.fixed[column.attname] = column.get_default()

    def __call__(self, values):
        row = Model.__new__(self.model)
        fields = self.fixed | values
        for name, default in self.computed:
            if name not in values:
                fields[name] = default()
        fields["_state"] = ModelState()
        row.__dict__ = fields
        return row


_CONSTRUCTORS = {}
_PARENT_KEYS = {Part: "plan_id", Question: "part_id", ActionLine: "question_id"}


def _make(model, values):
    if model not in _CONSTRUCTORS:
        _CONSTRUCTORS[model] = _Constructor(model)
    return _CONSTRUCTORS[model](values)


def _new(model, parent, **values):
    """A new row under `parent` (a plan, part or question), which may be new too."""
    values[_PARENT_KEYS[model]] = parent.pk
    row = _make(model, values)
    row._parent = parent
    return row


def _status_update(target, key, **values):
    update = _make(StatusUpdate, values)
    update._target, update._target_key = target, key
    return update


@dataclass
class _Level:
    """The writes to one table: removals, order moves, field updates, new rows."""

    model: type
    parent: str  # "plan_id", "part_id", "question_id"
    removed: list[int] = field(default_factory=list)
    moved: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    new: list = field(default_factory=list)

    def apply(self):
        model = self.model
        if self.removed:
            # Status updates never go by cascade; rows with updates entered in the app are
            # kept, so only imported updates hang on these: remove them first.
            StatusUpdate.objects.filter(_updates_under(model, self.removed)).delete()
            model.objects.filter(pk__in=self.removed).delete()
        # Rows whose order changes pass through orders above any real one, so that no two
        # rows of the same parent ever hold the same order (the constraints are not deferrable).
        orders = [row.order for row in self.moved]
        for parking, row in enumerate(self.moved):
            row.order = _PARKING_ORDER - parking
        model.objects.bulk_update(self.moved, ["order"], batch_size=_BATCH)
        for row, order in zip(self.moved, orders, strict=True):
            row.order = order
        if self.fields:
            bulk_update_with_history(model, self.changed, self.fields)
        for row in self.new:
            # Parents created in this run have their key only now; set as a plain value (the
            # row is new, it caches no parent to clear).
            row.__dict__[self.parent] = row._parent.pk
        bulk_create_with_history(model, self.new)


@dataclass
class Writes:
    plan: Plan
    plan_fields: list[str] = field(default_factory=list)
    levels: list[_Level] = field(default_factory=list)
    headings: list = field(default_factory=list)  # (question, its new heading)
    status_updates: list = field(default_factory=list)
    # (through model, (left, right) key names, pairs of keys to remove, pairs of rows to add)
    links: list = field(default_factory=list)


class _Diff:
    def __init__(self, parsed, *, delete_missing=False):
        self.parsed = parsed
        self.delete_missing = delete_missing
        self.changes = Changes(parsed, warnings=list(parsed.warnings), removed=delete_missing)

    def count(self, kind, action, n=1):
        count = self.changes.counts[kind]
        setattr(count, action, getattr(count, action) + n)

    def warn(self, sheet, row, column, message):
        self.changes.warnings.append(Problem(self.parsed.filename, sheet, row, column, message))

    def run(self):
        plan = self.diff_plan()
        self.writes = self.changes.writes = Writes(plan, self.plan_fields)
        protected = self.protected_rows(plan)
        outputs, notes = self.find_outputs()
        parts = self.diff_parts(plan, protected)
        questions = self.diff_questions(parts, protected, notes)
        lines = self.diff_lines(questions, protected)
        self.diff_status_updates(plan, questions, lines)
        self.diff_outputs(questions, outputs)
        self.diff_units(lines)
        self.changes.plan = plan if plan.pk else None
        return self.changes

    # ------------------------------------------------------------------ the plan

    def diff_plan(self):
        parsed = self.parsed
        values = {
            "title": parsed.title,
            "session": parsed.session,
            "committee": parsed.committee,
            "language": parsed.language,
            "layout": parsed.layout,
        }
        plan = Plan.objects.filter(symbol=parsed.symbol).first()
        if parsed.date is not None:
            values["date"] = parsed.date
        elif plan is not None and plan.date is not None:
            # A file without a plan date keeps the one the plan has, and dates by it.
            self.parsed = self.changes.parsed = parsed.with_date(plan.date)
        self.plan_fields = []
        if plan is None:
            self.changes.plan_action = "create"
            return Plan(symbol=parsed.symbol, **values)
        self.plan_fields = [name for name, value in values.items() if getattr(plan, name) != value]
        if self.plan_fields:
            self.changes.plan_action = "update"
            for name in self.plan_fields:
                setattr(plan, name, values[name])
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

    def diff_parts(self, plan, protected):
        existing = {part.number: part for part in plan.parts.all()} if plan.pk else {}
        matched = []
        for order, parsed in enumerate(self.parsed.parts, start=1):
            part = existing.pop(parsed.number, None) or _new(Part, plan, number=parsed.number)
            self.assign("parts", part, order=order, title=parsed.title)
            matched.append((parsed, part))
        self.finish_level(Part, "parts", [p for _, p in matched], existing.values(), protected)
        return matched

    def diff_questions(self, parts, protected, notes):
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
                question = question or _new(Question, part, code=parsed.code)
                old_heading = question.heading.code if question.heading_id else None
                changed = self.assign(
                    "questions",
                    question,
                    order=order,
                    title=parsed.title,
                    context=parsed.context,
                    is_heading=parsed.is_heading,
                    timeline=parsed.timeline,
                    outputs_note=notes.get(id(parsed), parsed.outputs_note),
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
        for _parsed, question in matched:
            heading = wanted_heading[id(question)]
            if question.heading_id != (heading.pk if heading else None) or (
                heading is not None and heading.pk is None
            ):
                self.writes.headings.append((question, heading))
        return matched

    def diff_lines(self, questions, protected):
        existing = defaultdict(list)
        known = [question.pk for _, question in questions if question.pk]
        for line in ActionLine.objects.filter(question__in=known).order_by("question", "order"):
            existing[line.question_id].append(line)
        matched, missing, created = [], [], 0
        for parsed_question, question in questions:
            old = existing.pop(question.pk, []) if question.pk else []
            found = _match_lines(parsed_question.lines, old)
            for order, parsed in enumerate(parsed_question.lines, start=1):
                values = {"order": order, "text": parsed.text, "timeline": parsed.timeline}
                deadline = {"deadline_kind": parsed.deadline.kind, "due_date": parsed.deadline.due}
                line = found.get(order - 1)
                if line is None:
                    line = _new(ActionLine, question, **values, **deadline)
                    created += 1
                else:
                    if (
                        parsed.deadline.kind == DeadlineKind.UNREAD
                        and line.timeline == parsed.timeline
                    ):
                        # A deadline a person set for a timeline the reader cannot read is kept.
                        deadline = {}
                    self.assign("lines", line, **values, **deadline)
                matched.append((parsed, line))
            used = {line.pk for line in found.values()}
            missing += [line for line in old if line.pk not in used]
        self.count("lines", "create", created)
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
        """Plan the removal or keeping of the missing rows, then the updates and creations."""
        missing = list(missing)
        parent = _PARENT_KEYS[model]
        level = _Level(model, parent)
        kept = []
        for row in missing:
            is_kept = row.pk in protected[kind] or not self.delete_missing
            self.changes.missing.append(
                Missing(kind, self.label(row), row.pk in protected[kind], row.pk)
            )
            self.count(kind, "remove")
            if is_kept:
                kept.append(row)
            else:
                level.removed.append(row.pk)
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
        level.changed = [row for row in wanted if row.pk and row._changed]
        level.moved = [row for row in level.changed if "order" in row._changed]
        level.fields = sorted({name for row in level.changed for name in row._changed})
        level.new = [row for row in wanted if row.pk is None]
        self.writes.levels.append(level)

    @staticmethod
    def label(row):
        if isinstance(row, Part):
            return row.title
        if isinstance(row, Question):
            return str(row)
        return f"{row.question.code}: {row.text}"

    # --------------------------------------------------- status updates, outputs

    def diff_status_updates(self, plan, questions, lines):
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
        entered_at = timezone.now()  # one moment for the import's updates
        for kind, parsed, row in targets:
            if not parsed.status:
                continue
            pk = row.pk
            target = (kind, pk)
            if pk and (target, parsed.as_of, parsed.status) in known:
                self.count("status_updates", "unchanged")
                continue
            if closed_until and parsed.as_of <= closed_until:
                # A published round's annex never changes: its period takes no new status.
                self.warn(
                    parsed.sheet,
                    parsed.row,
                    None,
                    _(
                        "the status as of %(as_of)s is not imported: the round as of "
                        "%(closed)s has been published."
                    )
                    % {"as_of": date_format(parsed.as_of), "closed": date_format(closed_until)},
                )
                continue
            replaces = pk and (target, parsed.as_of) in known
            self.count("status_updates", "update" if replaces else "create")
            self.writes.status_updates.append(
                _status_update(
                    row,
                    "action_line_id" if kind == "line" else "question_id",
                    as_of=parsed.as_of,
                    narrative=parsed.status,
                    category_confirmed=False,
                    source=StatusUpdate.Source.IMPORT,
                    entered_at=entered_at,
                )
            )
        # The narratives searched all at once: one suggestion per text, a few calls in all.
        updates = self.writes.status_updates
        suggested = suggest_statuses(update.narrative for update in updates)
        for update in updates:
            update.category = suggested[update.narrative] or ""

    def find_outputs(self):
        """The outputs the file's items name, and the notes of questions with items naming
        outputs the database lacks (those items stay as note text, with a warning)."""
        links = [
            (parsed, link) for _part, parsed in self.parsed.questions() for link in parsed.outputs
        ]
        outputs = {
            (output.outcome.framework.code, output.code): output
            for output in Output.objects.with_framework().filter(
                outcome__framework__code__in={link.framework for _, link in links}
            )
        }
        notes, warned = {}, set()
        for parsed, link in links:
            if (link.framework, link.code) in outputs:
                continue
            if (link.sheet, link.row, link.text) not in warned:
                warned.add((link.sheet, link.row, link.text))
                self.warn(
                    link.sheet,
                    link.row,
                    link.column,
                    _("output %(code)s of %(framework)s is not in the database: not linked.")
                    % {"code": link.code, "framework": link.framework},
                )
            note = notes.get(id(parsed), parsed.outputs_note)
            if link.text and link.text not in note.split("\n"):
                notes[id(parsed)] = "\n".join(filter(None, [note, link.text]))
        return outputs, notes

    def diff_outputs(self, questions, outputs):
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
                    continue
                # Questions not saved yet have no key: tell them apart by identity.
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
        gone = sorted(dropped) if self.delete_missing else []
        self.writes.links.append((through, ("question_id", "output_id"), gone, new))

    def diff_units(self, lines):
        """Units a units column names: linked to their lines; an unknown code is a warning."""
        named = [(parsed, line) for parsed, line in lines if parsed.units]
        if not named:
            return
        units = {unit.code.upper(): unit for unit in Unit.objects.all()}
        through = ActionLine.units.through
        existing = set(
            through.objects.filter(
                actionline__in=[line.pk for _, line in named if line.pk]
            ).values_list("actionline_id", "unit_id")
        )
        new, warned = [], set()
        for parsed, line in named:
            for code in parsed.units:
                found = [units.get(code.upper())]
                if found[0] is None:  # "PARDEV/PROGRAM", but never "PROPAR/TEC" split
                    found = [units.get(part.strip().upper()) for part in code.split("/")]
                if None in found:
                    cell = parsed.unit_cells[code]
                    if (cell, code) not in warned:
                        warned.add((cell, code))
                        self.warn(
                            *cell,
                            _("unit %(code)s is not known: the line is imported without it.")
                            % {"code": code},
                        )
                    continue
                for unit in found:
                    if line.pk and (line.pk, unit.pk) in existing:
                        self.count("unit_links", "unchanged")
                        continue
                    existing.add((line.pk or f"new {id(line)}", unit.pk))
                    self.count("unit_links", "create")
                    new.append((line, unit))
        self.writes.links.append((through, ("actionline_id", "unit_id"), [], new))
