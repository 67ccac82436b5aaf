"""Mail this week's digests (measures.reminders); run weekly by cron, systemd or the worker."""

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from measures.management.arguments import report_date
from measures.reminders import schedule_weekly_digests, send_digests


class Command(BaseCommand):
    help = (
        "Mail each person their weekly digest (lines due soon, newly overdue, not updated "
        "since the last published round, updates awaiting their clearance), once per week."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="list who would get what; send nothing"
        )
        parser.add_argument(
            "--date", type=report_date, help="the digests' date, YYYY-MM-DD (default: today)"
        )
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="queue the weekly run on the task worker: now, then every Monday",
        )

    def handle(self, *, dry_run, date, schedule, **options):
        if schedule:
            if schedule_weekly_digests():
                self.stdout.write(_("The weekly digests are queued on the task worker."))
            else:
                self.stdout.write(_("The weekly digests are already queued."))
            return
        digests = send_digests(date or timezone.localdate(), dry_run=dry_run)
        for digest in digests:
            self.stdout.write(f"{digest.user.email}: {digest.summary()}")
        count = len(digests)
        if dry_run:
            done = ngettext(
                "Dry run: %(count)d digest to send.", "Dry run: %(count)d digests to send.", count
            )
        else:
            done = ngettext("%(count)d digest sent.", "%(count)d digests sent.", count)
        self.stdout.write(done % {"count": count})
