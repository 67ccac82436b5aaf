"""Login throttling: five failures lock an account or an address for a while, with a message."""

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from playwright.sync_api import expect

LOGIN = "/accounts/login/"
RIGHT = "alice-pass-2026"


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    """Each sign-in checks a password: a fast hash keeps these many sign-ins quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def sign_in(client, username="alice", password=RIGHT, address="127.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(client, times, username="alice", address="127.0.0.1"):
    """`times` wrong passwords; the fifth failure in a row is answered by the lock."""
    for _ in range(times):
        page = sign_in(client, username, "wrong", address)
        assert page.status_code == 429 or "Please enter a correct username" in page.text
    return page


def test_five_failures_lock_the_account_with_a_message_even_for_the_right_password(
    client, staff_user
):
    assert fail(client, 4).status_code == 200
    page = fail(client, 1)
    assert page.status_code == 429
    assert "Signing in is blocked after 5 failed attempts" in page.text
    assert sign_in(client).status_code == 429
    assert "Try again in 15 minutes, or ask an administrator" in page.text
    assert "_auth_user_id" not in client.session
    # From another address too: it is the account that is locked.
    assert sign_in(client, address="127.0.0.2").status_code == 429


def test_a_success_resets_the_count(client, staff_user):
    fail(client, 4)
    assert sign_in(client).status_code == 302
    client.logout()
    fail(client, 4)
    assert sign_in(client).status_code == 302


def test_five_failures_from_one_address_lock_that_address_for_every_account(
    client, staff_user, other_staff_user
):
    for name in ["anna", "ben", "carl", "dora", "emil"]:
        fail(client, 1, username=name, address="127.0.0.9")
    assert sign_in(client, address="127.0.0.9").status_code == 429
    assert sign_in(client, address="127.0.0.1").status_code == 302


def test_the_lock_lifts_by_itself_after_the_cool_off(client, staff_user):
    fail(client, 5)
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=16)):
        assert sign_in(client).status_code == 302


def test_an_administrator_unlocks_an_account_in_the_admin(client, staff_user, admin_user):
    fail(client, 5)
    attempt = AccessAttempt.objects.get(username="alice")
    admin = client.__class__()
    admin.force_login(admin_user)
    listing = admin.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "alice" in listing.text
    delete = f"/admin/axes/accessattempt/{attempt.pk}/delete/"
    assert admin.post(delete, {"post": "yes"}).status_code == 302
    assert sign_in(client).status_code == 302


@pytest.mark.browser
def test_in_a_browser_the_fifth_failure_shows_the_block_on_the_sign_in_page(new_page, staff_user):
    page = new_page()
    for _ in range(5):
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill("alice")
        page.get_by_label("Password").fill("wrong")
        page.get_by_role("button", name="Sign in").click()
    alert = page.get_by_role("alert")
    assert "Signing in is blocked after 5 failed attempts" in alert.inner_text()
    expect(page.get_by_role("link", name="Forgotten your password?")).to_be_visible()
