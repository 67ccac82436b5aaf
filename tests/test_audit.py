"""The audit trail: every change of plans, lines, links, units, rounds and frameworks records
who, when, how (admin, form, import batch, command) and the values before and after."""

import datetime
import hashlib
import io

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from ilo_tracker.audit import Source, recorded
from measures.history import history_page, records_of_plan
from measures.models import (
    ActionLine,
    ImportBatch,
    Part,
    Plan,
    Question,
    ReportingRound,
    StatusUpdate,
    Unit,
)
from outcomes.models import Framework, Output
from tests.pages import open_form
from tests.plan_workbooks import PART_I, ROWS, make_workbook, upload

from .factories import make_plan

pytestmark = pytest.mark.django_db


def history(model):
    return model.history.model.objects.order_by("history_id")


def changes_of(plan):
    """(kind, action, field, before, after) of every change recorded under `plan`."""
    page = history_page(records_of_plan(plan), 1)
    return {
        (str(entry.kind), str(entry.action), str(change.field), change.old, change.new)
        for entry in page.object_list
        for change in entry.changes
    }


def test_an_admin_edit_records_the_user_the_admin_and_the_values_before_and_after(
    client, admin_user, pardev, program_unit
):
    line = make_plan(units=[pardev]).parts.get().questions.get().lines.get()
    client.force_login(admin_user)
    url = reverse("admin:measures_actionline_change", args=[line.pk])
    form = open_form(client, url)
    form.update(text="Texte corrigé", units=[str(program_unit.pk)])
    assert client.post(url, form).status_code == 302

    record = history(ActionLine).filter(id=line.pk).last()
    assert (record.history_type, record.history_user, record.history_source) == (
        "~",
        admin_user,
        Source.ADMIN,
    )
    assert ("action line", "Changed", "text", "- ligne d'action 1", "Texte corrigé") in (
        changes_of(line.question.part.plan)
    )
    # Django's admin sets links by removing, then adding: two records, the last one as saved.
    assert {
        ("action line", "Changed", "responsible units", "PARDEV", "—"),
        ("action line", "Changed", "responsible units", "—", "PROGRAM"),
    } <= changes_of(line.question.part.plan)
    assert list(record.units.values_list("unit__code", flat=True)) == ["PROGRAM"]
    # The admin's own history page shows the old and the new value.
    page = client.get(reverse("admin:measures_actionline_history", args=[line.pk]))
    assert "- ligne d&#x27;action 1" in page.content.decode()
    assert "Texte corrigé" in page.content.decode()


def test_deleting_a_plan_in_the_admin_records_each_part_question_and_line(client, admin_user):
    plan = make_plan(parts=2, questions=2, lines=3)
    client.force_login(admin_user)
    response = client.post(reverse("admin:measures_plan_delete", args=[plan.pk]), {"post": "yes"})
    assert response.status_code == 302 and not Plan.objects.exists()
    for model, count in [(Plan, 1), (Part, 2), (Question, 4), (ActionLine, 12)]:
        deleted = history(model).filter(history_type="-")
        assert deleted.count() == count
        assert {(r.history_user, r.history_source) for r in deleted} == {
            (admin_user, Source.ADMIN)
        }


def test_an_admin_import_is_one_batch_that_its_rows_and_updates_point_to(client, admin_user):
    data = make_workbook(("Annexe", ROWS))
    client.force_login(admin_user)
    client.post(upload(client, data, "plan d'essai.xlsx")["Location"])

    batch = ImportBatch.objects.get()
    plan = Plan.objects.get()
    assert (batch.user, batch.filename, batch.sha256, batch.plan) == (
        admin_user,
        "plan d'essai.xlsx",
        hashlib.sha256(data).hexdigest(),
        plan,
    )
    assert batch.counts["lines"]["create"] == 2
    for model, count in [(Plan, 1), (Part, 1), (Question, 1), (ActionLine, 2)]:
        rows = history(model)
        assert rows.count() == count
        assert {(r.history_user, r.history_source, r.history_batch) for r in rows} == {
            (admin_user, Source.IMPORT, batch)
        }
    updates = StatusUpdate.objects.all()
    assert updates.count() == 2
    assert {(u.author, u.import_batch) for u in updates} == {(admin_user, batch)}
    entries = history_page(records_of_plan(plan), 1).object_list
    assert {entry.how for entry in entries} == {
        f"Import: plan d'essai.xlsx (SHA-256 {batch.sha256[:12]}…)"
    }


