"""The clearance cycle in a real Chromium: staff drafts and submits, the focal point returns it
with a comment, staff submits a new one, the focal point clears it, the annex shows it."""

import pytest
from playwright.sync_api import expect

from measures.models import Clearance, StatusUpdate
from measures.policy import STAFF_GROUP
from tests.factories import make_plan, make_user

pytestmark = pytest.mark.browser


def test_the_clearance_cycle_from_draft_to_annex(new_page, staff_user, pardev):
    plan = make_plan(units=[pardev], requires_clearance=True)
    line = plan.parts.get().questions.get().lines.get()
    focal = make_user("fiona", STAFF_GROUP)
    pardev.focal_points.add(focal)

    alice = new_page(staff_user, "alice-pass-2026")
    alice.goto(f"/lines/{line.pk}/")
    alice.get_by_label("Status:").select_option(label="In progress")
    alice.get_by_label("Narrative").fill("Premier rapport, sans chiffres.")
    alice.get_by_role("button", name="Save draft").click()
    expect(alice.get_by_role("status").filter(has_text="Draft saved")).to_be_visible()
    history = alice.locator("#history")
    expect(history).to_contain_text("Draft: only you see it")
    history.get_by_role("button", name="Submit for clearance").click()
    expect(alice.locator("#history")).to_contain_text("Awaiting clearance")

    fiona = new_page(focal, "fiona-pass-2026")
    fiona.get_by_role("link", name="Awaiting clearance").click()
    row = fiona.locator("tr", has_text="Premier rapport")
    row.get_by_label("Why it is returned").fill("Ajoutez le nombre de pays.")
    row.get_by_role("button", name="Return").click()
    expect(fiona.get_by_text("Update returned to its author")).to_be_visible()
    expect(fiona.get_by_text("Nothing awaits your clearance.")).to_be_visible()

    alice.reload()
    expect(alice.locator("#history")).to_contain_text("Returned by fiona:")
    expect(alice.locator("#history")).to_contain_text("Ajoutez le nombre de pays.")
    alice.get_by_label("Status:").select_option(label="In progress")
    alice.get_by_label("Narrative").fill("Rapport corrigé : douze pays.")
    alice.locator("#status-submit").click()
    expect(alice.get_by_role("status").filter(has_text="Submitted for clearance")).to_be_visible()
    expect(alice.locator("#line-status")).to_contain_text("No status yet")

    fiona.reload()
    fiona.locator("tr", has_text="douze pays").get_by_role("button", name="Clear").click()
    expect(fiona.get_by_text("Update cleared: it now counts.")).to_be_visible()

    errors = []
    fiona.on("console", lambda message: errors.append(message.text))
    fiona.goto(f"/plans/{plan.pk}/annex.html")
    expect(fiona.locator("body")).to_contain_text("Rapport corrigé : douze pays.")
    fiona.wait_for_load_state("networkidle")
    assert not errors  # the preview's own icon, no /favicon.ico 404
    expect(fiona.locator("body")).not_to_contain_text("Premier rapport")
    cleared = StatusUpdate.objects.get(clearance=Clearance.CLEARED)
    assert (cleared.author, cleared.reviewed_by) == (staff_user, focal)
