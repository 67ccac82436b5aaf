"""Faults an unlucky operator meets: a task worker killed mid-work, a full disk.

The worker is a real `manage.py db_worker` process on the test database, killed with SIGKILL.
"""

import datetime
import os
import signal
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.tasks import TaskResultStatus
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from measures.admin_import import UPLOAD_DIR
from measures.heartbeat import stale_before
from measures.models import Plan
from reports.models import RenderJob
from tests.factories import make_plan
from tests.plan_workbooks import PART_I, make_workbook, upload

LEASE = 2  # seconds without a heartbeat before a task counts as lost; 60 in production

pytestmark = pytest.mark.django_db(transaction=True)


def database_url():
    """The test database as DATABASE_URL, for a worker process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def lease(settings):
    settings.TASK_LEASE_SECONDS = LEASE


@pytest.fixture
def worker(lease, tmp_path):
    """Start a real task worker process; every one started is gone when the test ends."""
    processes = []
    env = os.environ | {"DATABASE_URL": database_url(), "TASK_LEASE_SECONDS": str(LEASE)}

    def start(*args):
        log = (tmp_path / f"worker-{len(processes)}.log").open("w")
        # --no-reload: one process, the one killed (the reloader would keep a child running).
        command = [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"]
        process = subprocess.Popen(
            [*command, "--interval", "0.2", *args],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        processes.append(process)
        return process

    yield start
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


def wait_for(condition, timeout=90):
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
    return result


def kill_when(process, condition):
    """SIGKILL `process` as soon as `condition()` holds, as the OOM killer would."""
    wait_for(condition)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def modified_at(path):
    return datetime.datetime.fromtimestamp(path.stat().st_mtime, datetime.UTC)


def job_status(job):
    job.refresh_from_db()
    return job.status


@pytest.fixture
def large_plan(manager_user):
    """A plan over the background threshold: its annex is rendered by the worker."""
    return make_plan(symbol="GB.990/TC/1", questions=40, lines=10, bulk=True)


def test_a_render_whose_worker_is_killed_is_retried_once_then_failed_and_asked_again(
    client, manager_user, large_plan, worker
):
    client.force_login(manager_user)
    pdf_url = reverse("reports:plan_annex_pdf", args=[large_plan.pk])
    job_url = client.get(pdf_url)["Location"]
    job = RenderJob.objects.get()

    # First try: killed while laying out pages. Until the lease runs out it looks alive.
    kill_when(worker(), lambda: job_status(job) == RenderJob.Status.LAYOUT)
    first_task = DBTaskResult.objects.get()
    assert first_task.status == TaskResultStatus.RUNNING  # what the queue believes
    assert "Laying out pages" in client.get(job_url).content.decode()
    wait_for(lambda: RenderJob.objects.stalled().exists())  # a lease after its last heartbeat

    # Looking at the job notices the dead worker: the task is failed, the render tried again.
    page = client.get(job_url).content.decode()
    job.refresh_from_db()
    assert (job.status, job.attempts, job.failure) == (RenderJob.Status.QUEUED, 2, "")
    assert "Waiting for the worker" in page
    first_task.refresh_from_db()
    assert first_task.status == TaskResultStatus.FAILED
    assert first_task.exception_class_path == "measures.heartbeat.WorkerLost"

    # Second try killed too: a new request fails the job for good and gets a fresh one.
    kill_when(worker(), lambda: job_status(job) == RenderJob.Status.LAYOUT)
    wait_for(lambda: RenderJob.objects.stalled().exists())
    fresh_url = client.get(pdf_url)["Location"]
    assert fresh_url != job_url
    job.refresh_from_db()
    assert (job.status, job.failure) == (RenderJob.Status.FAILED, RenderJob.Failure.WORKER_LOST)
    page = client.get(job_url).content.decode()
    assert "The task worker producing it stopped, twice" in page
    assert f'href="{pdf_url}?"' in page  # "Ask for it again"

    # The fresh job runs to the end on a worker that lives, though it takes longer than a
    # lease: its heartbeat keeps the page (which looks for lost work) from failing it.
    fresh = RenderJob.objects.exclude(pk=job.pk).get()
    running = worker("--batch")
    while running.poll() is None:
        client.get(fresh_url)
        time.sleep(0.3)
    fresh.refresh_from_db()
    assert (fresh.status, fresh.attempts) == (RenderJob.Status.DONE, 1)
    response = client.get(reverse("reports:job_file", args=[fresh.pk]))
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_an_import_whose_worker_is_killed_fails_with_a_message_and_leaves_no_upload(
    client, admin_user, worker, monkeypatch
):
    monkeypatch.setattr("measures.admin_import.BACKGROUND_ROWS", 2)
    rows = [PART_I]
    for n in range(1, 1501):
        rows.append([f"{n} a) Question {n}", f"- ligne {n}", "Mai 2000", "En cours"])
    client.force_login(admin_user)
    preview_url = upload(client, make_workbook(("Annexe", rows)))["Location"]
    client.get(preview_url)
    progress_url = client.post(preview_url)["Location"]
    token = progress_url.rstrip("/").split("/")[-2]
    stored = UPLOAD_DIR / f"{token}.confirmed.xlsx"
    assert stored.exists()

    kill_when(worker(), lambda: "Step " in client.get(progress_url).content.decode())
    beats = stored.with_suffix(".progress.json")  # touched at each heartbeat
    wait_for(lambda: modified_at(beats) < stale_before())  # a lease after the last one
    page = client.get(progress_url).content.decode()
    assert "The import failed; nothing was written." in page
    assert "The task worker stopped during the import" in page
    assert 'hx-trigger="every 2s"' not in page  # no longer polls as if in progress
    assert not stored.exists() and not stored.with_suffix(".progress.json").exists()
    assert not Plan.objects.exists()


@pytest.fixture
def tiny_disk(tmp_path):
    """A 256 KB file system (tmpfs), mounted for the test: a disk that fills up for real."""
    mount = tmp_path / "disk"
    mount.mkdir()
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], capture_output=True
    )
    if result.returncode != 0:
        pytest.skip(f"mounting a tmpfs needs root: {result.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def fill(disk):
    """Fill `disk` to the last byte."""
    with (disk / "filler").open("wb") as filler:
        try:
            while True:
                filler.write(b"\0" * 4096)
                filler.flush()
        except OSError:
            pass


def test_an_upload_to_a_full_disk_is_refused_with_a_message_and_leaves_no_file(
    client, admin_user, tiny_disk, monkeypatch
):
    monkeypatch.setattr("measures.admin_import.UPLOAD_DIR", tiny_disk / "imports")
    client.force_login(admin_user)
    response = upload(client, os.urandom(600_000), name="big.xlsx")
    assert response.status_code == 200
    assert "big.xlsx</strong>: the server&#x27;s disk is full: the file was not stored." in (
        response.text
    )
    assert list((tiny_disk / "imports").iterdir()) == []  # no 0-byte or partial upload


def test_a_render_on_a_full_disk_fails_with_a_message_and_leaves_no_file(
    client, manager_user, tiny_disk, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tiny_disk
    monkeypatch.setattr("reports.documents.BACKGROUND_LINES", 3)
    (tiny_disk / "reports").mkdir()
    fill(tiny_disk)
    plan = make_plan(symbol="GB.991/TC/1", lines=5)
    client.force_login(manager_user)
    with django_capture_on_commit_callbacks(execute=True):
        job_url = client.get(reverse("reports:plan_annex_pdf", args=[plan.pk]))["Location"]
    job = RenderJob.objects.get()
    assert (job.status, job.failure) == (RenderJob.Status.FAILED, RenderJob.Failure.NO_SPACE)
    assert "The server's disk is full: tell an administrator." in client.get(job_url).text
    assert [p.name for p in tiny_disk.rglob("*") if p.is_file()] == ["filler"]


def test_a_status_save_on_a_full_database_keeps_the_text_with_a_message(
    client, staff_user, pardev, monkeypatch
):
    """Simulated: the database's own disk cannot be filled under the test database."""
    from django.db import OperationalError

    def disk_full(**kwargs):
        raise OperationalError("database or disk is full")

    monkeypatch.setattr("measures.services.status_update_create", disk_full)
    line = make_plan(units=[pardev]).parts.get().questions.get().lines.get()
    client.force_login(staff_user)
    page = client.post(
        reverse("line_update", args=[line.pk]),
        {"as_of": "2000-08-31", "category": "in_progress", "about": "line", "narrative": "Mon"},
    ).text
    assert "The server&#x27;s disk is full: your update was not saved." in page
    assert ">\nMon</textarea>" in page
