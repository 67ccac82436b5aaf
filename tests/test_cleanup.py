"""`manage.py cleanup_files`, run by cron: lost work recovered, old files gone, live ones kept."""

import datetime
import io
import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from measures.importing.tasks import import_stored_workbook
from reports.models import RenderJob

DAY = 24 * 3600


def age(path, seconds):
    then = time.time() - seconds
    os.utime(path, (then, then))


@pytest.fixture
def places(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    uploads = tmp_path / "imports"
    uploads.mkdir()
    monkeypatch.setattr("measures.admin_import.UPLOAD_DIR", uploads)
    return settings.MEDIA_ROOT, uploads


def finished_job(user, days_ago):
    job = RenderJob.objects.create(
        requested_by=user, kind="annex", object_id=1, title="Annexe", status="done"
    )
    job.file.save("annexe.pdf", ContentFile(b"%PDF"), save=False)
    job.finished_at = timezone.now() - datetime.timedelta(days=days_ago)
    job.save()
    return job


def run():
    out = io.StringIO()
    call_command("cleanup_files", stdout=out)
    return out.getvalue()


def test_old_renders_and_orphaned_files_go_recent_ones_stay(places, manager_user):
    media, _ = places
    old, recent = finished_job(manager_user, 8), finished_job(manager_user, 1)
    orphan = media / "reports" / "2026" / "01" / "killed-while-saving.pdf"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"%PDF")
    age(orphan, 2 * 3600)
    young_orphan = orphan.with_name("being-saved.pdf")
    young_orphan.write_bytes(b"%PDF")

    assert "2 rendered PDF(s)" in run()

    assert list(RenderJob.objects.all()) == [recent]
    assert not (media / old.file.name).exists() and (media / recent.file.name).exists()
    assert not orphan.exists() and young_orphan.exists()


def test_leftover_uploads_go_but_not_one_an_import_waits_for(places, db):
    _, uploads = places
    abandoned, fresh, waiting = (uploads / f"{n}.xlsx" for n in ("abandoned", "fresh", "wait"))
    for path in (abandoned, fresh, waiting, abandoned.with_suffix(".progress.json")):
        path.write_bytes(b"PK")
    for path in (abandoned, waiting, abandoned.with_suffix(".progress.json")):
        age(path, 2 * DAY)
    import_stored_workbook.enqueue(str(waiting), "wait.xlsx", "", False, "fr")

    assert "2 upload file(s) deleted" in run()

    assert sorted(p.name for p in uploads.iterdir()) == ["fresh.xlsx", "wait.xlsx"]


def test_a_stalled_render_is_recovered_by_the_command(places, manager_user, settings):
    def rendering(seconds_since_last_beat):
        return RenderJob.objects.create(
            requested_by=manager_user,
            kind="annex",
            object_id=1,
            title="Annexe",
            status="layout",
            heartbeat_at=timezone.now() - datetime.timedelta(seconds=seconds_since_last_beat),
        )

    lost, alive = rendering(settings.TASK_LEASE_SECONDS + 1), rendering(0)
    assert "1 stalled render(s)" in run()
    lost.refresh_from_db()
    alive.refresh_from_db()
    assert (lost.status, lost.attempts) == ("queued", 2)
    assert (alive.status, alive.attempts) == ("layout", 1)
