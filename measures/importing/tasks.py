"""Large confirmed imports run on the task worker (`manage.py db_worker`), off the request.

The import writes in one transaction that other connections cannot see until it commits, so
its progress goes to a small file beside the stored upload, where the progress page reads it;
the running import touches that file as its heartbeat (measures.heartbeat).
"""

import datetime
import hashlib
import json
from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.tasks import TaskResultStatus, task
from django.utils import translation
from django.utils.translation import gettext_lazy
from django_tasks_db.models import DBTaskResult

from measures.audit import import_recorded
from measures.heartbeat import WorkerLost, fail_lost_task, heartbeat, stale_before
from measures.models import ImportBatch

from .reader import read_plan
from .sync import STAGES
from .workbook import ImportRefused

READING = gettext_lazy("Reading the workbook…")
STEPS = 1 + len(STAGES)
WORKER_LOST = "The task worker stopped during the import (restarted, killed or out of memory)."


def progress_path(upload: Path) -> Path:
    return upload.with_suffix(".progress.json")


def read_progress(upload: Path):
    """(step, stage) of the import of `upload`: (0, "") until the worker starts it."""
    try:
        state = json.loads(progress_path(upload).read_text())
    except (OSError, ValueError):
        return 0, ""
    return state["step"], state["stage"]


@task(takes_context=True)
def import_stored_workbook(
    context,
    path,
    filename,
    symbol,
    delete_missing,
    language,
    plan_date=None,
    user_id=None,
    previewed=None,
):
    """Import the stored upload at `path` in one transaction, then delete the upload.

    Returns the plan and what changed, or the problems for which the file was refused.
    `plan_date` is an ISO date, or None to take the file's; `user_id` is the importing user;
    `previewed`, the preview's fingerprint (`import_plan`).
    """
    stored = Path(path)
    step, digest = 0, None

    def progress(stage):
        nonlocal step
        step += 1
        partial = stored.with_suffix(".progress.tmp")
        # The file's SHA-256 names its batch should the worker die after the commit.
        partial.write_text(json.dumps({"step": step, "stage": str(stage), "sha256": digest}))
        partial.replace(progress_path(stored))  # the page never reads half a file

    with translation.override(language), heartbeat(progress_path(stored).touch):
        try:
            progress(READING)
            content = stored.read_bytes()
            digest = hashlib.sha256(content).hexdigest()
            parsed = read_plan(
                content,
                filename,
                symbol,
                date.fromisoformat(plan_date) if plan_date else None,
            )
            user = get_user_model().objects.filter(pk=user_id).first()
            with transaction.atomic():
                changes = import_recorded(
                    parsed,
                    content,
                    user=user,
                    delete_missing=delete_missing,
                    progress=progress,
                    previewed=previewed,
                )
                _still_running(context.task_result.id)
        except ImportRefused as refused:
            problems = [{"where": p.where, "message": p.message} for p in refused.problems]
            return {"problems": problems}
        finally:
            stored.unlink(missing_ok=True)
    counts = {kind: vars(count) for kind, count in changes.counts.items()}
    return {"plan": changes.plan.pk, "symbol": parsed.symbol, "counts": counts}


def _still_running(task_id):
    """Inside the import's transaction, which commits only if the queue still has its task
    running: the row stays locked until then. An import declared lost meanwhile (its worker
    stalled for a whole lease, then went on) writes nothing."""
    running = DBTaskResult.objects.select_for_update().filter(
        id=task_id, status=TaskResultStatus.RUNNING
    )
    if not running.exists():
        raise WorkerLost(WORKER_LOST)


def recover_stalled(result, upload: Path):
    """Settle the import `result` if its worker died; True if it had. Its upload is deleted.

    Killed before its commit, the import wrote nothing: it fails with a message, and is not
    run again (it was confirmed against a preview of the plan as it then was). Killed between
    its commit and the queue's record of it, it is recorded as done, from its batch.
    """
    if result.status != TaskResultStatus.RUNNING:
        return False
    try:
        mtime = progress_path(upload).stat().st_mtime
        last_beat = datetime.datetime.fromtimestamp(mtime, datetime.UTC)
    except OSError:
        last_beat = result.started_at
    if last_beat >= stale_before():
        return False
    with transaction.atomic():
        # Waits for an import still committing (`_still_running` holds the row).
        task = DBTaskResult.objects.select_for_update().filter(id=result.id).first()
        if task is None or task.status != TaskResultStatus.RUNNING:
            return False
        batch = _committed_batch(upload, result)
        if batch is None:
            fail_lost_task(result.id, WORKER_LOST)
        else:
            task.set_successful(
                {"plan": batch.plan_id, "symbol": batch.plan.symbol, "counts": batch.counts}
            )
    upload.unlink(missing_ok=True)
    progress_path(upload).unlink(missing_ok=True)
    return True


def _committed_batch(upload: Path, result):
    """The batch the import `result` committed, known by the file's SHA-256 in its progress
    file (its importing user too, since it started), or None."""
    try:
        digest = json.loads(progress_path(upload).read_text())["sha256"]
    except (OSError, ValueError, KeyError):
        return None
    batches = ImportBatch.objects.filter(
        sha256=digest, user_id=result.kwargs.get("user_id"), started_at__gte=result.started_at
    )
    return batches.exclude(plan=None).select_related("plan").first() if digest else None


def recover_all_stalled():
    """`recover_stalled` for every import the queue has running; how many had stalled."""
    running = DBTaskResult.objects.running().filter(task_path=import_stored_workbook.module_path)
    return sum(recover_stalled(r.task_result, Path(r.args_kwargs["args"][0])) for r in running)


def uploads_in_use():
    """The stored uploads of imports still waiting for or running on the worker."""
    waiting = DBTaskResult.objects.filter(
        task_path=import_stored_workbook.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
    )
    return {Path(r.args_kwargs["args"][0]) for r in waiting}
