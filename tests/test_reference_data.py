"""The real P&B and strategy data that `make setup` loads."""

import io

import pytest
from django.core.management import call_command

from measures.models import Unit
from outcomes.models import Framework, Indicator, Milestone, Output

pytestmark = pytest.mark.usefixtures("reference_data")


def test_pb_2024_25_has_seven_strategic_and_three_enabling_outcomes_with_every_output():
    pb = Framework.objects.get(code="P&B 2024-25")
    kinds = list(pb.outcomes.values_list("code", "kind"))
    assert kinds[:7] == [(str(n), "strategic") for n in range(1, 8)]
    assert kinds[7:] == [("A", "enabling"), ("B", "enabling"), ("C", "enabling")]
    codes = list(Output.objects.filter(outcome__framework=pb).values_list("code", flat=True))
    assert codes[0] == "1.1" and codes[-1] == "C.3"
    assert len(codes) == 44
    assert Output.objects.get(outcome__framework=pb, code="1.1").title == (
        "Capacité accrue des États Membres à ratifier les normes internationales du travail"
    )


def test_tc_strategy_indicators_have_baseline_target_and_three_milestones():
    strategy = Framework.objects.get(code="TC 2010-15")
    assert (strategy.first_year, strategy.last_year) == (2010, 2015)
    assert strategy.outcomes.count() == 3
    indicators = Indicator.objects.filter(outcome__framework=strategy)
    assert indicators.count() == 7
    for indicator in indicators:
        assert indicator.target_text
        periods = set(indicator.milestones.values_list("period", flat=True))
        assert periods == {"2010-11", "2012-13", "2014-15"}


def test_outputs_cited_by_gb_341_pol_4_are_known():
    for framework in ("P&B 2020-21", "P&B 2022-23"):
        assert Output.objects.filter(outcome__framework__code=framework).exists()
    assert Unit.objects.filter(code__in=["PARDEV", "PROGRAM"]).count() == 2


def test_loading_again_changes_nothing():
    counts = (Output.objects.count(), Indicator.objects.count(), Milestone.objects.count())
    call_command("load_reference_data", stdout=io.StringIO())
    assert (Output.objects.count(), Indicator.objects.count(), Milestone.objects.count()) == counts
