"""Recover work whose worker died and delete files nobody will ask for again.

Run every few minutes by cron (or any scheduler): see README, "Nothing a user entered is lost".
"""

from django.core.management.base import BaseCommand

from measures.admin_import import remove_old_uploads
from measures.importing.tasks import recover_all_stalled
from reports.models import RenderJob
from reports.tasks import recover_stalled, remove_old_renders


class Command(BaseCommand):
    help = (
        "Retry or fail renders and imports whose task worker died, then delete rendered PDFs "
        "older than RENDER_KEEP_DAYS and uploads older than a day that no import waits for."
    )

    def handle(self, *args, **options):
        renders = recover_stalled(RenderJob.objects.all())
        imports = recover_all_stalled()
        files = remove_old_renders()
        uploads = remove_old_uploads()
        self.stdout.write(
            f"{renders} stalled render(s) and {imports} stalled import(s) recovered; "
            f"{files} rendered PDF(s) and {uploads} upload file(s) deleted."
        )
