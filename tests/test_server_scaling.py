"""Scaling out: two app servers and two task workers on one database.

Each server process gets a temporary folder of its own, as separate machines would: whatever
must be seen by another process (uploads waiting for confirmation, rendered PDFs) has to be on
the shared MEDIA_ROOT or in the database.
"""

import json

from tests.servers import (
    ROOT,
    Client,
    fresh_database,
    gunicorn,
    production_env,
    run_python,
    run_task_workers,
    seed,
)

RENDERS = 12

SEED = """
from django.contrib.auth.models import User
from reports.models import RenderJob
from reports.tasks import render_job
from tests.factories import make_plan
{superuser}
root = User.objects.get(username="root")
plan = make_plan(parts=1, questions=2, lines=2)
for n in range({renders}):
    job = RenderJob.objects.create(
        requested_by=root, kind="annex", object_id=plan.pk,
        params={{"as_of": f"2000-09-{{n + 1:02d}}", "layout": ""}}, title=f"Annex {{n}}",
    )
    render_job.enqueue(job.pk)
"""

SUPERUSER = """
from django.contrib.auth.models import User
User.objects.create(username="root", is_staff=True, is_superuser=True)
"""

RESULTS = """
import json
from django_tasks_db.models import DBTaskResult
from measures.models import Plan
from reports.models import RenderJob
print(json.dumps({
    "tasks": [[r.status, r.worker_ids] for r in DBTaskResult.objects.all()],
    "jobs": [[j.pk, j.status, j.file.name] for j in RenderJob.objects.all()],
    "plans": list(Plan.objects.values_list("symbol", flat=True)),
}))
"""


def test_two_workers_run_each_task_once_and_any_server_serves_the_pdfs(tmp_path):
    media = tmp_path / "media"
    with fresh_database() as url:
        env = production_env(url, media)
        _, [cookies] = seed(env, SEED.format(renders=RENDERS, superuser=SUPERUSER), ["root"])
        run_task_workers(env, count=2)
        results = json.loads(run_python(env, RESULTS))
        (tmp_path / "b").mkdir()
        with gunicorn(env | {"TMPDIR": str(tmp_path / "b")}, workers=1) as other_server:
            server = Client(other_server, cookies)
            downloads = [server.get(f"/renders/{pk}/file.pdf") for pk, _, _ in results["jobs"]]

    assert [status for status, _ in results["tasks"]] == ["SUCCESSFUL"] * RENDERS
    assert all(len(worker_ids) == 1 for _, worker_ids in results["tasks"])  # claimed once
    assert len({ids[0] for _, ids in results["tasks"]}) == 2  # both workers took some
    assert {status for _, status, _ in results["jobs"]} == {"done"}
    # One file per job: a task run twice would have saved a second one.
    assert sorted(p.name for p in (media / "reports").rglob("*.pdf")) == sorted(
        name.rsplit("/", 1)[1] for _, _, name in results["jobs"]
    )
    assert [(d.status, d.body[:5]) for d in downloads] == [(200, b"%PDF-")] * RENDERS


def test_an_upload_made_on_one_server_is_previewed_and_imported_on_another(tmp_path):
    workbook = (ROOT / "fixtures" / "GB.279-TC-2.xlsx").read_bytes()
    with fresh_database() as url:
        env = production_env(url, tmp_path / "media")
        _, [cookies] = seed(env, SUPERUSER, ["root"])
        (tmp_path / "a").mkdir()
        (tmp_path / "b").mkdir()
        with (
            gunicorn(env | {"TMPDIR": str(tmp_path / "a")}, workers=1) as first,
            gunicorn(env | {"TMPDIR": str(tmp_path / "b")}, workers=1) as second,
        ):
            on_first, on_second = Client(first, cookies), Client(second, cookies)
            form = on_first.get("/admin/measures/plan/import/")
            uploaded = on_first.post(
                "/admin/measures/plan/import/",
                on_first.form_fields(form),
                files={"file": ("GB.279-TC-2.xlsx", workbook)},
            )
            assert uploaded.status == 302, uploaded.text
            preview_url = uploaded.headers["Location"]
            on_second.cookies = on_first.cookies
            preview = on_second.get(preview_url)
            assert preview.status == 200
            assert "GB.279/TC/2" in preview.text
            confirmed = on_second.post(preview_url, on_second.form_fields(preview))
            assert confirmed.status == 302
        results = json.loads(run_python(env, RESULTS))

    assert results["plans"] == ["GB.279/TC/2"]
    assert list((tmp_path / "media" / "imports").iterdir()) == []  # removed once imported
