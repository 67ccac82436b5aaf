"""Writes that must hold under concurrent use: status updates and their clearance, rounds.

Each locks the plan's row first, so an update, its clearance and the publication of a round of
the same plan never interleave, and two people saving on the same line are served one after the
other.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import policy
from .models import Clearance, Plan, ReportingRound, StatusUpdate


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
    *, line, author, as_of, category, narrative, about_question, seen_update_id, submit=True
):
    """Add an update about `line` (or its whole question), unless someone else was quicker.

    On a plan that requires clearance it is a draft, or, if `submit`, submitted for clearance
    (`status_update_submit`); on other plans it is cleared as saved.

    `seen_update_id` is the newest update about the line the author saw when opening the form;
    any update entered since raises StatusConflict, so no one's words are silently overtaken.
    The same form sent twice (a double click, a second click after saving) returns the update
    already saved instead of adding a copy.
    """
    update = StatusUpdate(author=author, source=StatusUpdate.Source.APP, category_confirmed=True)
    _set_words(update, line, as_of, category, narrative, about_question)
    with transaction.atomic():
        plan = _lock_plan(line.question.part.plan_id)
        if plan.requires_clearance:
            update.clearance = Clearance.DRAFT
        _check_as_of(plan, as_of)
        seen = _seen_by(author, line)
        latest = seen.order_by("-pk").first()
        draft = plan.requires_clearance and not submit
        if latest and _same_request(latest, update, draft=draft):
            return latest
        _refuse_conflict(seen, seen_update_id)
        update.full_clean()
        update.save()
        if plan.requires_clearance and submit:
            _submit(update)
    return update


def status_update_edit(
    *, update, line, as_of, category, narrative, about_question, seen_update_id, submit=False
):
    """Change a draft, its author's alone (`policy.update_of_author`); submit it if `submit`.

    The conflict rule is the one of `status_update_create`; a draft already submitted by the
    same form sent twice is returned as it is.
    """
    with transaction.atomic():
        plan = _lock_plan(line.question.part.plan_id)
        update = StatusUpdate.objects.select_for_update().get(pk=update.pk)
        if update.clearance != Clearance.DRAFT:
            edited = StatusUpdate(author=update.author)
            _set_words(edited, line, as_of, category, narrative, about_question)
            if submit and _same_request(update, edited, draft=False):
                return update
            raise ValidationError(_("This update is no longer a draft: it cannot be changed."))
        _check_as_of(plan, as_of)
        _refuse_conflict(_seen_by(update.author, line).exclude(pk=update.pk), seen_update_id)
        _set_words(update, line, as_of, category, narrative, about_question)
        update.entered_at = timezone.now()
        update.full_clean()
        update.save()
        if submit:
            _submit(update)
    return update


def status_update_delete(*, update):
    """Delete a draft, its author's alone: nothing once it is submitted."""
    with transaction.atomic():
        _lock_plans_of([update])  # none if already deleted (a double click)
        deleted, _rows = StatusUpdate.objects.filter(
            pk=update.pk, clearance=Clearance.DRAFT
        ).delete()
        if not deleted and StatusUpdate.objects.filter(pk=update.pk).exists():
            raise ValidationError(_("This update is no longer a draft: it cannot be deleted."))


def status_update_submit(*, update):
    """Submit a draft for clearance. Someone who may clear it (a manager, the focal point of
    its units) has nothing to ask anyone: their update is cleared at once, by them."""
    with transaction.atomic():
        (plan,) = _lock_plans_of([update])
        update = StatusUpdate.objects.select_for_update().get(pk=update.pk)
        if update.clearance == Clearance.DRAFT:
            _check_as_of(plan, update.as_of)
            _submit(update)
    return update


def _submit(update):
    update.clearance = Clearance.SUBMITTED
    update.submitted_at = timezone.now()
    update.save(update_fields=["clearance", "submitted_at"])
    if policy.can_clear(update.author, update):
        _review(update, update.author, Clearance.CLEARED)


def status_update_clear(*, update, reviewer):
    """Clear a submitted update: from now on it counts in the plan's status and outputs."""
    with transaction.atomic():
        _lock_plans_of([update])
        (update,) = _awaiting([update])
        _review(update, reviewer, Clearance.CLEARED)
    return update


