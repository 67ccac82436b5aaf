"""Who may do what, as a matrix of roles × actions, through the real views."""

import datetime

import pytest
from django.utils import timezone

from measures import policy
from measures.models import ReportingRound, StatusUpdate
from tests.factories import make_line, make_plan

LOGIN = "/accounts/login/?next="

ROLES = ["signed_out", "staff_own_unit", "staff_other_unit", "manager", "admin"]
# Expected status code per role, in the order of ROLES; 302 to sign in for visitors, 302 back
# to the page after a successful write, 302 to the measures table for managers with no line.
MATRIX = {
    "home": [302, 200, 200, 302, 302],
    "plan page": [302, 200, 200, 200, 200],
    "line page": [302, 200, 200, 200, 200],
    "post update": [302, 302, 403, 302, 302],
    "publish round": [302, 403, 403, 302, 302],
    # The API answers 401 instead of sending to sign in, and 201 for a written update.
    "api plan": [401, 200, 200, 200, 200],
    "api line": [401, 200, 200, 200, 200],
    "api post update": [401, 201, 403, 201, 201],
}
WRITES = ("post update", "publish round", "api post update")


@pytest.fixture
def world(pardev):
    plan = make_plan(units=[pardev])
    line = plan.parts.get().questions.get().lines.get()
    round_ = ReportingRound.objects.create(plan=plan, as_of=datetime.date(2000, 8, 31))
    return plan, line, round_


@pytest.fixture
def user_for(request):
    fixtures = {
        "staff_own_unit": "staff_user",
        "staff_other_unit": "other_staff_user",
        "manager": "manager_user",
        "admin": "admin_user",
    }

    def get(role):
        return request.getfixturevalue(fixtures[role]) if role in fixtures else None

    return get


def request_for(client, action, plan, line, round_):
    if action == "home":
        return "/", client.get("/")
    if action == "plan page":
        return f"/plans/{plan.pk}/", client.get(f"/plans/{plan.pk}/")
    if action == "line page":
        return f"/lines/{line.pk}/", client.get(f"/lines/{line.pk}/")
    if action == "post update":
        url = f"/lines/{line.pk}/updates/"
        today = timezone.localdate().isoformat()
        data = {"as_of": today, "category": "in_progress", "about": "line", "narrative": "x"}
        return url, client.post(url, data)
    if action == "api plan":
        url = f"/api/v1/plans/{plan.pk}"
        return url, client.get(url)
    if action == "api line":
        url = f"/api/v1/lines/{line.pk}"
        return url, client.get(url)
    if action == "api post update":
        url = f"/api/v1/lines/{line.pk}/updates"
        today = timezone.localdate().isoformat()
        body = {"as_of": today, "category": "in_progress", "narrative": "x"}
        return url, client.post(url, body, content_type="application/json")
    url = f"/rounds/{round_.pk}/publish/"
    return url, client.post(url, {"confirm": "1"})


@pytest.mark.parametrize("action", MATRIX)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, world, user_for, role, action):
    plan, line, round_ = world
    user = user_for(role)
    if user:
        client.force_login(user)
    url, response = request_for(client, action, plan, line, round_)
    expected = MATRIX[action][ROLES.index(role)]
    assert response.status_code == expected
    if role == "signed_out" and not action.startswith("api"):
        assert response.url == LOGIN + url
    wrote = StatusUpdate.objects.exists() or ReportingRound.objects.published().exists()
    assert wrote == (action in WRITES and user is not None and expected in (201, 302))


def test_staff_of_another_unit_sees_the_line_but_no_form(client, world, other_staff_user):
    _, line, _ = world
    client.force_login(other_staff_user)
    page = client.get(f"/lines/{line.pk}/").content.decode()
    assert "Only the responsible units and managers can update this line." in page
    assert 'name="category"' not in page


def test_only_managers_see_the_round_forms(client, world, staff_user, manager_user):
    plan, _, round_ = world
    client.force_login(staff_user)
    assert f"/rounds/{round_.pk}/publish/" not in client.get(f"/plans/{plan.pk}/").content.decode()
    assert client.post(f"/plans/{plan.pk}/rounds/", {"as_of": "2000-09-30"}).status_code == 403
    client.force_login(manager_user)
    assert f"/rounds/{round_.pk}/publish/" in client.get(f"/plans/{plan.pk}/").content.decode()


def test_whole_question_needs_every_line_to_be_the_users(world, staff_user, program_unit):
    _, line, _ = world
    assert policy.can_update_question(staff_user, line.question)
    make_line(line.question, units=[program_unit])
    assert not policy.can_update_question(staff_user, line.question)


def test_inactive_manager_has_no_right(manager_user, world):
    _, line, _ = world
    manager_user.is_active = False
    assert not policy.can_update_line(manager_user, line)
    assert not policy.can_publish_round(manager_user)
    assert not policy.can_read_plans(manager_user)
