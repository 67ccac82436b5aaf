"""The JSON API as a script uses it: tokens, filters as of a date, status updates, caching."""

import datetime
import time
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from django.utils.http import http_date

from api.core import THROTTLE
from api.models import ApiToken
from api.tokens import token_create, token_revoke
from measures.models import Clearance, ReportingRound, StatusUpdate
from measures.services import status_update_clear
from tests.factories import make_line, make_plan, make_update
from tests.results_factories import day, make_framework, measure

AS_OF = datetime.date(2000, 10, 15)


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()


@pytest.fixture
def plan(pardev, program_unit):
    """Two PARDEV lines due 30 Sept. 2000 and one PROGRAM line due 31 Dec. 2000."""
    plan = make_plan(symbol="GB.279/TC/2", units=[pardev], lines=2)
    question = plan.parts.get().questions.get()
    make_line(question, due=datetime.date(2000, 12, 31), units=[program_unit])
    return plan


def bearer(user, scope=ApiToken.Scope.READ_WRITE):
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user, name='s', scope=scope)[1]}"}


def post_update(client, line, headers, **data):
    body = {"as_of": "2000-10-01", "category": "completed", "narrative": "Fait."} | data
    return client.post(
        f"/api/v1/lines/{line.pk}/updates", body, content_type="application/json", **headers
    )


def test_a_script_reads_the_overdue_lines_as_of_a_date_and_reports_on_one(
    client, plan, staff_user
):
    headers = bearer(staff_user)
    first, second, _ = plan.parts.get().questions.get().lines.order_by("order")
    make_update(second, datetime.date(2000, 9, 20), "completed")
    url = f"/api/v1/lines?overdue=true&as_of={AS_OF}"

    page = client.get(url, **headers).json()

    assert page["count"] == 1
    [line] = page["items"]
    assert (line["id"], line["plan"], line["overdue"]) == (first.pk, "GB.279/TC/2", True)
    assert line["status"]["update_id"] is None and line["units"] == ["PARDEV"]
    seen = client.get(f"/api/v1/lines/{first.pk}", **headers).json()["latest_update_id"]

    response = post_update(client, first, headers, as_of="2000-10-10", seen_update=seen)

    assert response.status_code == 201
    assert response.json()["author"] == "alice"
    assert client.get(url, **headers).json()["count"] == 0
    # Before the update's date the line was still overdue.
    assert client.get(url.replace(str(AS_OF), "2000-10-05"), **headers).json()["count"] == 1


def test_lines_take_every_filter_of_the_measures_table(client, plan, manager_user, program_unit):
    headers = bearer(manager_user)
    lines = list(plan.parts.get().questions.get().lines.order_by("order"))
    make_update(lines[0], datetime.date(2000, 9, 1), "delayed", narrative="Retard budgétaire")

    def ids(query):
        response = client.get(f"/api/v1/lines?as_of={AS_OF}&{query}", **headers)
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["items"]]

    assert ids("") == [line.pk for line in lines]
    assert ids(f"unit={program_unit.pk}") == [lines[2].pk]
    assert ids("status=delayed") == [lines[0].pk]
    assert ids("status=delayed&status=none") == [line.pk for line in lines]
    assert ids("q=budgétaire") == [lines[0].pk]
    assert ids("due_after=2000-11-01") == [lines[2].pk]
    assert ids("due_within=90") == [lines[2].pk]
    assert ids("overdue=false") == [line.pk for line in lines]


def test_invalid_filters_are_refused_with_the_filter_named(client, plan, manager_user):
    response = client.get("/api/v1/lines?plan=999999", **bearer(manager_user))
    assert response.status_code == 422
    assert "plan" in response.json()["detail"]


def test_the_plan_tree_shows_each_status_as_of_the_date(client, plan, staff_user):
    headers = bearer(staff_user)
    question = plan.parts.get().questions.get()
    make_update(question, datetime.date(2000, 9, 1), "in_progress", narrative="En cours")
    make_update(question, datetime.date(2000, 11, 1), "completed", narrative="Terminé")

    tree = client.get(f"/api/v1/plans/{plan.pk}?as_of={AS_OF}", **headers).json()

    [part] = tree["parts"]
    [node] = part["questions"]
    assert node["status"]["narrative"] == "En cours"
    assert [line["overdue"] for line in node["lines"]] == [True, True, False]
    assert [line["status"]["category"] for line in node["lines"]] == ["in_progress"] * 3
    later = client.get(f"/api/v1/plans/{plan.pk}?as_of=2000-11-02", **headers).json()
    assert later["parts"][0]["questions"][0]["status"]["narrative"] == "Terminé"


