"""Dashboards: hand-computed counts as of a day, and every number leads to exactly its lines."""

import re
from html import unescape

import pytest
from django.urls import reverse

from outcomes.models import Framework
from tests.factories import WORLD_AS_OF as AS_OF
from tests.factories import make_plan
from tests.pages import followed


def every_figure(counts):
    return [counts.total, *counts.deadlines, *counts.statuses]


def figures(counts):
    return {f.label: f.number for f in [counts.total, *counts.deadlines, *counts.statuses]}


def test_plan_dashboard_counts_as_of_the_day(client, world):
    url = reverse("plan_dashboard", args=[world.plan.pk])
    dashboard = client.get(url, {"as_of": AS_OF.isoformat()}).context["dashboard"]
    whole = figures(dashboard.whole)
    assert whole["Lines"] == 8
    # l1, l3 completed only the day after, l8 cancelled then reported delayed with its question
    assert whole["Overdue"] == 3
    assert whole["Due within 30 days"] == 1  # l2, due on the day
    assert whole["Due within 90 days"] == 2  # and l7
    assert whole["Deadline not read"] == 1
    assert (whole["Completed"], whole["Cancelled"], whole["Delayed"]) == (1, 0, 2)
    assert whole["No status reported"] == 5
    part1, part2 = (figures(counts) for _, counts in dashboard.parts)
    assert (part1["Lines"], part1["Overdue"], part2["Lines"], part2["Overdue"]) == (6, 2, 2, 1)
    assert [line for line, _ in dashboard.oldest_overdue] == [world.l8, world.l1, world.l3]
    after = client.get(url, {"as_of": "2000-09-01"}).context["dashboard"]
    assert [line for line, _ in after.oldest_overdue] == [world.l8, world.l1, world.l2]


def test_every_plan_number_links_to_exactly_its_lines(client, world):
    w = world
    url = reverse("plan_dashboard", args=[w.plan.pk])
    dashboard = client.get(url, {"as_of": AS_OF.isoformat()}).context["dashboard"]
    expected = {
        "Overdue": {w.l1, w.l3, w.l8},
        "Due within 90 days": {w.l2, w.l7},
        "Deadline not read": {w.l6},
        "Lines": {w.l1, w.l2, w.l3, w.l4, w.l5, w.l6, w.l7, w.l8},
        "Delayed": {w.l7, w.l8},
        "No status reported": {w.l1, w.l2, w.l3, w.l5, w.l6},
    }
    links = {f.label: f for f in [dashboard.whole.total, *dashboard.whole.deadlines]}
    links.update((f.label, f) for f in dashboard.whole.statuses)
    for label, lines in expected.items():
        assert followed(client, links[label].url) == lines, label
        assert links[label].number == len(lines)
    part2 = dashboard.parts[1][1]
    assert followed(client, part2.total.url) == {w.l7, w.l8}


def test_plan_dashboard_page_links_numbers_and_draws_accessible_charts(client, world):
    url = reverse("plan_dashboard", args=[world.plan.pk])
    html = client.get(url, {"as_of": AS_OF.isoformat()}).content.decode()
    # One chart, of the statuses: the other figures are in the cards and the table by part.
    assert html.count("<svg") == 1
    assert '<title id="plan-status-title">Lines by status</title>' in html
    # Bars say their value to screen readers.
    assert "Not started: 0; In progress: 0; Ongoing: 0; Completed: 1;" in html
    assert "<title>Completed: 1</title>" in html and ">Completed</text>" in html
    # The overdue figure in the page, followed like a user would.
    href = unescape(re.search(r'href="([^"]*overdue=1[^"]*plan=[^"]*)"', html)[1])
    assert followed(client, href) == {world.l1, world.l3, world.l8}


def test_framework_dashboard_rolls_lines_up_the_tree(client, world):
    w = world
    url = reverse("framework_dashboard", args=[w.framework.pk])
    dashboard = client.get(url, {"as_of": AS_OF.isoformat()}).context["dashboard"]
    (outcome,) = dashboard.outcomes
    output, output2 = outcome.outputs
    assert (output.counts.total.number, output.counts.deadlines[0].number) == (3, 2)
    assert (output2.counts.total.number, output2.counts.deadlines[0].number) == (1, 1)
    assert figures(outcome.counts)["Linked lines"] == 4
    assert figures(outcome.counts)["Delayed"] == 2
    assert followed(client, output.counts.total.url) == {w.l1, w.l7, w.l8}
    assert followed(client, outcome.counts.deadlines[0].url) == {w.l1, w.l8, w.l9}
    assert followed(client, dashboard.whole.total.url) == {w.l1, w.l7, w.l8, w.l9}
    delayed = next(f for f in output.counts.statuses if f.label == "Delayed")
    assert followed(client, delayed.url) == {w.l7, w.l8}


def test_framework_dashboard_shows_indicators_with_baseline_target_and_milestones(
    client, manager_user, reference_data
):
    client.force_login(manager_user)
    strategy = Framework.objects.get(code="TC 2010-15")
    indicator = strategy.outcomes.first().indicators.first()
    milestone = indicator.milestones.first()
    url = reverse("framework_dashboard", args=[strategy.pk])
    html = unescape(client.get(url).content.decode())
    assert indicator.text in html
    assert (indicator.baseline_text or str(indicator.baseline_value)) in html
    assert (indicator.target_text or str(indicator.target_value)) in html
    assert milestone.period in html and milestone.text in html


def test_frameworks_list_leads_to_each_dashboard(client, manager_user, reference_data):
    client.force_login(manager_user)
    html = client.get(reverse("frameworks")).content.decode()
    for framework in Framework.objects.all():
        assert reverse("framework_dashboard", args=[framework.pk]) in html


def test_dashboards_require_sign_in(client, db):
    response = client.get(reverse("plan_dashboard", args=[make_plan().pk]))
    assert response.status_code == 302


@pytest.mark.parametrize("as_of", ["2000-06-30", "2000-08-31", "2000-11-16"])
def test_every_number_of_both_dashboards_counts_the_lines_it_links_to(client, world, as_of):
    plan = client.get(reverse("plan_dashboard", args=[world.plan.pk]), {"as_of": as_of})
    plan = plan.context["dashboard"]
    framework = client.get(
        reverse("framework_dashboard", args=[world.framework.pk]), {"as_of": as_of}
    )
    framework = framework.context["dashboard"]
    groups = [plan.whole, *(counts for _, counts in plan.parts), framework.whole]
    for node in framework.outcomes:
        groups += [node.counts, *(output.counts for output in node.outputs)]
    for figure in (figure for counts in groups for figure in every_figure(counts)):
        assert f"as_of={as_of}" in figure.url
        assert len(followed(client, figure.url)) == figure.number, (figure.label, figure.url)
