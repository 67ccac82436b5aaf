"""Weekly digests: what each person should look at this week, mailed in their language.

A digest lists its reader's units' lines due within REMINDER_DUE_DAYS, newly overdue (due in
the past week and still open) and with no update since their plan's last published round; a
focal point or manager also gets the updates awaiting their clearance. Each person gets at most
one per ISO week (`DigestSent`), whether cron, the task worker or a person runs the sending.
"""

import datetime
import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.tasks import TaskResultStatus, task
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from django_tasks_db.models import DBTaskResult

from . import policy
from .models import ActionLine, Clearance, DigestSent, Preferences

logger = logging.getLogger(__name__)

WEEK = datetime.timedelta(days=7)
# The task worker sends on Mondays at this local time (settings.TIME_ZONE).
SEND_AT = datetime.time(7, 0)


def week_of(day):
    """The Monday of `day`'s ISO week: a digest is sent once per person and week."""
    return day - datetime.timedelta(days=day.weekday())


def awaiting_clearance(user):
    """Submitted updates the user may clear (the rule is `policy.clearable_updates`)."""
    return (
        policy.clearable_updates(user)
        .filter(clearance=Clearance.SUBMITTED)
        .select_related("action_line__question__part__plan", "question__part__plan", "author")
        .order_by("as_of", "entered_at", "pk")
    )


@dataclass
class Digest:
    user: object
    date: datetime.date
    due_soon: list
    newly_overdue: list
    not_updated: list
    awaiting_clearance: list

    def __bool__(self):
        return bool(
            self.due_soon or self.newly_overdue or self.not_updated or self.awaiting_clearance
        )

    @property
    def week(self):
        return week_of(self.date)

    def sections(self):
        """(title, lines) of each non-empty section of lines, in the active language."""
        days = settings.REMINDER_DUE_DAYS
        sections = [
            (gettext("Newly overdue: due in the past week and still open"), self.newly_overdue),
            (
                ngettext("Due within %(days)d day", "Due within %(days)d days", days)
                % {"days": days},
                self.due_soon,
            ),
            (gettext("No update since the last published round"), self.not_updated),
        ]
        return [(title, lines) for title, lines in sections if lines]

    def summary(self):
        return (
            f"{len(self.due_soon)} due soon, {len(self.newly_overdue)} newly overdue, "
            f"{len(self.not_updated)} not updated, {len(self.awaiting_clearance)} to clear"
        )


def build_digest(user, date):
    """`user`'s digest on `date`: five queries, whatever the number of lines."""
    lines = (
        ActionLine.objects.of_units(user.units.all())
        .select_related("question__part__plan")
        .in_print_order()
    )
    marked = lines.with_status_as_of(date)
    return Digest(
        user=user,
        date=date,
        due_soon=list(marked.due_within(settings.REMINDER_DUE_DAYS, date)),
        newly_overdue=list(lines.overdue(date).filter(due_date__gte=date - WEEK)),
        not_updated=list(marked.not_updated_since_round(date)),
        awaiting_clearance=list(awaiting_clearance(user)),
    )


def mail_language(user):
    try:
        return user.preferences.mail_language
    except Preferences.DoesNotExist:
        return settings.LANGUAGE_CODE


def digest_message(digest):
    """The digest as an e-mail in its reader's language: plain text and HTML."""
    context = {
        "digest": digest,
        "due_days": settings.REMINDER_DUE_DAYS,
        "site_url": settings.SITE_URL.rstrip("/"),
    }
    with translation.override(mail_language(digest.user)):
        subject = render_to_string("mail/digest_subject.txt", context).strip()
        text = render_to_string("mail/digest.txt", context)
        html = render_to_string("mail/digest.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[digest.user.email])
    message.attach_alternative(html, "text/html")
    return message


def recipients(week):
    """Active people with an address who want digests and got none yet in `week`."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .exclude(preferences__digests=False)
        .exclude(digests__week=week)
        .select_related("preferences")
        .order_by("pk")
    )


def send_once(digest):
    """Send `digest` unless its reader already got one this week; whether it was sent.

    The record and the sending are one transaction: of two runs at once, the second waits on
    the record's unique key and skips; a refused mail records nothing and is tried next run.
    """
    try:
        with transaction.atomic():
            DigestSent.objects.create(user=digest.user, week=week_of(digest.date))
            digest_message(digest).send()
    except IntegrityError:
        return False
    except (smtplib.SMTPException, OSError):
        logger.exception("The digest for %s was not sent", digest.user)
        return False
    return True


def send_digests(date, *, dry_run=False):
    """Mail this week's non-empty digests; the list of those sent (or, dry, to send)."""
    sent = []
    for user in recipients(week_of(date)):
        digest = build_digest(user, date)
        if digest and (dry_run or send_once(digest)):
            sent.append(digest)
    return sent


def next_monday(day):
    return week_of(day) + WEEK


@task()
def send_weekly_digests():
    """The worker's weekly run: queue next Monday's (first, so that a failure here does not end
    the chain), then send this week's digests."""
    today = timezone.localdate()
    schedule_weekly_digests(next_monday(today))
    return len(send_digests(today))


def schedule_weekly_digests(day=None):
    """Queue the weekly run for `day` at SEND_AT (now if None); False if one is queued already,
    so starting it twice does not make two weekly chains."""
    waiting = DBTaskResult.objects.filter(
        task_path=send_weekly_digests.module_path, status=TaskResultStatus.READY
    )
    if waiting.exists():
        return False
    run_after = day and datetime.datetime.combine(
        day, SEND_AT, tzinfo=timezone.get_current_timezone()
    )
    send_weekly_digests.using(run_after=run_after).enqueue()
    return True