def test_a_stale_write_is_refused_with_the_newer_update_and_nothing_is_written(
    client, plan, staff_user, manager_user
):
    line = plan.parts.get().questions.get().lines.first()
    seen = make_update(line, datetime.date(2000, 9, 1)).pk
    newer = make_update(line, datetime.date(2000, 9, 15), author=manager_user, narrative="Vu")
    before = StatusUpdate.objects.count()

    response = post_update(client, line, bearer(staff_user), seen_update=seen)

    assert response.status_code == 409
    body = response.json()
    assert body["latest_update_id"] == newer.pk
    assert [(u["id"], u["narrative"], u["author"]) for u in body["newer"]] == [
        (newer.pk, "Vu", "maria")
    ]
    assert StatusUpdate.objects.count() == before
    # Sent again having seen it, the update goes through.
    assert post_update(client, line, bearer(staff_user), seen_update=newer.pk).status_code == 201


def test_a_write_follows_the_rules_of_the_form(client, plan, staff_user, other_staff_user):
    line = plan.parts.get().questions.get().lines.first()
    headers = bearer(staff_user)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    ReportingRound.objects.create(
        plan=plan,
        as_of=datetime.date(2000, 8, 31),
        published_at=timezone.now(),
        published_by=staff_user,
    )

    future = post_update(client, line, headers, as_of=tomorrow.isoformat())
    published = post_update(client, line, headers, as_of="2000-08-31")
    unknown = post_update(client, line, headers, category="finished")
    whole = post_update(client, line, headers, about="question")
    other_unit = post_update(client, line, bearer(other_staff_user))

    assert future.status_code == 422
    assert future.json()["detail"]["as_of"] == ["The as-of date cannot be in the future."]
    assert published.status_code == 422
    assert "has been published" in published.json()["detail"]["as_of"][0]
    assert unknown.status_code == 422
    # The question has a PROGRAM line: alice may not speak for the whole question.
    assert whole.status_code == 422 and "about" in whole.json()["detail"]
    assert other_unit.status_code == 403
    assert not StatusUpdate.objects.exists()


def test_a_read_token_cannot_write_and_a_revoked_one_cannot_read(client, plan, staff_user):
    line = plan.parts.get().questions.get().lines.first()
    token, secret = token_create(user=staff_user, name="dashboard", scope=ApiToken.Scope.READ)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    assert client.get("/api/v1/plans", **headers).status_code == 200
    refused = post_update(client, line, headers)
    assert refused.status_code == 403 and "read-only" in refused.json()["detail"]
    token_revoke(token=token)
    assert client.get("/api/v1/plans", **headers).status_code == 401
    assert not StatusUpdate.objects.exists()


def test_tokens_of_inactive_users_and_unknown_tokens_are_refused(client, plan, staff_user):
    headers = bearer(staff_user)
    assert client.get("/api/v1/plans").status_code == 401
    assert client.get("/api/v1/plans", HTTP_AUTHORIZATION="Bearer ilo_nope").status_code == 401
    staff_user.is_active = False
    staff_user.save()
    assert client.get("/api/v1/plans", **headers).status_code == 401


def test_a_token_is_stored_hashed_and_its_use_recorded(client, plan, staff_user):
    token, secret = token_create(user=staff_user, name="bi", scope=ApiToken.Scope.READ)
    assert secret.startswith("ilo_") and len(secret) > 40
    stored = ApiToken.objects.values_list("prefix", "digest").get()
    assert secret not in stored and stored[0] == secret[:10]
    client.get("/api/v1/plans", HTTP_AUTHORIZATION=f"Bearer {secret}")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_browser_session_reads_and_writes_with_its_csrf_token(plan, staff_user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(staff_user)
    line = plan.parts.get().questions.get().lines.first()
    assert browser.get("/api/v1/plans").status_code == 200
    assert post_update(browser, line, {}).status_code == 403
    browser.get("/profile/tokens/")  # any page sets the CSRF cookie
    csrf = {"HTTP_X_CSRFTOKEN": browser.cookies["csrftoken"].value}
    assert post_update(browser, line, csrf).status_code == 201


def test_a_script_writes_with_its_token_alone_no_csrf_token_needed(plan, staff_user):
    script = Client(enforce_csrf_checks=True)
    line = plan.parts.get().questions.get().lines.first()
    assert post_update(script, line, bearer(staff_user)).status_code == 201
    assert post_update(script, line, {"HTTP_AUTHORIZATION": "Bearer ilo_nope"}).status_code == 401


def test_unchanged_answers_are_not_sent_again(client, plan, staff_user):
    headers = bearer(staff_user)
    line = plan.parts.get().questions.get().lines.first()
    url = f"/api/v1/lines/{line.pk}/updates"
    make_update(line, datetime.date(2000, 9, 1))

    etag = client.get(url, **headers)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag, **headers).status_code == 304
    make_update(line, datetime.date(2000, 9, 2))
    assert client.get(url, HTTP_IF_NONE_MATCH=etag, **headers).status_code == 200


