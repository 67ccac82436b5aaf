"""Large renders run on the task worker (`manage.py db_worker`); the job row is their progress.

A running render beats (`heartbeat_at`); one whose worker died is noticed by `recover_stalled`
(on the next look at the job, a new request, or `manage.py cleanup_files`), run once more, and
failed with a message the second time. Each try is numbered: a superseded one writes nothing.
"""

import datetime
import errno
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.tasks import task
from django.utils import timezone

from measures.heartbeat import fail_lost_task, heartbeat

from .documents import build
from .models import RENDER_FOLDER, RenderJob
from .pdf import PdfTooLarge, write_pdf

logger = logging.getLogger(__name__)

WORKER_LOST = "The task worker stopped while rendering (restarted, killed or out of memory)."


def enqueue(job):
    """Hand try `job.attempts` of `job` to the worker once the current transaction commits."""

    def send():
        result = render_job.enqueue(job.pk, job.attempts)
        RenderJob.objects.filter(pk=job.pk).update(task_id=result.id)

    transaction.on_commit(send)


def recover_stalled(jobs):
    """Run once more, or fail for good, each of `jobs` whose worker died; how many there were."""
    stalled = list(jobs.stalled())
    for job in stalled:
        fail_lost_task(job.task_id, WORKER_LOST)
        # Matching the try and its last beat: of two requests noticing together, one acts.
        same_try = RenderJob.objects.filter(
            pk=job.pk, attempts=job.attempts, heartbeat_at=job.heartbeat_at
        )
        if job.attempts < RenderJob.MAX_ATTEMPTS:
            if same_try.update(
                attempts=F("attempts") + 1,
                status=RenderJob.Status.QUEUED,
                heartbeat_at=None,
                pages=0,
            ):
                job.attempts += 1
                enqueue(job)
            logger.warning("Render job %s lost its worker; tried again", job.pk)
        else:
            same_try.update(
                status=RenderJob.Status.FAILED,
                failure=RenderJob.Failure.WORKER_LOST,
                error=WORKER_LOST,
                finished_at=timezone.now(),
            )
            logger.error("Render job %s lost its worker %s times", job.pk, job.attempts)
    return len(stalled)


@task()
def render_job(job_id, attempt=1):
    this_try = RenderJob.objects.filter(pk=job_id, attempts=attempt)
    job = this_try.select_related("requested_by").first()
    if job is None:
        return  # superseded by a later try, or deleted

    def on_stage(stage):
        this_try.update(status=stage)

    def on_page(number):
        this_try.update(pages=number, expected_pages=Greatest(F("expected_pages"), number))

    def failed(failure, error):
        this_try.update(
            status=RenderJob.Status.FAILED,
            failure=failure,
            error=error,
            finished_at=timezone.now(),
        )

    with heartbeat(lambda: this_try.update(heartbeat_at=timezone.now())):
        try:
            on_stage(RenderJob.Status.COLLECTING)
            document = build(job.kind, job.object_id, job.params, job.requested_by)
            pdf = write_pdf(document, on_stage=on_stage, on_page=on_page)
            name = _store(job, document.filename, pdf)
        except PdfTooLarge as error:
            failed(RenderJob.Failure.TOO_LARGE, str(error))
            return
        except Exception as error:
            if isinstance(error, OSError) and error.errno == errno.ENOSPC:
                logger.error("Render job %s: no space left for its file", job_id)
                failed(RenderJob.Failure.NO_SPACE, str(error))
                return
            logger.exception("Render job %s failed", job_id)
            failed(RenderJob.Failure.ERROR, str(error))
            raise
        if not this_try.update(
            file=name,
            filename=document.filename,
            status=RenderJob.Status.DONE,
            finished_at=timezone.now(),
        ):
            job.file.storage.delete(name)


def _store(job, filename, content):
    """Save the PDF in media storage; a full disk leaves no partial file behind."""
    storage = job.file.storage
    name = storage.get_available_name(job.file.field.generate_filename(job, filename))
    try:
        return storage.save(name, ContentFile(content))
    except OSError:
        storage.delete(name)
        raise


# A file this young may belong to a render whose row is about to say so.
ORPHAN_GRACE = datetime.timedelta(hours=1)


def remove_old_renders():
    """Delete renders finished more than RENDER_KEEP_DAYS ago with their files, and the files
    no render names (left by a worker killed while saving). How many files were deleted."""
    now = timezone.now()
    old = RenderJob.objects.filter(
        finished_at__lt=now - datetime.timedelta(days=settings.RENDER_KEEP_DAYS)
    )
    removed = 0
    for job in old.exclude(file=""):
        job.file.delete(save=False)
        removed += 1
    old.delete()
    storage = RenderJob.file.field.storage
    named = set(RenderJob.objects.exclude(file="").values_list("file", flat=True))
    for name in _files_under(storage, RENDER_FOLDER):
        if name not in named and storage.get_modified_time(name) < now - ORPHAN_GRACE:
            storage.delete(name)
            removed += 1
    return removed


def _files_under(storage, folder):
    if not storage.exists(folder):
        return
    folders, files = storage.listdir(folder)
    yield from (f"{folder}/{name}" for name in files)
    for sub in folders:
        yield from _files_under(storage, f"{folder}/{sub}")
