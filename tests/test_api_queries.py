"""API lists and trees run a fixed number of queries whatever the number of lines."""

import pytest
from django.core.cache import cache

from api.models import ApiToken
from api.tokens import token_create
from measures.models import Unit
from measures.policy import STAFF_GROUP
from tests.factories import AS_OF, bulk_plan, make_update, make_user, module_rows

# Every token request starts with 2 queries: * the token and its user * recording its use.
TOKEN = 2
EXPECTED = {
    # * count * page of lines * their units
    "lines": TOKEN + 3,
    # * plan * parts * questions * their updates * lines * their units
    "plan": TOKEN + 6,
    # * the line * is the caller a manager * of its units (then they see pending updates)
    # * count * page
    "history": TOKEN + 5,
    # * count * page
    "frameworks": TOKEN + 2,
    # * framework * outcomes * outputs * indicators * milestones * measurements known then
    "framework": TOKEN + 6,
}


@pytest.fixture(scope="module", params=[10, 1000], ids=["10 lines", "1000 lines"])
def world(request, django_db_setup, django_db_blocker):
    """Built once for every endpoint of a size: the tests only read it."""

    def build():
        pardev = Unit.objects.create(code="PARDEV", name="Partnerships")
        program_unit = Unit.objects.create(code="PROGRAM", name="Programming")
        plan, framework = bulk_plan(request.param, [pardev, program_unit])
        question = plan.parts.first().questions.first()
        make_update(question, AS_OF)  # so that the questions' updates are read too
        line = question.lines.first()
        staff_user = make_user("alice", STAFF_GROUP, [pardev])
        secret = token_create(user=staff_user, name="q", scope=ApiToken.Scope.READ)[1]
        urls = {
            "lines": f"/api/v1/lines?as_of={AS_OF}&page_size=1000",
            "plan": f"/api/v1/plans/{plan.pk}?as_of={AS_OF}",
            "history": f"/api/v1/lines/{line.pk}/updates",
            "frameworks": "/api/v1/frameworks",
            "framework": f"/api/v1/frameworks/{framework.pk}",
        }
        return request.param, urls, {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    yield from module_rows(django_db_blocker, build)


@pytest.mark.parametrize("endpoint", EXPECTED)
def test_queries_do_not_grow_with_the_lines(
    db, client, world, endpoint, django_assert_num_queries
):
    cache.clear()  # the throttle's counts
    count, urls, headers = world
    with django_assert_num_queries(EXPECTED[endpoint]):
        response = client.get(urls[endpoint], **headers)
    assert response.status_code == 200
    if endpoint == "lines":
        assert len(response.json()["items"]) == count
    if endpoint == "plan":
        body = response.json()
        assert sum(len(q["lines"]) for p in body["parts"] for q in p["questions"]) == count
