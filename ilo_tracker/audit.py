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
from django.urls import resolve
from django.urls.exceptions import Resolver404
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


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
_how = contextvars.ContextVar("audit_how", default=None)


def current():
    return _how.get() or _UNSAID


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
        user = current().user
        if user is not None and user.is_authenticated:
            return user
        return super().get_history_user(instance)

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
        try:
            in_admin = resolve(request.path_info).namespace == "admin"
        except Resolver404:
            in_admin = False
        # request.user is lazy: the user is looked up only if a change is recorded.
        with recorded(Source.ADMIN if in_admin else Source.FORM, user=request.user):
            return self.get_response(request)


def bulk_m2m_history(model, pks, batch_size=None):
    """Record the rows `pks` of `model` as changed, with their many-to-many links as they are.

    For links written in bulk (`through.objects.bulk_create`, a filtered `delete()`), which send
    no m2m_changed signal. Three queries per many-to-many field, whatever the number of rows.
    """
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    instances = list(model._default_manager.filter(pk__in=pks))
    if not instances:
        return
    records = model.history.bulk_history_create(instances, update=True, batch_size=batch_size)
    pk = model._meta.pk.attname
    record_of = {getattr(record, pk): record.pk for record in records}
    for field in model.history.model._history_m2m_fields:
        through = field.remote_field.through
        snapshots = HistoricalRecords.m2m_models[field]
        owner = field.m2m_field_name()
        links = through.objects.filter(**{f"{owner}__in": record_of})
        snapshots.objects.bulk_create(
            [
                snapshots(
                    history_id=record_of[getattr(link, f"{owner}_id")],
                    **{f.attname: getattr(link, f.attname) for f in through._meta.fields},
                )
                for link in links
            ],
            batch_size=batch_size,
        )
