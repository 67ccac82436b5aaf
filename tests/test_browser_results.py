"""Recording a measurement in a real Chromium: the assessment and the chart change."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from measures.models import IndicatorResponsibility
from outcomes.models import Indicator

pytestmark = pytest.mark.browser


@pytest.fixture
def indicator(reference_data, pardev):
    """TC strategy 2010-15, indicator 1.1 (70 % in 2010-11 → 90 %), PARDEV answers for it."""
    indicator = Indicator.objects.get(outcome__framework__code="TC 2010-15", code="1.1")
    IndicatorResponsibility.objects.create(unit=pardev, indicator=indicator)
    return indicator


def test_staff_records_a_measurement_and_sees_assessment_and_chart_change(
    new_page, staff_user, indicator
):
    page = new_page(staff_user, "alice-pass-2026")
    page.goto(reverse("indicator_detail", args=[indicator.pk]) + "?as_of=2012-06-30")
    first_milestone = page.locator("#goals tr.goal-milestone").first
    expect(first_milestone).to_contain_text("No data")
    expect(page.locator("svg circle.actual")).to_have_count(0)

    page.get_by_label("Period measured").fill("2010-11")
    page.get_by_label("Value:", exact=True).fill("72")
    page.get_by_label("As of:", exact=True).fill("2012-03-01")
    page.get_by_label("Source").fill("Rapport d'exécution 2010-11")
    page.get_by_role("button", name="Save the measurement").click()

    expect(page.get_by_text("Measurement saved.")).to_be_visible()
    expect(first_milestone).to_contain_text("Met")
    expect(page.locator("svg circle.actual")).to_have_count(1)
    expect(page.locator("table.chart-data")).to_contain_text("Actual")
    expect(page.locator("#latest-actual")).to_contain_text("72")
    expect(page.locator("#measurements")).to_contain_text("Entered by alice")
    assert indicator.measurements.get().author == staff_user

    # A reader of another unit sees the same results and no form.
    page.goto(reverse("framework_dashboard", args=[indicator.outcome.framework_id]))
    expect(page.locator("#assessments")).to_be_visible()
