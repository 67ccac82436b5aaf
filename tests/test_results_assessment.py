"""The one rule of an assessment: numbers against milestones and targets, a person's word where
they are text, not yet due before a period ends, no data after; all as of a date."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError
from hypothesis import given
from hypothesis import strategies as st

from outcomes.models import Assessment, Direction, Measurement, period_bounds, period_label
from tests.results_factories import assessments, day, make_framework, measure, results

pytestmark = pytest.mark.django_db

MET, PARTLY, NOT_MET = Assessment.MET, Assessment.PARTLY_MET, Assessment.NOT_MET
DUE, NO_DATA = Assessment.NOT_YET_DUE, Assessment.NO_DATA


@pytest.fixture
def indicator():
    """Baseline 50, milestones 70 (2010-11) and 80 (2012-13), target 90 (2010-2015)."""
    return make_framework().outcomes.get().indicators.get()


def test_nothing_measured_is_not_yet_due_then_no_data(indicator):
    assert assessments(indicator, day("2011-06-30")) == {
        "milestone 2010-11": DUE,
        "milestone 2012-13": DUE,
        "target 2010-2015": DUE,
    }
    assert assessments(indicator, day("2014-01-01")) == {
        "milestone 2010-11": NO_DATA,
        "milestone 2012-13": NO_DATA,
        "target 2010-2015": DUE,
    }


def test_numeric_increase_met_partly_met_not_met(indicator):
    measure(indicator, "2010-11", 72, as_of=day("2012-03-01"))
    measure(indicator, "2012-13", 60, as_of=day("2014-03-01"))
    as_of = day("2016-06-01")
    assert assessments(indicator, as_of) == {
        "milestone 2010-11": MET,  # 72 ≥ 70
        "milestone 2012-13": PARTLY,  # above the baseline of 50, short of 80
        "target 2010-2015": PARTLY,  # the latest actual, 60, against 90
    }
    measure(indicator, "2014-15", 40, as_of=day("2016-03-01"))
    assert assessments(indicator, as_of)["target 2010-2015"] == NOT_MET  # below the baseline


def test_numeric_decrease(indicator):
    indicator.direction = Direction.DECREASE
    indicator.baseline_value, indicator.target_value = Decimal(90), Decimal(50)
    indicator.save()
    indicator.milestones.filter(period="2010-11").update(value=70)
    measure(indicator, "2010-11", 65, as_of=day("2012-03-01"))
    measure(indicator, "2012-13", 85, as_of=day("2014-03-01"))
    got = assessments(indicator, day("2016-01-31"))
    assert got["milestone 2010-11"] == MET  # 65 ≤ 70
    assert got["milestone 2012-13"] == PARTLY  # 85: below the baseline of 90, above 80
    assert got["target 2010-2015"] == PARTLY


def test_short_of_a_milestone_before_its_end_is_not_yet_due(indicator):
    measure(indicator, "2010", 60, as_of=day("2011-02-01"))
    got = assessments(indicator, day("2011-03-01"))
    assert got["milestone 2010-11"] == DUE
    measure(indicator, "2011", 71, as_of=day("2011-06-01"))
    assert assessments(indicator, day("2011-07-01"))["milestone 2010-11"] == MET


def test_as_of_a_date_before_and_after_a_measurement(indicator):
    measure(indicator, "2010-11", 72, as_of=day("2012-03-01"))
    assert assessments(indicator, day("2012-02-29"))["milestone 2010-11"] == NO_DATA
    assert assessments(indicator, day("2012-03-01"))["milestone 2010-11"] == MET


def test_a_correction_is_a_newer_measurement(indicator):
    measure(indicator, "2010-11", 72, as_of=day("2012-03-01"))
    measure(indicator, "2010-11", 65, as_of=day("2012-05-01"), note="Corrected figure")
    assert assessments(indicator, day("2012-04-01"))["milestone 2010-11"] == MET
    assert assessments(indicator, day("2012-06-01"))["milestone 2010-11"] == PARTLY
    assert results(indicator, day("2012-06-01")).latest_measurement().value == 65


def test_text_milestones_take_the_assessment_a_person_set(manager_user):
    framework = make_framework(
        milestones=[("2010-11", "Stratégie adoptée")],
        baseline_value=None,
        target_value=None,
        target_text="Stratégie appliquée",
    )
    indicator = framework.outcomes.get().indicators.get()
    reading = measure(
        indicator,
        "2010-11",
        text="Adoptée en mars 2011",
        assessment=MET,
        author=manager_user,
        as_of=day("2011-04-01"),
    )
    got = results(indicator, day("2012-01-15")).goals()
    milestone, target = got
    assert (milestone.assessment, milestone.by_person, milestone.reading) == (MET, True, reading)
    # The judgement was about 2010-11: it says nothing yet of the target for 2010-2015.
    assert (target.assessment, target.by_person) == (DUE, False)
    assert assessments(indicator, day("2016-01-15"))["target 2010-2015"] == NO_DATA


def test_numeric_target_without_baseline_is_met_or_not_met():
    framework = make_framework(baseline_value=None)
    indicator = framework.outcomes.get().indicators.get()
    measure(indicator, "2010-11", 60, as_of=day("2012-03-01"))
    assert assessments(indicator, day("2012-04-01"))["milestone 2010-11"] == NOT_MET


@given(
    baseline=st.integers(0, 100),
    goal=st.integers(0, 100),
    actual=st.integers(0, 100),
    decrease=st.booleans(),
)
def test_numeric_assessment_is_ordered_by_the_direction(baseline, goal, actual, decrease):
    """Met when the actual reaches the goal the right way; partly met when it only improved on
    the baseline; not met otherwise (once the period is over)."""
    from outcomes.models import Goal, Indicator

    indicator = Indicator(
        baseline_value=Decimal(baseline),
        direction=Direction.DECREASE if decrease else Direction.INCREASE,
    )
    start, end = period_bounds("2010-11")
    indicator.known_measurements = [
        Measurement(period_start=start, period_end=end, value=Decimal(actual))
    ]
    indicator.results_as_of = datetime.date(2012, 1, 1)
    got, _, by_person = indicator._assess(Goal("milestone", "2010-11", start, end, goal, ""))
    sign = -1 if decrease else 1
    if sign * actual >= sign * goal:
        assert got == MET
    elif sign * actual > sign * baseline:
        assert got == PARTLY
    else:
        assert got == NOT_MET
    assert not by_person


@pytest.mark.parametrize(
    ("label", "start", "end"),
    [
        ("1995", "1995-01-01", "1995-12-31"),
        ("2010-11", "2010-01-01", "2011-12-31"),
        ("2010-2015", "2010-01-01", "2015-12-31"),
        ("1998-99", "1998-01-01", "1999-12-31"),
    ],
)
def test_periods_read_and_written_back(label, start, end):
    assert period_bounds(label) == (day(start), day(end))
    assert period_label(day(start), day(end)) == label


@pytest.mark.parametrize("label", ["", "2011-10", "fin 2011", "2010-11-01", "99"])
def test_periods_refused(label):
    with pytest.raises(ValueError):
        period_bounds(label)


def test_a_measurement_must_say_something(indicator):
    with pytest.raises(IntegrityError):
        measure(indicator, "2010-11", None, as_of=day("2012-03-01"))


def test_the_goal_an_indicator_is_judged_by(indicator):
    measure(indicator, "2010-11", 72, as_of=day("2012-03-01"))

    def current(as_of):
        goal = results(indicator, day(as_of)).current_goal()
        return goal.kind, goal.period, goal.assessment

    assert current("2011-06-01") == ("milestone", "2010-11", DUE)  # nothing due yet
    assert current("2012-06-01") == ("milestone", "2010-11", MET)
    assert current("2014-06-01") == ("milestone", "2012-13", NO_DATA)  # none for 2012-13
    assert current("2016-06-01") == ("target", "2010-2015", PARTLY)
