"""The status form in a real Chromium: in-place saving, conflicts, and a forbidden unit."""

import re

import pytest
from playwright.sync_api import expect

from measures.models import StatusUpdate
from tests.factories import make_plan

pytestmark = pytest.mark.browser


@pytest.fixture
def line(pardev):
    return make_plan(units=[pardev]).parts.get().questions.get().lines.get()


def fill_status(page, status, narrative):
    page.get_by_label("Status:").select_option(label=status)
    page.get_by_label("Narrative").fill(narrative)
    page.get_by_role("button", name="Save the status").click()


def test_staff_updates_a_status_in_place_and_sees_badge_and_history(new_page, staff_user, line):
    page = new_page(staff_user, "alice-pass-2026")
    page.get_by_role("link", name=re.compile("ligne d'action 1")).click()
    expect(page.locator("#line-status")).to_contain_text("No status yet")
    page.evaluate("window.notReloaded = true")
    fill_status(page, "Completed", "Atelier tenu.\n\nRapport envoyé.")
    expect(page.get_by_role("status").filter(has_text="Status saved.")).to_be_visible()
    expect(page.locator("#line-status")).to_contain_text("Completed")
    expect(page.locator("#history .update")).to_have_count(1)
    expect(page.locator("#history")).to_contain_text("Entered by alice")
    assert page.evaluate("window.notReloaded") is True
    fill_status(page, "Delayed", "Finalement reporté.")
    expect(page.locator("#line-status")).to_contain_text("Delayed")
    expect(page.locator("#history .update")).to_have_count(2)
    assert page.evaluate("window.notReloaded") is True
    assert StatusUpdate.objects.count() == 2


def test_field_error_appears_next_to_the_field_in_place(new_page, staff_user, line):
    page = new_page(staff_user, "alice-pass-2026")
    page.goto(f"/lines/{line.pk}/")
    page.get_by_label("As of").fill("2999-01-01")
    fill_status(page, "Completed", "Mon texte")
    error = page.locator("#id_as_of_error")
    expect(error).to_have_text("The as-of date cannot be in the future.")
    expect(page.get_by_label("As of")).to_have_attribute("aria-describedby", "id_as_of_error")
    expect(page.get_by_label("Narrative")).to_have_value("Mon texte")
    assert not StatusUpdate.objects.exists()


def test_second_editor_sees_the_conflict_and_keeps_their_text(
    new_page, staff_user, manager_user, line
):
    alice = new_page(staff_user, "alice-pass-2026")
    maria = new_page(manager_user, "maria-pass-2026")
    alice.goto(f"/lines/{line.pk}/")
    maria.goto(f"/lines/{line.pk}/")
    fill_status(maria, "Delayed", "Le donateur a reporté la réunion.")
    expect(maria.locator("#line-status")).to_contain_text("Delayed")
    fill_status(alice, "Completed", "La réunion a eu lieu.")
    conflict = alice.get_by_role("alert")
    expect(conflict).to_contain_text("Someone else updated this line")
    expect(conflict).to_contain_text("Le donateur a reporté la réunion.")
    expect(alice.get_by_label("Narrative")).to_have_value("La réunion a eu lieu.")
    assert StatusUpdate.objects.count() == 1
    alice.get_by_role("button", name="Save the status").click()
    expect(alice.locator("#history .update")).to_have_count(2)
    expect(alice.locator("#line-status")).to_contain_text("Completed")


def test_staff_of_another_unit_has_no_form_and_a_forged_post_is_refused(
    new_page, other_staff_user, line
):
    page = new_page(other_staff_user, "bob-pass-2026")
    page.goto(f"/lines/{line.pk}/")
    expect(page.get_by_text("Only the responsible units and managers")).to_be_visible()
    expect(page.get_by_label("Narrative")).to_have_count(0)
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        f"/lines/{line.pk}/updates/",
        form={"as_of": "2000-09-01", "category": "completed", "about": "line"},
        headers={"X-CSRFToken": token, "Referer": page.url},
    )
    assert response.status == 403
    assert not StatusUpdate.objects.exists()
