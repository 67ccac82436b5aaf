"""Signing in and out, and the password reset by e-mail."""

from django.core import mail


def test_password_reset_sends_a_link_that_sets_a_new_password(client, staff_user):
    response = client.post("/accounts/password_reset/", {"email": "alice@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = next(word for word in mail.outbox[0].body.split() if "/accounts/reset/" in word)
    form_url = client.get(link.removeprefix("http://testserver")).url
    response = client.post(
        form_url, {"new_password1": "a-new-pass-2026", "new_password2": "a-new-pass-2026"}
    )
    assert response.status_code == 302
    assert client.login(username="alice", password="a-new-pass-2026")


def test_sign_in_page_offers_the_password_reset(client):
    page = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/password_reset/"' in page
    assert 'for="id_username"' in page and 'for="id_password"' in page


def test_wrong_password_error_is_shown_and_nothing_else_opens(client, staff_user):
    response = client.post("/accounts/login/", {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert client.get("/").status_code == 302


def test_sign_out_ends_the_session(client, staff_user):
    client.force_login(staff_user)
    assert client.post("/accounts/logout/").url == "/accounts/login/"
    assert client.get("/").status_code == 302
