"""Large renders run on the task worker (`manage.py db_worker`); the job row is their progress."""

import logging

from django.core.files.base import ContentFile
from django.db.models import F
from django.db.models.functions import Greatest
from django.tasks import task
from django.utils import timezone

from .documents import build
from .models import RenderJob
from .pdf import write_pdf

logger = logging.getLogger(__name__)


@task()
def render_job(job_id):
    job = RenderJob.objects.select_related("requested_by").get(pk=job_id)
    jobs = RenderJob.objects.filter(pk=job_id)

    def on_stage(stage):
        jobs.update(status=stage)

    def on_page(number):
        jobs.update(pages=number, expected_pages=Greatest(F("expected_pages"), number))

    try:
        on_stage(RenderJob.Status.COLLECTING)
        document = build(job.kind, job.object_id, job.params, job.requested_by)
        pdf = write_pdf(document, on_stage=on_stage, on_page=on_page)
    except Exception as error:
        logger.exception("Render job %s failed", job_id)
        jobs.update(status=RenderJob.Status.FAILED, error=str(error), finished_at=timezone.now())
        raise
    job.refresh_from_db()
    job.file.save(document.filename, ContentFile(pdf), save=False)
    job.filename = document.filename
    job.status = RenderJob.Status.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "filename", "status", "finished_at"])
