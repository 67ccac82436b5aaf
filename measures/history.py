"""A plan's or a line's change history, read from the audit trail: who, when, how, what changed.

Each entry compares a historical row with the one before it for the same record, field by
field, many-to-many links included. A page of entries takes a fixed number of queries whatever
the number of rows: the page (one query over every kind), then per kind its rows, their
previous rows, and the links and names they show.
"""

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import CharField, F, OuterRef, Subquery, Value
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords

from ilo_tracker.audit import Source

from .models import ActionLine, Part, Plan, Question, ReportingRound

PER_PAGE = 50
KINDS = {
    "plan": Plan,
    "part": Part,
    "question": Question,
    "line": ActionLine,
    "round": ReportingRound,
}
# simple-history's own words for these have no Spanish.
ACTIONS = {
    "+": gettext_lazy("Created"),
    "~": gettext_lazy("Changed"),
    "-": gettext_lazy("Deleted"),
}
LABELS = {
    "plan": lambda r: r.symbol or r.title,
    "part": lambda r: f"{r.number} {r.title}",
    "question": lambda r: f"{r.code} {r.title}",
    "line": lambda r: r.text,
    "round": lambda r: formats.date_format(r.as_of),
}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class Entry:
    when: object
    user: object
    how: str
    kind: str
    label: str
    action: str
    changes: list[Change] = field(default_factory=list)


def records_of_plan(plan):
    """The historical rows of the plan and of everything that ever hung under it, by kind."""
    history = {kind: model.history.model.objects for kind, model in KINDS.items()}
    parts = history["part"].filter(plan_id=plan.pk)
    questions = history["question"].filter(part_id__in=parts.values("id"))
    return {
        "plan": history["plan"].filter(id=plan.pk),
        "part": parts,
        "question": questions,
        "line": history["line"].filter(question_id__in=questions.values("id")),
        "round": history["round"].filter(plan_id=plan.pk),
    }


def records_of_line(line):
    return {"line": ActionLine.history.model.objects.filter(id=line.pk)}


def history_page(records, number):
    """The page `number` of the entries of `records` (kind → historical rows), newest first."""
    keys = [
        rows.order_by()
        .annotate(
            kind=Value(kind, output_field=CharField()), key=F("history_id"), at=F("history_date")
        )
        .values_list("kind", "key", "at")
        for kind, rows in records.items()
    ]
    page = Paginator(keys[0].union(*keys[1:], all=True).order_by("-at", "-key"), PER_PAGE)
    page = page.get_page(number)
    wanted = {}
    for kind, key, _at in page.object_list:
        wanted.setdefault(kind, []).append(key)
    entries = {}
    for kind, keys_of_kind in wanted.items():
        for record, entry in _entries(KINDS[kind], kind, keys_of_kind):
            entries[kind, record] = entry
    page.object_list = [entries[kind, key] for kind, key, _at in page.object_list]
    return page


def _entries(model, kind, keys):
    """(history id, Entry) of the historical rows `keys` of `model`."""
    history = model.history.model
    before = history.objects.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
    rows = list(
        history.objects.filter(history_id__in=keys)
        .select_related("history_user", "history_batch")
        .annotate(previous_id=Subquery(before.order_by("-history_id").values("history_id")[:1]))
    )
    previous = history.objects.in_bulk([r.previous_id for r in rows if r.previous_id])
    links = _links(history, [r.history_id for r in rows] + list(previous))
    names = _names(model, [*rows, *previous.values()], links)
    for row in rows:
        old = previous.get(row.previous_id)
        yield (
            row.history_id,
            Entry(
                when=row.history_date,
                user=row.history_user,
                how=_how(row),
                kind=model._meta.verbose_name,
                label=LABELS[kind](row),
                action=ACTIONS[row.history_type],
                changes=[] if row.history_type == "-" else _changes(model, old, row, links, names),
            ),
        )


def _how(row):
    how = row.get_history_source_display() or _("Not recorded")
    if row.history_source == Source.IMPORT and row.history_batch:
        return f"{how}: {row.history_batch.filename} (SHA-256 {row.history_batch.sha256[:12]}…)"
    if row.history_change_reason:
        return f"{how}: {row.history_change_reason}"
    return how


def _fields(model):
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _changes(model, old, new, links, names):
    changes = []
    for f in _fields(model):
        before = getattr(old, f.attname) if old else None
        after = getattr(new, f.attname)
        if before != after and (old or after not in (None, "")):
            changes.append(
                Change(f.verbose_name, _shown(f, before, names), _shown(f, after, names))
            )
    for f in model.history.model._history_m2m_fields:
        before = links[f].get(old.history_id, set()) if old else set()
        after = links[f].get(new.history_id, set())
        if before != after:
            changes.append(
                Change(
                    f.verbose_name,
                    ", ".join(sorted(names[f][k] for k in before)) or "—",
                    ", ".join(sorted(names[f][k] for k in after)) or "—",
                )
            )
    return changes


def _links(history, record_ids):
    """Many-to-many field → historical row id → the ids it linked to then."""
    links = {}
    for f in history._history_m2m_fields:
        snapshots = HistoricalRecords.m2m_models[f]
        target = f.m2m_reverse_field_name() + "_id"
        by_record = links[f] = {}
        for record, linked in snapshots.objects.filter(history_id__in=record_ids).values_list(
            "history_id", target
        ):
            by_record.setdefault(record, set()).add(linked)
    return links


def _names(model, rows, links):
    """Field → id → name, for the foreign keys and links these rows show."""
    wanted = {f: {getattr(r, f.attname) for r in rows} for f in _fields(model) if f.is_relation}
    for f, by_record in links.items():
        wanted[f] = set().union(*by_record.values())
    return {
        f: {pk: str(obj) for pk, obj in _related(f.related_model, ids - {None}).items()}
        for f, ids in wanted.items()
    }


def _related(model, ids):
    queryset = model._default_manager.all()
    if hasattr(queryset, "with_framework"):
        queryset = queryset.with_framework()
    return queryset.in_bulk(ids)


def _shown(f, value, names):
    if value is None or value == "":
        return "—"
    if f.is_relation:
        return names[f].get(value) or _("#%(id)s (deleted)") % {"id": value}
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if hasattr(value, "tzinfo"):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if hasattr(value, "isoformat"):
        return formats.date_format(value)
    return str(value)
