"""Who changed what, when and how: the audit trail kept by django-simple-history.

Every audited model has `history = AuditedRecords(...)`. Each historical row records the user,
the time, the values after the change (the row before holds the values before) and how the
change was made: `history_source` (admin, import, form, command) and, for imports, the batch.
Entry points say how with `recorded(...)`; web requests get it from `AuditMiddleware`.

Shared by `outcomes` and `measures`, so it depends on neither.
"""

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ilo_tracker import bulk


class Source(models.TextChoices):
    ADMIN = "admin", _("Django admin")
    IMPORT = "import", _("Import")
    FORM = "form", _("Form in the app")
    COMMAND = "command", _("Command")


@dataclass(frozen=True)
class How:
    source: str = ""
    user: object = None
    reason: str = ""
    batch_id: int | None = None


_UNSAID = How()
# Rows per bulk_update statement, whose CASE for each field grows with the rows.
_UPDATE_BATCH = 500
_how = contextvars.ContextVar("audit_how", default=None)


def current():
    return _how.get() or _UNSAID


def _acting_user():
    user = current().user
    return user if user is not None and user.is_authenticated else None


@contextmanager
def recorded(source, *, user=None, reason="", batch=None):
    """Record the changes made inside the block as made by `user` through `source`."""
    token = _how.set(How(source, user, reason, batch.pk if batch else None))
    try:
        yield
    finally:
        _how.reset(token)


# Field defaults, so that historical rows written one by one (on save and delete) and in bulk
# (simple_history.utils.bulk_*_with_history) both take them from the block they are written in.
def current_source():
    return current().source


def current_batch():
    return current().batch_id


class SourcedHistory(models.Model):
    """Abstract base of every historical model: how the change was made."""

    history_source = models.CharField(
        _("how"), max_length=8, choices=Source, blank=True, default=current_source
    )

    class Meta:
        abstract = True


class AuditedRecords(HistoricalRecords):
    """HistoricalRecords whose user and reason come from the `recorded` block, if any."""

    def __init__(self, **kwargs):
        kwargs.setdefault("bases", [SourcedHistory])
        super().__init__(**kwargs)

    def get_history_user(self, instance):
        return _acting_user() or super().get_history_user(instance)

    def m2m_changed(self, instance, action, attr, pk_set, reverse, model=None, **kwargs):
        if not reverse:
            return super().m2m_changed(instance, action, attr, pk_set, reverse)
        # Changed from the other side (user.units.add(unit)): `instance` is not ours, the rows
        # in `pk_set` are, and each gets its record.
        if action == "pre_clear":
            instance._audit_cleared = list(model._default_manager.filter(**{attr: instance}))
            return None
        if action == "post_clear":
            rows = instance.__dict__.pop("_audit_cleared", [])
        else:
            rows = model._default_manager.filter(pk__in=pk_set or ())
        for row in rows:
            super().m2m_changed(row, action, attr, pk_set, False)
        return None

    def get_change_reason_for_object(self, instance, history_type, using):
        return super().get_change_reason_for_object(instance, history_type, using) or (
            current().reason or None
        )


class AuditMiddleware:
    """Changes made by a request are made by its user, in the admin or through the app's forms.

    Stands in for simple-history's HistoryRequestMiddleware; goes after authentication.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # request.user is lazy: the user is looked up only if a change is recorded.
        with recorded(Source.FORM, user=request.user):
            return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # The URL as Django resolved it, not resolved a second time; undone with the rest
        # when `recorded` above ends.
        if request.resolver_match.namespace == "admin":
            _how.set(How(Source.ADMIN, request.user))


def bulk_create_with_history(model, objs):
    """Save new rows in bulk (`ilo_tracker.bulk.create`) with a "+" record of each."""
    bulk.create(model, objs)
    bulk_history(model, objs, "+")


def bulk_update_with_history(model, objs, fields):
    """`bulk_update` of `fields` with a "~" record of each row."""
    model._default_manager.bulk_update(objs, fields, batch_size=_UPDATE_BATCH)
    bulk_history(model, objs, "~")


def bulk_history(model, objs, history_type):
    """Record the rows `objs` of `model` as created ("+") or changed ("~"), as they are in
    memory: what simple-history's `bulk_history_create` writes, from tuples instead of
    historical instances, and taking reason, user, source and batch from the `recorded` block."""
    tracked = [field.attname for field in model.history.model.tracked_fields]
    _write_history(model, bulk.values_of(objs, tracked), history_type)


def bulk_m2m_history(model, pks):
    """Record the rows `pks` of `model` as changed, with their many-to-many links as they are.

    For links written in bulk (`ilo_tracker.bulk.insert`, a filtered `delete()`), which send
    no m2m_changed signal. Three queries, and two per many-to-many field, whatever the number
    of rows.
    """
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history = model.history.model
    tracked = [field.attname for field in history.tracked_fields]
    rows = list(model._default_manager.filter(pk__in=pks).values_list(*tracked))
    if not rows:
        return
    ids = _write_history(model, rows, "~", with_ids=True)
    key = tracked.index(model._meta.pk.attname)
    record_of = {row[key]: history_id for row, history_id in zip(rows, ids, strict=True)}
    for field in history._history_m2m_fields:
        through = field.remote_field.through
        snapshots = HistoricalRecords.m2m_models[field]
        owner = through._meta.get_field(field.m2m_field_name()).attname
        columns = [f.attname for f in through._meta.concrete_fields]
        links = through.objects.filter(**{f"{owner}__in": list(record_of)}).values_list(*columns)
        bulk.insert(
            snapshots,
            [snapshots._meta.get_field("history")]
            + [snapshots._meta.get_field(f.name) for f in through._meta.concrete_fields],
            [(record_of[link[columns.index(owner)]], *link) for link in links],
        )


def _write_history(model, rows, history_type, with_ids=False):
    """Insert a historical record of `model` per row of tracked values; their keys if asked."""
    if not rows or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return []
    history = model.history.model
    user = _acting_user()
    given = {
        "history_date": timezone.now(),
        "history_type": history_type,
        "history_user_id": user.pk if user else None,
        "history_change_reason": current().reason or None,
    }
    tracked = [history._meta.get_field(field.name) for field in history.tracked_fields]
    others = [f for f in history._meta.concrete_fields if f not in tracked and not f.primary_key]
    # The rest (history_source, history_batch) take their defaults, as when saved one by one.
    same = [given[f.attname] if f.attname in given else f.get_default() for f in others]
    fields, ids = tracked + others, []
    if with_ids:
        ids = bulk.reserve_ids(history, len(rows))
        fields = [history._meta.pk, *fields]
        rows = [[pk, *row] for pk, row in zip(ids, rows, strict=True)]
    bulk.insert(history, fields, ([*row, *same] for row in rows))
    return ids
