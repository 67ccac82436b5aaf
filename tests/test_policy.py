"""Who may do what, as a matrix of roles × actions, through the real views."""

import datetime

import pytest
from django.utils import timezone

from measures import policy
from measures.models import ReportingRound, StatusUpdate
from measures.policy import STAFF_GROUP
from tests.factories import make_line, make_plan, make_user

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


# Clearance (issue 14): roles × actions on a plan that requires clearance. Alice (staff of
# PARDEV) wrote a draft and submitted an update; Carol is her colleague in PARDEV; Fiona is
# PARDEV's focal point, Oscar PROGRAM's. A draft is its author's alone: 404 for anyone else.
# 400: Oscar may clear, but not this update, so the batch form refuses it.
CLEARANCE_ROLES = [
    "signed_out",
    "author",
    "colleague",
    "staff_other_unit",
    "focal_point",
    "other_focal_point",
    "manager",
    "admin",
]
CLEARANCE_MATRIX = {
    "clearance page": [302, 403, 403, 403, 200, 200, 200, 200],
    "save draft": [302, 302, 302, 403, 403, 403, 302, 302],
    "edit draft": [302, 302, 404, 404, 404, 404, 404, 404],
    "submit draft": [302, 302, 404, 404, 404, 404, 404, 404],
    "delete draft": [302, 302, 404, 404, 404, 404, 404, 404],
    "clear": [302, 403, 403, 403, 302, 404, 302, 302],
    "return": [302, 403, 403, 403, 302, 404, 302, 302],
    "batch clear": [302, 403, 403, 403, 302, 400, 302, 302],
}


@pytest.fixture
def clearance_world(pardev, program_unit, staff_user):
    plan = make_plan(units=[pardev], requires_clearance=True)
    line = plan.parts.get().questions.get().lines.get()
    as_of = datetime.date(2000, 8, 31)
    draft = StatusUpdate.objects.create(
        action_line=line, as_of=as_of, author=staff_user, clearance="draft", narrative="d"
    )
    submitted = StatusUpdate.objects.create(
        action_line=line,
        as_of=as_of,
        author=staff_user,
        clearance="submitted",
        submitted_at=timezone.now(),
        narrative="s",
    )
    return line, draft, submitted


@pytest.fixture
def clearance_user_for(request, pardev, program_unit):
    def get(role):
        if role == "signed_out":
            return None
        if role in ("focal_point", "other_focal_point"):
            user = make_user(role.replace("_", ""), STAFF_GROUP)
            (pardev if role == "focal_point" else program_unit).focal_points.add(user)
            return user
        if role == "colleague":
            return make_user("carol", STAFF_GROUP, [pardev])
        fixtures = {
            "author": "staff_user",
            "staff_other_unit": "other_staff_user",
            "manager": "manager_user",
            "admin": "admin_user",
        }
        return request.getfixturevalue(fixtures[role])

    return get


def clearance_request(client, action, line, draft, submitted):
    """The request, and what it changed if it went through."""
    today = timezone.localdate().isoformat()
    fields = {"as_of": today, "category": "in_progress", "about": "line", "narrative": "n"}
    fields["seen_update"] = submitted.pk
    comment = {f"return-{submitted.pk}-comment": "Non"}
    requests = {
        "clearance page": ("get", "/clearance/", {}),
        "save draft": ("post", f"/lines/{line.pk}/updates/", fields | {"save_draft": "1"}),
        "edit draft": ("post", f"/updates/{draft.pk}/edit/", fields | {"save_draft": "1"}),
        "submit draft": ("post", f"/updates/{draft.pk}/submit/", {}),
        "delete draft": ("post", f"/updates/{draft.pk}/delete/", {}),
        "clear": ("post", f"/updates/{submitted.pk}/clear/", {}),
        "return": ("post", f"/updates/{submitted.pk}/return/", comment),
        "batch clear": ("post", "/clearance/batch/", {"updates": [submitted.pk]}),
    }
    method, url, data = requests[action]
    return url, getattr(client, method)(url, data)


def clearance_state():
    return list(
        StatusUpdate.objects.order_by("pk").values_list("pk", "clearance", "narrative", "as_of")
    )


@pytest.mark.parametrize("action", CLEARANCE_MATRIX)
@pytest.mark.parametrize("role", CLEARANCE_ROLES)
def test_clearance_permission_matrix(
    client, clearance_world, clearance_user_for, frozen_today, role, action
):
    line, draft, submitted = clearance_world
    user = clearance_user_for(role)
    if user:
        client.force_login(user)
    before = clearance_state()
    url, response = clearance_request(client, action, line, draft, submitted)
    expected = CLEARANCE_MATRIX[action][CLEARANCE_ROLES.index(role)]
    assert response.status_code == expected
    if role == "signed_out":
        assert response.url == LOGIN + url
    changed = clearance_state() != before
    assert changed == (action != "clearance page" and user is not None and expected == 302)