def test_a_cleared_update_is_never_answered_as_unchanged(client, plan, staff_user, manager_user):
    """A clearance changes an update without a newer date: a client asking "modified since
    my copy?" gets the cleared update, not 304."""
    plan.requires_clearance = True
    plan.save()
    line = plan.parts.get().questions.get().lines.first()
    update = make_update(
        line, datetime.date(2000, 9, 1), clearance=Clearance.SUBMITTED, author=staff_user
    )
    url = f"/api/v1/lines/{line.pk}/updates"
    headers = bearer(staff_user)
    first = client.get(url, **headers)
    assert first.json()["items"][0]["clearance"] == "submitted"

    status_update_clear(update=update, reviewer=manager_user)
    since = first.get("Last-Modified") or http_date(time.time())
    again = client.get(url, HTTP_IF_MODIFIED_SINCE=since, **headers)
    assert again.status_code == 200
    assert again.json()["items"][0]["clearance"] == "cleared"


def test_each_token_has_its_own_request_budget(client, plan, staff_user, monkeypatch):
    monkeypatch.setattr(THROTTLE, "num_requests", 3)
    first, second = bearer(staff_user), bearer(staff_user)
    assert [client.get("/api/v1/plans", **first).status_code for _ in range(4)] == [
        200,
        200,
        200,
        429,
    ]
    assert client.get("/api/v1/plans", **second).status_code == 200


def test_history_and_rounds_are_listed_newest_first(client, plan, staff_user):
    headers = bearer(staff_user)
    line = plan.parts.get().questions.get().lines.first()
    old = make_update(line, datetime.date(2000, 9, 1))
    new = make_update(line.question, datetime.date(2000, 9, 5))
    ReportingRound.objects.create(plan=plan, as_of=datetime.date(2000, 8, 31))
    ReportingRound.objects.create(plan=plan, as_of=datetime.date(2000, 12, 31))

    history = client.get(f"/api/v1/lines/{line.pk}/updates", **headers).json()["items"]
    rounds = client.get(f"/api/v1/plans/{plan.pk}/rounds", **headers).json()["items"]

    assert [(u["id"], u["about"]) for u in history] == [(new.pk, "question"), (old.pk, "line")]
    assert [r["as_of"] for r in rounds] == ["2000-12-31", "2000-08-31"]


def test_frameworks_come_with_outcomes_indicators_and_milestones(
    client, reference_data, staff_user
):
    headers = bearer(staff_user)
    frameworks = client.get("/api/v1/frameworks", **headers).json()["items"]
    tc = next(f for f in frameworks if f["kind"] == "strategy")

    tree = client.get(f"/api/v1/frameworks/{tc['id']}", **headers).json()

    indicators = [i for outcome in tree["outcomes"] for i in outcome["indicators"]]
    assert len(tree["outcomes"]) == 3 and len(indicators) == 7
    assert sum(len(i["milestones"]) for i in indicators) == 21
    assert {m["period"] for i in indicators for m in i["milestones"]} == {
        "2010-11",
        "2012-13",
        "2014-15",
    }


def test_indicators_come_with_their_measurements_and_assessments_as_of_a_date(client, staff_user):
    framework = make_framework()
    indicator = framework.outcomes.get().indicators.get()
    measure(indicator, "2010-11", Decimal(71), as_of=day("2012-01-10"))
    url = f"/api/v1/frameworks/{framework.pk}"

    def indicator_as_of(as_of):
        tree = client.get(url, {"as_of": as_of}, **bearer(staff_user)).json()
        return tree["outcomes"][0]["indicators"][0]

    later = indicator_as_of("2012-06-01")
    assert [(m["value"], m["as_of"]) for m in later["measurements"]] == [(71.0, "2012-01-10")]
    assert [(g["period"], g["assessment"]) for g in later["goals"]][0] == ("2010-11", "met")
    before = indicator_as_of("2011-06-01")
    assert before["measurements"] == []
    assert before["goals"][0]["assessment"] == "not_yet_due"
