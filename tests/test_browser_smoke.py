"""The browser harness itself: a real Chromium signs in through the real login form."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_staff_member_signs_in_and_out(new_page, staff_user):
    page = new_page(staff_user, "alice-pass-2026")
    expect(page.get_by_role("heading", name="My measures")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")


def test_wrong_password_is_refused_with_a_message(new_page, staff_user):
    page = new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Please enter a correct username and password")).to_be_visible()
