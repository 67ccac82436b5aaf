"""The framework dashboard's indicators by assessment: counts as of a date, each number leads to
exactly its indicators, and the page's queries do not grow with the number of indicators."""

from decimal import Decimal

import pytest
from django.urls import reverse

from outcomes.models import Assessment, Indicator
from tests.results_factories import day, make_framework, measure


@pytest.fixture
def framework(db):
    """Two outcomes of two indicators each (50 → 70 in 2010-11 → 80 → 90)."""
    framework = make_framework(outcomes=2, indicators=2)
    one, two, three, _four = Indicator.objects.order_by("outcome__order", "order")
    measure(one, "2010-11", 75, as_of=day("2012-02-01"))  # met
    measure(two, "2010-11", 60, as_of=day("2012-02-01"))  # partly met
    measure(three, "2010-11", 40, as_of=day("2012-02-01"))  # not met
    return framework


def dashboard(client, framework, as_of):
    url = reverse("framework_dashboard", args=[framework.pk])
    return client.get(url, {"as_of": as_of}).context["assessments"]


def numbers(counts):
    return {f.label: f.number for f in counts.figures}


def test_indicators_of_each_outcome_by_assessment(client, manager_user, framework):
    client.force_login(manager_user)
    results = dashboard(client, framework, "2012-06-01")
    first, second = (numbers(c) for c in results.outcomes)
    assert (first["Met"], first["Partly met"], first["Not met"]) == (1, 1, 0)
    assert (second["Not met"], second["No data"]) == (1, 1)
    assert results.whole.total.number == 4
    # Before anything was measured, 2010-11 was not yet due.
    assert numbers(dashboard(client, framework, "2011-06-01").whole)["Not yet due"] == 4


def test_every_number_leads_to_exactly_its_indicators(client, manager_user, framework):
    client.force_login(manager_user)
    results = dashboard(client, framework, "2012-06-01")
    for counts in [results.whole, *results.outcomes]:
        for figure in [counts.total, *counts.figures]:
            rows = client.get(figure.url).context["rows"]
            assert len(rows) == figure.number, figure.label
    not_met = next(f for f in results.whole.figures if f.label == "Not met")
    (row,) = client.get(not_met.url).context["rows"]
    assert row[1].code == "2.1" and row[2].assessment == Assessment.NOT_MET


def test_indicator_list_refuses_a_bad_filter(client, manager_user, framework):
    client.force_login(manager_user)
    url = reverse("framework_indicators", args=[framework.pk])
    response = client.get(url, {"assessment": "excellent"})
    assert response.context["rows"] is None
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize("count", [10, 500])
def test_framework_dashboard_queries_do_not_grow(
    client, manager_user, count, django_assert_num_queries
):
    framework = make_framework(outcomes=2, outputs=2, indicators=count // 2, bulk=True)
    for indicator in Indicator.objects.all()[:20]:
        measure(indicator, "2010-11", Decimal(71), as_of=day("2012-01-10"))
    client.force_login(manager_user)
    url = reverse("framework_dashboard", args=[framework.pk])
    # session, user, framework, then the lines' dashboard (outcomes, outputs, indicators,
    # milestones, links of lines and of questions, lines) and the assessments (outcomes,
    # outputs, indicators, milestones, measurements), and the user's permissions (whether to
    # offer the admin for lines), the navigation's "does the user clear updates"
    with django_assert_num_queries(18):
        response = client.get(url, {"as_of": "2012-06-01"})
    assert response.context["assessments"].whole.total.number == count


@pytest.mark.parametrize("count", [10, 500])
def test_indicator_list_queries_do_not_grow(
    client, manager_user, count, django_assert_num_queries
):
    framework = make_framework(outcomes=2, indicators=count // 2, bulk=True)
    outcome = framework.outcomes.first()
    client.force_login(manager_user)
    url = reverse("framework_indicators", args=[framework.pk])
    # session, user, framework, the outcome asked for; outcomes, outputs, indicators,
    # milestones, measurements; the outcomes listed in the filter; the navigation
    with django_assert_num_queries(11):
        response = client.get(url, {"as_of": "2012-06-01", "outcome": outcome.pk})
    assert len(response.context["rows"]) == count // 2