def status_updates_clear(*, updates, reviewer):
    """Clear several submitted updates at once, all or none; returns how many."""
    with transaction.atomic():
        _lock_plans_of(updates)
        cleared = _awaiting(updates)
        StatusUpdate.objects.filter(pk__in=[u.pk for u in cleared]).update(
            clearance=Clearance.CLEARED, reviewed_by=reviewer, reviewed_at=timezone.now()
        )
    return len(cleared)


def status_update_return(*, update, reviewer, comment):
    """Return a submitted update to its author with a comment; they submit a new one."""
    if not comment.strip():
        raise ValidationError({"comment": _("Say why the update is returned.")})
    with transaction.atomic():
        _lock_plans_of([update])
        (update,) = _awaiting([update])
        update.review_comment = comment.strip()
        _review(update, reviewer, Clearance.RETURNED)
    return update


def _awaiting(updates):
    """The `updates` locked and as they are now; refused unless all still await clearance."""
    locked = StatusUpdate.objects.select_for_update().filter(pk__in=[u.pk for u in updates])
    locked = list(locked.order_by("pk"))
    decided = [update for update in locked if update.clearance != Clearance.SUBMITTED]
    if decided or len(locked) != len(updates):
        raise ValidationError(
            ngettext(
                "%(count)d update no longer awaits clearance: someone decided it meanwhile.",
                "%(count)d updates no longer await clearance: someone decided them meanwhile.",
                len(updates) - len(locked) + len(decided),
            )
            % {"count": len(updates) - len(locked) + len(decided)}
        )
    return locked


def _review(update, reviewer, clearance):
    update.clearance = clearance
    update.reviewed_by = reviewer
    update.reviewed_at = timezone.now()
    update.save(update_fields=["clearance", "reviewed_by", "reviewed_at", "review_comment"])


def _set_words(update, line, as_of, category, narrative, about_question):
    update.action_line = None if about_question else line
    update.question = line.question if about_question else None
    update.as_of = as_of
    update.category = category
    update.narrative = narrative


def _lock_plans_of(updates):
    """Lock the plans of `updates`, by id (two batches never wait for each other)."""
    plans = StatusUpdate.objects.filter(pk__in=[u.pk for u in updates]).annotate(
        plan_id=Coalesce("action_line__question__part__plan", "question__part__plan")
    )
    return [_lock_plan(pk) for pk in sorted(set(plans.values_list("plan_id", flat=True)))]


def _seen_by(author, line):
    """The updates about `line` its author sees: a conflict is only with what one could read."""
    return policy.updates_seen_on_line(author, line, StatusUpdate.objects.about_line(line))


def _refuse_conflict(seen, seen_update_id):
    newer = list(seen.filter(pk__gt=seen_update_id or 0).select_related("author").order_by("-pk"))
    if newer:
        raise StatusConflict(newer)


def status_update_confirm(*, update):
    """Mark a suggested category as a person's: the words and the date stay as reported."""
    StatusUpdate.objects.filter(pk=update.pk).update(category_confirmed=True)


def _same_request(saved, update, *, draft):
    """Whether `update` repeats `saved`: same words, and saved as a `draft` or not, as asked
    (a returned update is never repeated: its author is asked for a new one)."""
    fields = ["action_line_id", "question_id", "as_of", "category", "narrative", "author_id"]
    same_words = all(getattr(saved, name) == getattr(update, name) for name in fields)
    was_draft = saved.clearance == Clearance.DRAFT
    return same_words and was_draft == draft and saved.clearance != Clearance.RETURNED


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
        waiting = round_.awaiting_clearance().count()
        if waiting:
            raise ValidationError(
                ngettext(
                    "%(count)d status update dated in this round awaits clearance: "
                    "clear or return it first.",
                    "%(count)d status updates dated in this round await clearance: "
                    "clear or return them first.",
                    waiting,
                )
                % {"count": waiting}
            )
        round_.published_at = timezone.now()
        round_.published_by = user
        round_.save(update_fields=["published_at", "published_by"])
    return round_


def is_disk_full(error):
    """Whether a database error says the disk is full (SQLite's SQLITE_FULL, PostgreSQL 53100)."""
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) == "53100" or "database or disk is full" in str(error)
