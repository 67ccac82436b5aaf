"""Large confirmed imports run on the task worker (`manage.py db_worker`), off the request.

The import writes in one transaction that other connections cannot see until it commits, so
its progress goes to a small file beside the stored upload, where the progress page reads it.
"""

import json
from datetime import date
from pathlib import Path

from django.tasks import task
from django.utils import translation
from django.utils.translation import gettext_lazy

from .reader import read_plan
from .sync import STAGES, import_plan
from .workbook import ImportRefused

READING = gettext_lazy("Reading the workbook…")
STEPS = 1 + len(STAGES)


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
def import_stored_workbook(path, filename, symbol, delete_missing, language, plan_date=None):
    """Import the stored upload at `path` in one transaction, then delete the upload.

    Returns the plan and what changed, or the problems for which the file was refused.
    `plan_date` is an ISO date, or None to take the file's.
    """
    stored = Path(path)
    step = 0

    def progress(stage):
        nonlocal step
        step += 1
        partial = stored.with_suffix(".progress.tmp")
        partial.write_text(json.dumps({"step": step, "stage": str(stage)}))
        partial.replace(progress_path(stored))  # the page never reads half a file

    with translation.override(language):
        try:
            progress(READING)
            parsed = read_plan(
                stored.read_bytes(),
                filename,
                symbol,
                date.fromisoformat(plan_date) if plan_date else None,
            )
            changes = import_plan(parsed, delete_missing=delete_missing, progress=progress)
        except ImportRefused as refused:
            problems = [{"where": p.where, "message": p.message} for p in refused.problems]
            return {"problems": problems}
        finally:
            stored.unlink(missing_ok=True)
    counts = {kind: vars(count) for kind, count in changes.counts.items()}
    return {"plan": changes.plan.pk, "symbol": parsed.symbol, "counts": counts}
