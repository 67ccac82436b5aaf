"""The profile page where people create and revoke their API tokens, and the API docs page."""

import re

import pytest
from django.core.cache import cache

from api.models import ApiToken


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()


def test_a_new_token_is_shown_once_then_works_until_revoked(client, staff_user):
    client.force_login(staff_user)

    page = client.post(
        "/profile/tokens/", {"name": "Power BI", "scope": ApiToken.Scope.READ}
    ).content.decode()

    [secret] = re.findall(r'<code class="secret">(ilo_[\w-]+)</code>', page)
    assert "will not be shown again" in page
    token = ApiToken.objects.get()
    assert (token.name, token.scope, token.user) == ("Power BI", "read", staff_user)
    assert secret not in client.get("/profile/tokens/").content.decode()
    client.logout()
    assert client.get("/api/v1/plans", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200

    client.force_login(staff_user)
    response = client.post(f"/profile/tokens/{token.pk}/revoke/", follow=True)

    assert "The token “Power BI” is revoked." in response.content.decode()
    client.logout()
    assert client.get("/api/v1/plans", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_a_token_needs_a_name_and_a_scope(client, staff_user):
    client.force_login(staff_user)
    page = client.post("/profile/tokens/", {"name": "", "scope": "admin"}).content.decode()
    assert "Please correct these errors:" in page
    assert 'aria-invalid="true"' in page
    assert not ApiToken.objects.exists()


def test_nobody_sees_or_revokes_anyone_elses_tokens(client, staff_user, other_staff_user):
    client.force_login(staff_user)
    client.post("/profile/tokens/", {"name": "alice's script", "scope": "read_write"})
    token = ApiToken.objects.get()

    client.force_login(other_staff_user)
    assert "alice's script" not in client.get("/profile/tokens/").content.decode()
    assert client.post(f"/profile/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_api_documentation_is_served_from_the_app_to_signed_in_users(client, staff_user):
    assert client.get("/api/v1/docs").status_code == 302
    client.force_login(staff_user)
    page = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/lines" in schema["paths"]
    parameters = {p["name"] for p in schema["paths"]["/api/v1/lines"]["get"]["parameters"]}
    assert {"as_of", "overdue", "unit", "status", "due_after", "page"} <= parameters