def test_a_changed_import_records_before_and_after_under_its_own_batch(tmp_path):
    first = tmp_path / "v1.xlsx"
    first.write_bytes(make_workbook(("Annexe", [PART_I, ["1 a) Question", "- ligne", "2001"]])))
    second = tmp_path / "v2.xlsx"
    second.write_bytes(
        make_workbook(("Annexe", [PART_I, ["1 a) Question", "- ligne", "Mai 2000"]]))
    )
    call_command("import_plan", str(first), stdout=io.StringIO())
    call_command("import_plan", str(second), stdout=io.StringIO())

    v1, v2 = ImportBatch.objects.order_by("pk")
    assert v2.sha256 == hashlib.sha256(second.read_bytes()).hexdigest() != v1.sha256
    line = ActionLine.objects.get()
    changed = history(ActionLine).filter(id=line.pk).last()
    assert (changed.history_type, changed.history_batch, changed.history_user) == ("~", v2, None)
    assert ("action line", "Changed", "timeline as written", "2001", "Mai 2000") in changes_of(
        line.question.part.plan
    )


def test_reference_data_and_demo_plans_record_commands_imports_and_output_links(
    reference_data,
):
    call_command("load_demo_plans", stdout=io.StringIO())
    framework = history(Framework).first()
    assert (framework.history_source, framework.history_change_reason) == (
        Source.COMMAND,
        "load_reference_data",
    )
    assert ImportBatch.objects.count() == 2
    # GB.341/POL/4's output links, written in bulk, are in its questions' history.
    plan = Plan.objects.get(symbol="GB.341/POL/4")
    linked = {
        (str(q), str(o))
        for q in Question.objects.filter(part__plan=plan)
        for o in q.outputs.with_framework()
    }
    assert len(linked) == 49
    recorded_links = {
        (f"{q.code} {q.title}"[:120], str(o))
        for q in Question.objects.filter(part__plan=plan)
        for o in Output.objects.with_framework().filter(
            pk__in=q.history.latest().outputs.values("output_id")
        )
    }
    assert recorded_links == linked
    # Units given to the demo lines by the command are recorded as the command's.
    assigned = history(ActionLine).filter(history_source=Source.COMMAND)
    assert assigned.count() == ActionLine.objects.count()
    assert {r.history_change_reason for r in assigned} == {"load_demo_plans"}


@time_machine.travel(datetime.datetime(2000, 10, 2, 12, tzinfo=datetime.UTC))
def test_publishing_a_round_in_the_app_records_the_manager_and_the_form(client, manager_user):
    plan = make_plan()
    round_ = ReportingRound.objects.create(plan=plan, as_of=datetime.date(2000, 8, 31))
    client.force_login(manager_user)
    client.post(reverse("round_publish", args=[round_.pk]), {"confirm": "1"})
    record = history(ReportingRound).last()
    assert (record.history_type, record.history_user, record.history_source) == (
        "~",
        manager_user,
        Source.FORM,
    )
    assert ("reporting round", "Changed", "published by", "—", "maria") in changes_of(plan)


def test_links_changed_from_the_other_side_are_recorded_on_the_audited_row(
    staff_user, program_unit
):
    with recorded(Source.COMMAND, reason="shell"):
        staff_user.units.add(program_unit)
    record = history(Unit).filter(id=program_unit.pk).last()
    assert record.history_change_reason == "shell"
    assert set(record.members.values_list("user_id", flat=True)) == {staff_user.pk}
    staff_user.units.clear()
    assert not history(Unit).filter(id=program_unit.pk).last().members.exists()


def test_framework_changes_in_the_admin_are_recorded(client, admin_user, reference_data):
    output = Output.objects.first()
    client.force_login(admin_user)
    url = reverse("admin:outcomes_output_change", args=[output.pk])
    form = open_form(client, url)
    form["title"] = "Titre revu"
    assert client.post(url, form).status_code == 302
    record = history(Output).filter(id=output.pk).last()
    assert (record.history_source, record.history_user, record.title) == (
        Source.ADMIN,
        admin_user,
        "Titre revu",
    )
    assert record.prev_record.title == output.title


def test_the_history_of_a_big_import_is_written_in_bulk(django_assert_max_num_queries, tmp_path):
    rows = [PART_I] + [[f"{q} a) Question {q}", "- ligne", "2001"] for q in range(1, 301)]
    path = tmp_path / "big.xlsx"
    path.write_bytes(make_workbook(("Annexe", rows)))
    with django_assert_max_num_queries(60):
        call_command("import_plan", str(path), stdout=io.StringIO())
    assert history(ActionLine).filter(history_batch__filename="big.xlsx").count() == 300


@pytest.mark.django_db(transaction=True)
def test_an_import_on_the_task_worker_is_recorded_as_the_confirming_user(
    client, admin_user, monkeypatch
):
    monkeypatch.setattr("measures.admin_import.BACKGROUND_ROWS", 2)
    data = make_workbook(("Annexe", ROWS))
    client.force_login(admin_user)
    preview_url = upload(client, data)["Location"]
    client.get(preview_url)
    client.post(preview_url)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    batch = ImportBatch.objects.get()
    assert (batch.user, batch.sha256) == (admin_user, hashlib.sha256(data).hexdigest())
    assert {(r.history_user, r.history_batch) for r in history(ActionLine)} == {
        (admin_user, batch)
    }
    assert {u.author for u in StatusUpdate.objects.all()} == {admin_user}
