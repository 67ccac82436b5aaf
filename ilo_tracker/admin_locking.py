"""Optimistic locking for admin forms: a save never silently overwrites someone else's edit.

Each form carries a digest of the row as it was when the form was opened. If the row changed in
the meantime, the save is refused with the user's input kept; saving again, knowingly, goes
through.
"""

import hashlib

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from ilo_tracker.text import MAX_TEXT_LENGTH
from measures.text import CleanTextField

FIELD = "seen_version"


def fingerprint(obj):
    """A digest of a row's stored values, its many-to-many links included."""
    values = [(f.attname, f.value_from_object(obj)) for f in obj._meta.concrete_fields]
    values += [
        (f.name, sorted(getattr(obj, f.name).values_list("pk", flat=True)))
        for f in obj._meta.many_to_many
    ]
    return hashlib.sha256(repr(values).encode()).hexdigest()


class LockedForm(forms.ModelForm):
    seen_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields[FIELD].initial = fingerprint(self.instance)

    def clean(self):
        cleaned = super().clean()
        # Until _post_clean, self.instance holds the row as stored now.
        if self.instance.pk and cleaned.get(FIELD) != (current := fingerprint(self.instance)):
            self.data = self.data.copy()
            self.data[self.add_prefix(FIELD)] = current
            raise forms.ValidationError(
                _(
                    "Someone else saved “%(object)s” after you opened this page. Your changes "
                    "are kept here but not saved: open the record in another tab to see theirs, "
                    "then save again to replace it with yours."
                ),
                code="edit_conflict",
                params={"object": self.instance},
            )
        return cleaned


class LockedAdminMixin:
    """For ModelAdmin and inlines: every change form carries the row's version, and its texts
    are cleaned of control characters and bounded, as in the app's own forms."""

    form = LockedForm
    formfield_overrides = {
        models.CharField: {"form_class": CleanTextField},
        models.TextField: {"form_class": CleanTextField, "max_length": MAX_TEXT_LENGTH},
    }

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        return fields if FIELD in fields else [*fields, FIELD]
