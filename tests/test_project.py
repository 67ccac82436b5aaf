"""Project-level behaviour: demo users, admin, production settings."""

import io
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from tests.factories import make_plan


def test_demo_users_can_sign_in_in_development(pardev, program_unit, settings):
    settings.DEBUG = True
    call_command("create_demo_users", stdout=io.StringIO())
    staff = authenticate(username="staff", password="staff-demo-2026")
    assert list(staff.units.values_list("code", flat=True)) == ["PARDEV"]
    assert authenticate(username="admin", password="admin-demo-2026").is_superuser
    focal = authenticate(username="focal", password="focal-demo-2026")
    assert list(focal.focal_units.values_list("code", flat=True)) == ["PARDEV"]


def test_demo_users_are_refused_when_debug_is_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="never created"):
        call_command("create_demo_users")


@pytest.mark.parametrize(
    "url",
    [
        "/admin/measures/plan/",
        "/admin/measures/part/",
        "/admin/measures/question/",
        "/admin/measures/actionline/",
        "/admin/measures/statusupdate/",
        "/admin/measures/unit/",
        "/admin/measures/reportinground/",
        "/admin/outcomes/framework/",
        "/admin/outcomes/outcome/",
        "/admin/outcomes/output/",
        "/admin/outcomes/indicator/",
        "/admin/outcomes/milestone/",
    ],
)
def test_admin_lists_every_model(client, admin_user, reference_data, url):
    make_plan()
    client.force_login(admin_user)
    assert client.get(url).status_code == 200
    assert client.get(url + "?q=1").status_code == 200


def test_admin_plan_page_shows_its_parts_inline(client, admin_user):
    plan = make_plan(parts=2)
    client.force_login(admin_user)
    page = client.get(f"/admin/measures/plan/{plan.pk}/change/").content.decode()
    assert "Partie 1" in page and "Partie 2" in page


def test_status_updates_cannot_be_edited_or_deleted_in_the_admin(client, admin_user):
    from tests.factories import make_update

    plan = make_plan()
    update = make_update(plan.parts.get().questions.get().lines.get(), "2000-08-31")
    client.force_login(admin_user)
    page = client.get(f"/admin/measures/statusupdate/{update.pk}/change/")
    assert b'name="_save"' not in page.content
    assert client.post(f"/admin/measures/statusupdate/{update.pk}/delete/").status_code == 403


def test_check_deploy_is_clean_under_production_settings():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "false",
        "SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "tracker.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**os.environ, "DEBUG": "false", "SECRET_KEY": ""}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_status_updates_are_added_only_through_the_line_page(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/admin/measures/statusupdate/add/").status_code == 403


def test_a_published_round_cannot_be_moved_or_deleted_in_the_admin(client, admin_user):
    from django.utils import timezone

    from measures.models import ReportingRound

    plan = make_plan()
    round_ = ReportingRound.objects.create(
        plan=plan, as_of="2000-08-31", published_at=timezone.now(), published_by=admin_user
    )
    client.force_login(admin_user)
    page = client.get(f"/admin/measures/reportinground/{round_.pk}/change/").content.decode()
    assert 'name="as_of"' not in page
    assert client.post(f"/admin/measures/reportinground/{round_.pk}/delete/").status_code == 403
