"""Large confirmed imports run on the task worker (`manage.py db_worker`), off the request.

The import writes in one transaction that other connections cannot see until it commits, so
its progress goes to a small file beside the stored upload, where the progress page reads it;
the running import touches that file as its heartbeat (measures.heartbeat).
"""

import datetime
import json
from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.tasks import TaskResultStatus, task
from django.utils import translation
from django.utils.translation import gettext_lazy
from django_tasks_db.models import DBTaskResult

from measures.audit import import_recorded
from measures.heartbeat import fail_lost_task, heartbeat, stale_before

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


@task()
def import_stored_workbook(
    path, filename, symbol, delete_missing, language, plan_date=None, user_id=None, previewed=None
):
    """Import the stored upload at `path` in one transaction, then delete the upload.

    Returns the plan and what changed, or the problems for which the file was refused.
    `plan_date` is an ISO date, or None to take the file's; `user_id` is the importing user;
    `previewed`, the preview's fingerprint (`import_plan`).
    """
    stored = Path(path)
    step = 0

    def progress(stage):
        nonlocal step
        step += 1
        partial = stored.with_suffix(".progress.tmp")
        partial.write_text(json.dumps({"step": step, "stage": str(stage)}))
        partial.replace(progress_path(stored))  # the page never reads half a file

    with translation.override(language), heartbeat(progress_path(stored).touch):
        try:
            progress(READING)
            content = stored.read_bytes()
            parsed = read_plan(
                content,
                filename,
                symbol,
                date.fromisoformat(plan_date) if plan_date else None,
            )
            user = get_user_model().objects.filter(pk=user_id).first()
            changes = import_recorded(
                parsed,
                content,
                user=user,
                delete_missing=delete_missing,
                progress=progress,
                previewed=previewed,
            )
        except ImportRefused as refused:
            problems = [{"where": p.where, "message": p.message} for p in refused.problems]
            return {"problems": problems}
        finally:
            stored.unlink(missing_ok=True)
    counts = {kind: vars(count) for kind, count in changes.counts.items()}
    return {"plan": changes.plan.pk, "symbol": parsed.symbol, "counts": counts}


def recover_stalled(result, upload: Path):
    """Fail the import `result` if its worker died; True if it had. Its upload is deleted.

    The transaction died with the worker, so nothing was written. The import is not run again:
    it was confirmed against a preview of the plan as it then was, which may have changed.
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
    fail_lost_task(result.id, WORKER_LOST)
    upload.unlink(missing_ok=True)
    progress_path(upload).unlink(missing_ok=True)
    return True


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
