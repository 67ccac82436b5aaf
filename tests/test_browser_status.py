"""The status form in a real Chromium: in-place saving, conflicts, and a forbidden unit."""

import datetime
import io
import re
from functools import partial

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext
from playwright.sync_api import expect

from measures.models import ActionLine, Plan, StatusUpdate
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
    page.get_by_label("As of").fill("2099-01-01")
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


ROUND = datetime.date(2000, 12, 31)


def localised(language, message, **values):
    with translation.override(language):
        text = gettext(message)
        assert language == "en" or text != message, f"{message!r} is not translated"
        return text % {k: date_format(v) for k, v in values.items()} if values else text


# The round does the same database work in each language: English runs on both databases,
# French and Spanish (their labels, messages and dates) on SQLite only.
@pytest.mark.parametrize(
    "language",
    ["en", *(pytest.param(code, marks=pytest.mark.one_database) for code in ("fr", "es"))],
)
def test_a_reporting_round_of_gb_279_in_each_language(
    new_page, reference_data, staff_user, manager_user, language
):
    """Staff of PARDEV report on two lines as of 31 December 2000, a manager publishes that
    round, and then no update on or before that date is taken, all in the reader's language."""
    call_command("load_demo_plans", stdout=io.StringIO())
    # About rounds, not clearance (tests/test_browser_clearance.py): updates count as saved.
    Plan.objects.update(requires_clearance=False)
    plan = Plan.objects.get(symbol="GB.279/TC/2")
    lines = ActionLine.objects.filter(question__part__plan=plan, units=staff_user.units.get())
    first, second = lines.order_by("question__part__order", "question__order", "order")[:2]
    t = partial(localised, language)

    def sign_in(user, password, lands_on="My measures"):
        page = new_page(language=language)
        page.goto("/accounts/login/")
        expect(page.locator("html")).to_have_attribute("lang", language)
        page.get_by_label(capfirst(t("username"))).fill(user.username)
        page.get_by_label(t("Password")).fill(password)
        page.get_by_role("button", name=t("Sign in")).click()
        expect(page.get_by_role("heading", name=t(lands_on), exact=True)).to_be_visible()
        return page

    def report(page, line, status, narrative):
        page.goto(f"/lines/{line.pk}/")
        form = page.locator("#status-form")
        form.get_by_label(t("As of")).fill(ROUND.isoformat())
        form.get_by_label(t("Status")).select_option(label=t(status))
        form.get_by_label(t("Narrative")).fill(narrative)
        form.get_by_role("button", name=t("Save the status")).click()
        return form

    # A manager with no line of their own lands on the measures table.
    manager = sign_in(manager_user, "maria-pass-2026", lands_on="Measures")
    manager.goto(f"/plans/{plan.pk}/")
    manager.locator("#id_round_as_of").fill(ROUND.isoformat())
    manager.get_by_role("button", name=t("Add a round")).click()
    expect(manager.get_by_text(t("Reporting round added."))).to_be_visible()

    alice = sign_in(staff_user, "alice-pass-2026")
    alice.get_by_role("link", name=first.text[:40]).first.click()
    report(alice, first, "Completed", "Déclaration diffusée.\n\nVoir la circulaire.")
    expect(alice.locator("#line-status")).to_contain_text(t("Completed"))
    expect(alice.locator("#id_narrative")).to_have_value("")
    report(alice, second, "Delayed", "Consultations reportées.")
    expect(alice.locator("#line-status")).to_contain_text(t("Delayed"))
    expect(alice.locator("#history .update").first).to_contain_text("Consultations reportées.")

    manager.reload()
    publish = t("Publish the round as of %(date)s", date=ROUND)
    manager.get_by_role("button", name=publish).click()
    # Publishing asks first, saying what it freezes.
    expect(
        manager.get_by_role("heading", name=t("Publish the round as of %(date)s?", date=ROUND))
    ).to_be_visible()
    expect(manager.get_by_text(t("This cannot be undone."))).to_be_visible()
    manager.get_by_role("button", name=publish).click()
    expect(
        manager.get_by_text(t("The round as of %(date)s is published.", date=ROUND))
    ).to_be_visible()

    form = report(alice, first, "Cancelled", "Trop tard pour ce cycle.")
    error = t("The round as of %(date)s has been published: choose a later date.", date=ROUND)
    expect(alice.locator("#id_as_of_error")).to_have_text(error)
    expect(form.get_by_label(t("As of"))).to_be_focused()
    expect(form.get_by_label(t("Narrative"))).to_have_value("Trop tard pour ce cycle.")
    saved = StatusUpdate.objects.filter(author=staff_user, as_of=ROUND)
    assert sorted(saved.values_list("category", flat=True)) == ["completed", "delayed"]
    assert plan.rounds.get().published_by == manager_user
