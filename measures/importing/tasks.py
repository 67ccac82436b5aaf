"""Large confirmed imports run on the task worker (`manage.py db_worker`), off the request."""

from pathlib import Path

from django.tasks import task

from .apply import import_plan
from .layout import read_plan


@task()
def import_stored_workbook(path, filename, symbol, delete_missing):
    """Import the stored upload at `path` in one transaction, then delete the upload."""
    stored = Path(path)
    try:
        parsed = read_plan(stored.read_bytes(), filename, symbol)
        changes = import_plan(parsed, delete_missing=delete_missing)
    finally:
        stored.unlink(missing_ok=True)
    counts = {kind: vars(count) for kind, count in changes.counts.items()}
    return {"plan": changes.plan.pk, "symbol": parsed.symbol, "counts": counts}
