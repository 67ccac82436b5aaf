"""Writes that must hold under concurrent use: adding a status update, publishing a round.

Both lock the plan's row first, so an update and the publication of a round of the same plan
never interleave, and two people saving on the same line are served one after the other.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import Plan, ReportingRound, StatusUpdate


class StatusConflict(Exception):
    """Updates about the line arrived after the user opened the form."""

    def __init__(self, newer):
        super().__init__("newer status updates exist")
        self.newer = newer


def _lock_plan(plan_id):
    return Plan.objects.select_for_update().get(pk=plan_id)


def _check_as_of(plan, as_of):
    if as_of > timezone.localdate():
        raise ValidationError({"as_of": _("The as-of date cannot be in the future.")})
    closed_until = ReportingRound.closed_until(plan)
    if closed_until and as_of <= closed_until:
        raise ValidationError(
            {
                "as_of": _("The round as of %(date)s has been published: choose a later date.")
                % {"date": date_format(closed_until)}
            }
        )


def status_update_create(
    *, line, author, as_of, category, narrative, about_question, seen_update_id
):
    """Add an update about `line` (or its whole question), unless someone else was quicker.

    `seen_update_id` is the newest update about the line the author saw when opening the form;
    any update entered since raises StatusConflict, so no one's words are silently overtaken.
    The same form sent twice (a double click, a second click after saving) returns the update
    already saved instead of adding a copy.
    """
    update = StatusUpdate(
        action_line=None if about_question else line,
        question=line.question if about_question else None,
        as_of=as_of,
        category=category,
        category_confirmed=True,
        narrative=narrative,
        author=author,
        source=StatusUpdate.Source.APP,
    )
    with transaction.atomic():
        plan = _lock_plan(line.question.part.plan_id)
        _check_as_of(plan, as_of)
        latest = StatusUpdate.objects.about_line(line).order_by("-pk").first()
        if latest and _same_words(latest, update):
            return latest
        newer = list(
            StatusUpdate.objects.about_line(line)
            .filter(pk__gt=seen_update_id or 0)
            .select_related("author")
            .order_by("-pk")
        )
        if newer:
            raise StatusConflict(newer)
        update.full_clean()
        update.save()
    return update


def status_update_confirm(*, update):
    """Mark a suggested category as a person's: the words and the date stay as reported."""
    StatusUpdate.objects.filter(pk=update.pk).update(category_confirmed=True)


def _same_words(saved, update):
    fields = ["action_line_id", "question_id", "as_of", "category", "narrative", "author_id"]
    return all(getattr(saved, name) == getattr(update, name) for name in fields)


def round_create(*, plan, as_of):
    round_ = ReportingRound(plan=plan, as_of=as_of)
    round_.full_clean()
    round_.save()
    return round_


def round_publish(*, round_, user):
    """Publish a round: from now on its plan takes no update on or before its date."""
    with transaction.atomic():
        _lock_plan(round_.plan_id)
        round_ = ReportingRound.objects.select_for_update().get(pk=round_.pk)
        if round_.is_published:
            raise ValidationError(_("This round is already published."))
        if round_.as_of > timezone.localdate():
            raise ValidationError(_("A round cannot be published before its as-of date."))
        round_.published_at = timezone.now()
        round_.published_by = user
        round_.save(update_fields=["published_at", "published_by"])
    return round_


def is_disk_full(error):
    """Whether a database error says the disk is full (SQLite's SQLITE_FULL, PostgreSQL 53100)."""
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) == "53100" or "database or disk is full" in str(error)
