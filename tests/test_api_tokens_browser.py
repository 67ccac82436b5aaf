"""Creating and revoking an API token in a real Chromium, then using it."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_staff_create_a_token_copy_it_and_revoke_it(new_page, staff_user, client):
    cache.clear()
    page = new_page(staff_user, "alice-pass-2026")
    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Name").fill("Power BI workbook")
    page.get_by_label("Read and write").check()
    page.get_by_role("button", name="Create the token").click()

    secret = page.locator("code.secret").inner_text()
    assert re.fullmatch(r"ilo_[\w-]{40,}", secret)
    expect(page.get_by_role("row", name=re.compile("Power BI workbook"))).to_contain_text(
        "Read and write"
    )
    assert client.get("/api/v1/plans", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200

    page.get_by_role("button", name="Revoke “Power BI workbook”").click()
    expect(page.get_by_role("status")).to_contain_text("The token “Power BI workbook” is revoked.")
    expect(page.get_by_role("row", name=re.compile("Power BI workbook"))).to_contain_text(
        "Revoked on"
    )
    assert client.get("/api/v1/plans", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_a_token_without_a_name_is_refused_with_the_field_named(new_page, staff_user):
    page = new_page(staff_user, "alice-pass-2026")
    page.goto("/profile/tokens/")
    page.get_by_label("Name").fill(" ")
    page.get_by_role("button", name="Create the token").click()
    expect(page.get_by_role("alert")).to_contain_text("Name: This field is required.")
    expect(page.get_by_label("Name")).to_be_focused()


def test_the_api_documentation_page_lists_every_operation(new_page, staff_user):
    page = new_page(staff_user, "alice-pass-2026")
    errors = []
    page.on("console", lambda message: errors.append(message.text))
    page.goto("/profile/tokens/")
    page.get_by_role("link", name="API documentation").click()
    # Swagger UI is a large script: give a loaded machine time to run it.
    page.locator(".opblock").first.wait_for(timeout=30_000)
    expect(page.locator(".opblock")).to_have_count(11)
    expect(page.locator(".opblock-summary-path").first).to_contain_text("/api/v1/")
    assert not [e for e in errors if "Content Security Policy" in e]
