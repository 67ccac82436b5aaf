"""A fixed number of queries whatever the number of lines: the table and both dashboards."""

import pytest
from django.urls import reverse

from tests.factories import AS_OF, bulk_plan


@pytest.fixture
def manager_client(client, manager_user):
    client.force_login(manager_user)
    return client


# Expected queries, whatever the number of lines:
# * session * user * (table) count * page of lines * their units * their status updates
# * the filter lists' version * and on every page, the navigation's "does the user clear
# updates"
TABLE_QUERIES = 8
# On the first page after a write to their tables, the filter lists: plans, parts, units,
# frameworks, outcomes, outputs (then cached: `filters.LineFilter`).
FILTER_LISTS = 6
# * session * user * plan * counts by part and status * parts * oldest overdue lines
# * their units * their status updates * the navigation
PLAN_DASHBOARD_QUERIES = 9
# * session * user * framework * outcomes * their outputs * indicators * milestones
# * direct links * links through questions * statuses of linked lines
# * the indicators' assessments: outcomes * outputs * indicators * milestones * measurements
# * the navigation
FRAMEWORK_DASHBOARD_QUERIES = 16


@pytest.mark.parametrize("count", [10, 2000])
def test_pages_run_a_fixed_number_of_queries(
    manager_client, pardev, program_unit, django_assert_num_queries, count
):
    plan, framework = bulk_plan(count, [pardev, program_unit])
    as_of = {"as_of": AS_OF.isoformat()}
    for queries in [TABLE_QUERIES + FILTER_LISTS, TABLE_QUERIES]:
        with django_assert_num_queries(queries):
            response = manager_client.get(reverse("measures"), {**as_of, "sort": "-status"})
        assert len(response.context["table"].paginated_rows) == min(count, 50)
    with django_assert_num_queries(PLAN_DASHBOARD_QUERIES):
        response = manager_client.get(reverse("plan_dashboard", args=[plan.pk]), as_of)
    assert response.context["dashboard"].whole.total.number == count
    with django_assert_num_queries(FRAMEWORK_DASHBOARD_QUERIES):
        response = manager_client.get(reverse("framework_dashboard", args=[framework.pk]), as_of)
    # Every other line directly; the first question's lines are among them.
    assert response.context["dashboard"].whole.total.number == count // 2
