"""On a 390 px phone: the pages with tables never scroll sideways, and the line page puts its
status form before the question's long context."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from measures.models import ActionLine, Plan
from tests.factories import make_update
from tests.plan_workbooks import import_fixture

# Layout: the pages' queries are the same as in the tests that run on both databases.
pytestmark = [pytest.mark.browser, pytest.mark.one_database]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def gb279(db, manager_user):
    import_fixture("GB.279-TC-2.xlsx")
    return Plan.objects.get(symbol="GB.279/TC/2")


@pytest.fixture
def phone(new_page, manager_user):
    page = new_page(manager_user, "maria-pass-2026")
    page.set_viewport_size(PHONE)
    return page


def page_width(page):
    return page.evaluate("document.scrollingElement.scrollWidth")


def test_measures_table_scrolls_inside_its_box_not_the_page(phone, gb279):
    phone.goto("/measures/?as_of=2000-08-31")
    phone.get_by_text("More filters").click()
    assert page_width(phone) <= PHONE["width"]
    box = phone.locator(".table-container")
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")  # the table's own scroll
    box.evaluate("el => el.scrollLeft = 200")
    assert box.evaluate("el => el.scrollLeft") > 0
    assert page_width(phone) <= PHONE["width"]


def test_plan_page_fits_the_phone(phone, gb279):
    phone.goto(f"/plans/{gb279.pk}/?as_of=2000-08-31")
    phone.locator("table.lines").first.wait_for()
    assert page_width(phone) <= PHONE["width"]


def test_line_page_fits_the_phone_with_the_status_form_before_the_context(phone, gb279):
    line = ActionLine.objects.filter(question__part__plan=gb279).in_print_order().first()
    phone.goto(f"/lines/{line.pk}/")
    assert page_width(phone) <= PHONE["width"]
    form = phone.locator("#status-form").bounding_box()
    context = phone.locator(".question-context").bounding_box()
    assert form["y"] + form["height"] <= context["y"]
    assert phone.evaluate(
        "document.querySelector('#status-form').compareDocumentPosition("
        "document.querySelector('.question-context')) & Node.DOCUMENT_POSITION_FOLLOWING"
    )


def test_copy_the_last_text_fills_the_form_in_place(phone, gb279):
    line = ActionLine.objects.filter(question__part__plan=gb279).in_print_order().first()
    phone.goto(f"/lines/{line.pk}/")
    narrative = phone.get_by_label("Narrative")
    assert narrative.input_value() == ""
    phone.evaluate("window.notReloaded = true")
    phone.get_by_role("button", name="Copy the last text").click()
    expect(narrative).to_have_value(re.compile(r"^Projet de directives internes préparé"))
    assert phone.evaluate("window.notReloaded")  # swapped in place by htmx
    assert phone.evaluate("document.activeElement.id") == "id_narrative"


def test_a_new_api_token_wraps_on_the_phone(phone, monkeypatch):
    # A secret with no hyphen, where a browser could break the line anyway.
    monkeypatch.setattr("api.tokens.secrets.token_urlsafe", lambda size: "K9WY35pUOy" * 5)
    phone.goto("/profile/tokens/")
    phone.get_by_label("Name").fill("Mon script")
    phone.get_by_role("button", name="Create the token").click()
    secret = phone.locator("code.secret")
    expect(secret).to_be_visible()
    assert page_width(phone) <= PHONE["width"]
    assert secret.evaluate("el => el.getBoundingClientRect().right") <= PHONE["width"]


def test_a_long_url_or_word_pasted_in_a_narrative_wraps_on_every_page(phone, gb279):
    line = ActionLine.objects.filter(question__part__plan=gb279).in_print_order().first()
    url = "https://www.ilo.org/" + "documents/" * 50
    make_update(line, datetime.date(2000, 8, 31), narrative=f"Voir {url}\n{'x' * 400}")
    for address in [f"/lines/{line.pk}/", f"/plans/{gb279.pk}/?as_of=2000-08-31"]:
        phone.goto(address)
        expect(phone.get_by_text("https://www.ilo.org/").first).to_be_visible()
        assert page_width(phone) <= PHONE["width"], address
