"""Every page of the app sends a signed-out visitor to sign in before showing or doing anything."""

import re

import pytest
from django.urls import URLResolver, get_resolver

# Django's own pages that must be reachable without an account.
PUBLIC = {
    "set_language",
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "healthz",  # says "ok" or not, nothing else (tests/test_healthz.py)
}


# The API answers 401 to signed-out callers instead: tests/test_api.py and test_policy.py.
NOT_PAGES = {"admin/", "api/v1/"}


def app_routes(patterns=None, prefix=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern) not in NOT_PAGES:
                yield from app_routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif pattern.name not in PUBLIC:
            yield pattern.name, "/" + re.sub(r"<int:\w+>", "1", prefix + str(pattern.pattern))


ROUTES = sorted(app_routes())


def test_the_app_has_the_pages_this_test_expects():
    names = {name for name, _ in ROUTES}
    assert {"home", "plan_detail", "line_update", "measures_xlsx", "plan_annex_pdf"} <= names


@pytest.mark.parametrize(("name", "url"), ROUTES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_signed_out_visitors_are_sent_to_sign_in(client, db, name, url, method):
    response = getattr(client, method)(url)
    assert response.status_code == 302, name
    assert response["Location"].startswith("/accounts/login/?next="), name
