"""How a task that lost its worker is told from a slow one: the running task beats regularly.

The task worker (`manage.py db_worker`) can be killed at any time (a deploy, the OOM killer,
`kill -9`); its task then stays RUNNING for ever. A task shows it is alive by calling `beat`
every quarter of the lease from a thread of its own; one that has not done so for a whole
lease (`TASK_LEASE_SECONDS`) has lost its worker.
"""

import datetime
import logging
import threading
from contextlib import contextmanager

from django.conf import settings
from django.db import close_old_connections, connections
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)


class WorkerLost(Exception):
    """What a task that lost its worker is recorded as having failed with."""


# How the queue names it, as it names any exception a task raised.
WORKER_LOST_ERROR = f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"


def lease():
    return datetime.timedelta(seconds=settings.TASK_LEASE_SECONDS)


def stale_before():
    """Signs of life older than this are from a task whose worker is gone."""
    return timezone.now() - lease()


@contextmanager
def heartbeat(beat):
    """Run the block while `beat()` is called at once, then every quarter of the lease."""
    stop = threading.Event()

    def run():
        try:
            while not stop.wait(settings.TASK_LEASE_SECONDS / 4):
                try:
                    beat()
                except Exception:  # a missed beat is not worth failing the task for
                    logger.exception("Heartbeat failed")
                    close_old_connections()
        finally:
            connections.close_all()  # this thread's own connections

    beat()
    thread = threading.Thread(target=run, name="heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def fail_lost_task(task_id, message):
    """Record the task `task_id` as failed if the queue still has it running."""
    if not task_id:
        return  # never handed to the queue
    DBTaskResult.objects.filter(id=task_id, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED,
        finished_at=timezone.now(),
        exception_class_path=WORKER_LOST_ERROR,
        traceback=message,
    )
