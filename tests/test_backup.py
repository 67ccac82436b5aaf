"""Backup and restore: every row, status history and audit trail included, comes back identical."""

import datetime
import gzip
import io

import pytest
import time_machine
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from measures import services
from measures.models import ActionLine, ImportBatch, Plan, ReportingRound, StatusUpdate
from tests.pages import open_form

# Restoring empties the tables: on PostgreSQL, not inside a transaction that wrote to them.
pytestmark = pytest.mark.django_db(transaction=True)
NOT_BACKED_UP = {"contenttypes", "sessions"}


def every_row():
    """Model → its rows, foreign keys by natural key where the target has one.

    Links of plain many-to-many fields are compared without their own ids, which a restore
    renumbers: their owners' rows carry them.
    """
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.app_label in NOT_BACKED_UP or meta.label_lower == "auth.permission":
            continue
        data = serializers.serialize(
            "python", model._base_manager.order_by("pk"), use_natural_foreign_keys=True
        )
        if meta.auto_created:
            data = sorted(sorted(row["fields"].items()) for row in data)
        rows[meta.label_lower] = data
    return rows


@time_machine.travel(datetime.datetime(2000, 10, 2, 12, tzinfo=datetime.UTC), tick=True)
def test_backup_then_restore_gives_back_every_row(
    tmp_path, reference_data, client, admin_user, staff_user, manager_user
):
    call_command("load_demo_plans", stdout=io.StringIO())
    line = ActionLine.objects.filter(units__members=staff_user).first()
    update = services.status_update_create(
        line=line,
        author=staff_user,
        as_of=datetime.date(2000, 9, 15),
        category="in_progress",
        narrative="Réunion tenue le 14 septembre ; rapport en cours.",
        about_question=False,
        seen_update_id=None,
    )
    # Submitted for clearance (the demo plans require it), then cleared: a round is published.
    services.status_update_clear(update=update, reviewer=manager_user)
    plan = line.question.part.plan
    round_ = services.round_create(plan=plan, as_of=datetime.date(2000, 9, 30))
    services.round_publish(round_=round_, user=manager_user)
    client.force_login(admin_user)
    url = reverse("admin:measures_actionline_change", args=[line.pk])
    form = open_form(client, url)
    form["text"] = "Texte revu dans l'administration"
    assert client.post(url, form).status_code == 302

    before = every_row()
    assert len(before["measures.historicalactionline"]) > ActionLine.objects.count()
    assert len(before["measures.statusupdate"]) == StatusUpdate.objects.count() > 30
    assert before["measures.importbatch"] and before["admin.logentry"]
    path = tmp_path / "ilo.xml.gz"
    call_command("backup", str(path), stdout=io.StringIO())
    with gzip.open(path) as backup:
        assert backup.read(5) == b"<?xml"

    call_command("flush", interactive=False, verbosity=0)
    assert not Plan.objects.exists() and not LogEntry.objects.exists()
    call_command("restore", str(path), "--no-input", stdout=io.StringIO())

    after = every_row()
    assert after.keys() == before.keys()
    for label, rows in before.items():
        assert after[label] == rows, label
    # The restored database works: the published round still closes its period.
    assert ReportingRound.closed_until(Plan.objects.get(pk=plan.pk)) == datetime.date(2000, 9, 30)


def test_a_backup_that_cannot_be_loaded_changes_nothing(tmp_path, reference_data):
    call_command("load_demo_plans", stdout=io.StringIO())
    before = every_row()
    path = tmp_path / "broken.xml.gz"
    with gzip.open(path, "wt") as broken:
        broken.write('<?xml version="1.0"?><django-objects version="1.0"><object model="')
    with pytest.raises(CommandError, match=r"broken\.xml\.gz could not be restored .*unclosed"):
        call_command("restore", str(path), "--no-input", stdout=io.StringIO())
    assert every_row() == before
    assert ImportBatch.objects.count() == 2


@pytest.mark.parametrize(
    "content",
    [b"", gzip.compress(b""), gzip.compress(b'<django-objects version="1.0"></django-objects>')],
    ids=["empty file", "empty gzip", "no object"],
)
def test_an_empty_backup_is_refused_not_restored_over_everything(
    tmp_path, reference_data, admin_user, content
):
    call_command("load_demo_plans", stdout=io.StringIO())
    before = every_row()
    path = tmp_path / "empty.xml.gz"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=r"could not be restored .*nothing changed"):
        call_command("restore", str(path), "--no-input", stdout=io.StringIO())
    assert every_row() == before


def test_a_backup_that_fails_half_way_leaves_the_previous_one_whole(tmp_path, monkeypatch):
    path = tmp_path / "nightly.xml.gz"
    call_command("backup", str(path), stdout=io.StringIO())
    good = path.read_bytes()

    def fail_half_way(*args, output, **kwargs):
        with gzip.open(output, "wt") as half:
            half.write('<?xml version="1.0"?><django-objects version="1.0"><object')
        raise CommandError("Unable to serialize database: disk full")

    monkeypatch.setattr("measures.management.commands.backup.call_command", fail_half_way)
    with pytest.raises(CommandError, match="disk full"):
        call_command("backup", str(path), stdout=io.StringIO())
    assert path.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir()] == ["nightly.xml.gz"]  # no partial file left


def test_file_names_are_checked(tmp_path):
    with pytest.raises(CommandError, match=r"must end in \.xml\.gz"):
        call_command("backup", str(tmp_path / "backup.json"))
    with pytest.raises(CommandError, match="No backup file"):
        call_command("restore", str(tmp_path / "missing.xml.gz"), "--no-input")
