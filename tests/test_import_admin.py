"""The admin import: upload → preview (nothing written) → confirm; administrators only."""

import datetime
import hashlib
import json
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from measures.admin_import import SESSION_KEY, UPLOAD_DIR
from measures.audit import import_recorded
from measures.heartbeat import fail_lost_task
from measures.importing import read_plan, tasks
from measures.importing.sync import STAGES
from measures.models import ActionLine, Plan
from tests.plan_workbooks import PART_I, ROWS, make_workbook, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_changelist_offers_import_and_blank_template(admin_client):
    page = admin_client.get(reverse("admin:measures_plan_changelist")).content.decode()
    assert reverse("admin:measures_plan_import") in page and "Import from Excel" in page
    assert "Download blank template" in page
    response = admin_client.get(reverse("admin:measures_plan_template"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content.startswith(b"PK")


def test_upload_preview_confirm(admin_client, reference_data):
    data = (settings.BASE_DIR / "fixtures" / "GB.279-TC-2.xlsx").read_bytes()
    response = upload(admin_client, data, "GB.279-TC-2.xlsx")
    assert response.status_code == 302
    preview_url = response["Location"]

    page = admin_client.get(preview_url).content.decode()
    assert not Plan.objects.exists()  # nothing written before confirm
    assert "GB.279/TC/2" in page and "Nothing has been written yet." in page
    assert "<td>78</td>" in page  # action lines to create
    assert "GB.279-TC-2.xlsx, sheet &quot;Annexe&quot;, row 22</strong>: Associé à un" in page
    assert "row 7</strong>: Début immédiat" not in page  # dated at the plan's date
    assert "Plan date: Nov. 1, 1999." in page
    assert "Terminé en décembre 2000 → " in page  # the plan as it will look, with read deadlines

    response = admin_client.post(preview_url)
    plan = Plan.objects.get(symbol="GB.279/TC/2")
    assert response["Location"] == reverse("admin:measures_plan_change", args=[plan.pk])
    assert ActionLine.objects.count() == 78
    # The stored upload is gone: confirming twice cannot import twice.
    assert admin_client.post(preview_url).status_code == 404


def test_refused_file_shows_located_problems_and_writes_nothing(admin_client):
    rows = [PART_I, [None, None, "Mai 2000"]]
    page = admin_client.get(
        upload(admin_client, make_workbook(("Annexe", rows)))["Location"]
    ).content.decode()
    assert "The file was refused; nothing was written" in page
    assert (
        "plan.xlsx, sheet &quot;Annexe&quot;, row 5, column C</strong>: "
        "this cell has no question above it." in page
    )
    assert not Plan.objects.exists()


def test_too_big_upload_is_refused_on_the_form(admin_client, settings):
    settings.IMPORT_MAX_BYTES = 100
    response = upload(admin_client, make_workbook(("Annexe", ROWS)))
    assert response.status_code == 200
    assert "more than the limit of 100" in response.content.decode()


def test_missing_lines_removed_only_when_ticked(admin_client):
    admin_client.post(upload(admin_client, make_workbook(("Annexe", ROWS)))["Location"])
    shorter = [PART_I, ["1 a) Question", "Contexte:\n- ligne un", "Mai 2000", "Fait"]]
    preview_url = upload(admin_client, make_workbook(("Annexe", shorter)))["Location"]
    page = admin_client.get(preview_url).content.decode()
    assert "1 a): - ligne deux" in page and 'name="delete_missing"' in page
    admin_client.post(preview_url)
    assert ActionLine.objects.count() == 2

    preview_url = upload(admin_client, make_workbook(("Annexe", shorter)))["Location"]
    admin_client.post(preview_url, {"delete_missing": "1"})
    assert list(ActionLine.objects.values_list("text", flat=True)) == ["- ligne un"]


def test_a_plan_changed_after_the_preview_is_not_imported_over(admin_client):
    """What the preview showed is what is confirmed: a line added meanwhile is never removed
    unseen, an edit never overwritten."""
    admin_client.post(upload(admin_client, make_workbook(("Annexe", ROWS)))["Location"])
    shorter = [PART_I, ["1 a) Question", "Contexte:\n- ligne un", "Mai 2000", "Fait"]]
    preview_url = upload(admin_client, make_workbook(("Annexe", shorter)))["Location"]
    assert "1 a): - ligne deux" in admin_client.get(preview_url).content.decode()
    question = ActionLine.objects.first().question
    ActionLine.objects.create(question=question, order=9, text="- ajoutée entre-temps")

    page = admin_client.post(preview_url, {"delete_missing": "1"}, follow=True)
    assert "the plan changed since the preview" in page.content.decode()
    assert ActionLine.objects.filter(text="- ajoutée entre-temps").exists()
    assert ActionLine.objects.count() == 3


def test_only_administrators_may_import(client, admin_user, manager_user):
    manager_user.is_staff = True
    manager_user.save()
    client.force_login(admin_user)
    preview_url = upload(client, make_workbook(("Annexe", ROWS)))["Location"]
    client.force_login(manager_user)
    for url in (
        reverse("admin:measures_plan_import"),
        reverse("admin:measures_plan_template"),
        preview_url,
    ):
        assert client.get(url).status_code == 403
    assert client.post(preview_url).status_code == 403
    assert upload(client, make_workbook(("Annexe", ROWS))).status_code == 403
    assert not Plan.objects.exists()


def test_an_upload_belongs_to_the_session_that_made_it(client, admin_user, django_user_model):
    client.force_login(admin_user)
    preview_url = upload(client, make_workbook(("Annexe", ROWS)))["Location"]
    other = django_user_model.objects.create_superuser("root2", "r2@example.org", "pw-2026-x")
    client.force_login(other)
    assert client.post(preview_url).status_code == 404
    assert not Plan.objects.exists()


def test_upload_form_errors_are_tied_to_the_field(admin_client):
    page = admin_client.post(
        reverse("admin:measures_plan_import"), {"symbol": ""}
    ).content.decode()
    assert 'aria-describedby="id_file_error"' in page or 'aria-invalid="true"' in page
    assert '<label for="id_file"' in page


# The task worker closes its database connection after each task, as in production: these
# tests commit for real so that the test's own connection survives it.
@pytest.mark.django_db(transaction=True)
def test_large_files_are_imported_by_the_task_worker_with_a_progress_page(
    admin_client, monkeypatch
):
    monkeypatch.setattr("measures.admin_import.BACKGROUND_ROWS", 2)
    preview_url = upload(admin_client, make_workbook(("Annexe", ROWS)))["Location"]
    assert "imported in the background" in admin_client.get(preview_url).content.decode()
    progress_url = admin_client.post(preview_url)["Location"]
    assert progress_url.endswith("/progress/")

    page = admin_client.get(progress_url).content.decode()
    assert "Waiting for the task worker" in page and 'hx-trigger="every 2s"' in page
    assert not Plan.objects.exists()  # queued, not run

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    page = admin_client.get(progress_url).content.decode()
    plan = Plan.objects.get()
    assert "GB.900/TC/1 has been imported." in page and "hx-trigger" not in page
    assert reverse("admin:measures_plan_change", args=[plan.pk]) in page
    assert '<th scope="row">Action lines</th><td>2</td>' in page
    assert ActionLine.objects.count() == 2


def test_a_second_confirmation_during_the_import_imports_nothing_more(
    admin_client, client, monkeypatch
):
    """A double click: the second request comes while the first is importing."""
    import measures.admin_import

    preview_url = upload(admin_client, make_workbook(("Annexe", ROWS)))["Location"]
    admin_client.get(preview_url)
    client.cookies = admin_client.cookies  # the same browser
    second = []
    first_import = measures.admin_import.import_recorded

    def importing(*args, **kwargs):
        second.append(client.post(preview_url, follow=True).content.decode())
        return first_import(*args, **kwargs)

    monkeypatch.setattr("measures.admin_import.import_recorded", importing)
    admin_client.post(preview_url)
    assert "This import was confirmed already: it runs once." in second[0]
    assert Plan.objects.count() == 1 and ActionLine.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_second_confirmation_of_a_background_import_shows_the_first_ones_progress(
    admin_client, monkeypatch
):
    """A double click: the second request read the session before the first saved it."""
    monkeypatch.setattr("measures.admin_import.BACKGROUND_ROWS", 2)
    preview_url = upload(admin_client, make_workbook(("Annexe", ROWS)))["Location"]
    admin_client.get(preview_url)
    as_read_by_the_second = dict(admin_client.session[SESSION_KEY])
    first = admin_client.post(preview_url)["Location"]
    session = admin_client.session
    session[SESSION_KEY] = as_read_by_the_second
    session.save()
    second = admin_client.post(preview_url, follow=True)
    assert "This import was confirmed already: it runs once." in second.content.decode()
    assert second.redirect_chain[0][0] == first
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert Plan.objects.count() == 1 and ActionLine.objects.count() == 2
    assert "has been imported." in admin_client.get(first).content.decode()


@pytest.mark.django_db(transaction=True)
def test_progress_page_shows_each_stage_while_the_worker_runs(admin_client, monkeypatch):
    """The worker's stages reach the page although its transaction is not committed yet."""
    monkeypatch.setattr("measures.admin_import.BACKGROUND_ROWS", 2)
    preview_url = upload(admin_client, make_workbook(("Annexe", ROWS)))["Location"]
    admin_client.get(preview_url)
    progress_url = admin_client.post(preview_url)["Location"]
    seen = []

    def import_plan(parsed, *, delete_missing, progress, batch, previewed):
        for stage in STAGES:
            progress(stage)
            seen.append(admin_client.get(progress_url).content.decode())
        raise RuntimeError("the database went away")

    monkeypatch.setattr("measures.audit.import_plan", import_plan)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert [re.search(r"Step \d of 4: [^<]*", page)[0] for page in seen] == [
        "Step 2 of 4: Parts and questions…",
        "Step 3 of 4: Action lines…",
        "Step 4 of 4: Status updates and output links…",
    ]
    assert '<progress max="4" value="3">' in seen[1]
    page = admin_client.get(progress_url).content.decode()
    assert "The import failed; nothing was written." in page
    assert not Plan.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_import_declared_lost_while_its_worker_stalled_writes_nothing(
    admin_client, monkeypatch
):
    """The worker stalls for a whole lease (a frozen VM), the page declares the import lost,
    then the worker goes on: its transaction must not commit."""
    monkeypatch.setattr("measures.admin_import.BACKGROUND_ROWS", 2)
    preview_url = upload(admin_client, make_workbook(("Annexe", ROWS)))["Location"]
    admin_client.get(preview_url)
    progress_url = admin_client.post(preview_url)["Location"]
    first_import = tasks.import_recorded

    def stalled_then_declared_lost(*args, **kwargs):
        changes = first_import(*args, **kwargs)
        task = DBTaskResult.objects.get(status=TaskResultStatus.RUNNING)
        fail_lost_task(task.pk, tasks.WORKER_LOST)
        return changes

    monkeypatch.setattr(tasks, "import_recorded", stalled_then_declared_lost)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert not Plan.objects.exists()
    page = admin_client.get(progress_url).content.decode()
    assert "The task worker stopped during the import" in page


@pytest.mark.django_db(transaction=True)
def test_an_import_whose_worker_died_after_its_commit_is_shown_as_imported(
    admin_client, admin_user, monkeypatch, settings
):
    """Killed between the import's commit and the queue's record of it: the plan is there, and
    the page says so (not "nothing was written")."""
    monkeypatch.setattr("measures.admin_import.BACKGROUND_ROWS", 2)
    preview_url = upload(admin_client, make_workbook(("Annexe", ROWS)))["Location"]
    admin_client.get(preview_url)
    progress_url = admin_client.post(preview_url)["Location"]
    task = DBTaskResult.objects.get()
    stored = Path(task.args_kwargs["args"][0])
    started = timezone.now() - datetime.timedelta(seconds=settings.TASK_LEASE_SECONDS + 5)
    DBTaskResult.objects.filter(pk=task.pk).update(status="RUNNING", started_at=started)
    # What the worker did: read the file, noted its digest, imported, committed, deleted it.
    content = stored.read_bytes()
    digest = {"step": 4, "stage": "", "sha256": hashlib.sha256(content).hexdigest()}
    tasks.progress_path(stored).write_text(json.dumps(digest))
    os.utime(tasks.progress_path(stored), (started.timestamp(), started.timestamp()))
    import_recorded(read_plan(content, "plan.xlsx"), content, user=admin_user)
    stored.unlink()
    page = admin_client.get(progress_url).content.decode()
    assert "GB.900/TC/1 has been imported." in page
    assert Plan.objects.count() == 1 and not stored.exists()


@pytest.mark.django_db(transaction=True)
def test_a_file_refused_on_the_worker_shows_its_problems(admin_client, monkeypatch):
    monkeypatch.setattr("measures.admin_import.BACKGROUND_ROWS", 2)
    preview_url = upload(admin_client, make_workbook(("Annexe", ROWS)))["Location"]
    admin_client.get(preview_url)
    # The stored upload is damaged between preview and import.
    stored = next(UPLOAD_DIR.glob(preview_url.rstrip("/").rsplit("/", 1)[1] + ".xlsx"))
    stored.write_bytes(b"not a workbook any more")
    progress_url = admin_client.post(preview_url)["Location"]
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    page = admin_client.get(progress_url).content.decode()
    assert "The file was refused; nothing was written" in page
    assert "plan.xlsx</strong>: this is not an Excel workbook (.xlsx)." in page
    assert not Plan.objects.exists()


def test_a_progress_page_belongs_to_the_session_that_confirmed(
    client, admin_user, django_user_model, monkeypatch
):
    monkeypatch.setattr("measures.admin_import.BACKGROUND_ROWS", 2)
    client.force_login(admin_user)
    preview_url = upload(client, make_workbook(("Annexe", ROWS)))["Location"]
    client.get(preview_url)
    progress_url = client.post(preview_url)["Location"]
    other = django_user_model.objects.create_superuser("root2", "r2@example.org", "pw-2026-x")
    client.force_login(other)
    assert client.get(progress_url).status_code == 404
