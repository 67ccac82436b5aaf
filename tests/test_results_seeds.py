"""The real results data: seed 002's figures become yearly actuals with their source cited; the
TC strategy's indicators get none, since seed 001 states no actual; nothing is invented."""

import datetime
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from outcomes.models import Assessment, Framework, Indicator, Measurement
from tests.results_factories import measure

pytestmark = pytest.mark.usefixtures("reference_data")

FIXTURE = settings.BASE_DIR / "fixtures" / "frameworks" / "tc-resources-1990-96.json"
SEED_002 = Path(settings.BASE_DIR).parent / "shared" / "seeds" / "002_68f408f35f0eb5dc.txt"


def fixture_measurements():
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return [m for o in data["outcomes"] for i in o["indicators"] for m in i["measurements"]]


def test_seed_002_expenditure_and_approvals_are_yearly_actuals_with_their_source():
    framework = Framework.objects.get(symbol="GB.270/TC/2")
    expenditure = Indicator.objects.get(outcome__framework=framework, code="1")
    years = {m.period: m.value for m in expenditure.measurements.order_by("period_start")}
    assert years == {"1991": Decimal("170.00"), "1996": Decimal("98.20")}
    approvals = Indicator.objects.get(outcome__framework=framework, code="2")
    assert list(
        approvals.measurements.order_by("period_start").values_list("value", flat=True)
    ) == [
        Decimal("165.6"),
        Decimal("69.7"),
        Decimal("114"),
        Decimal("114"),
    ]
    for measurement in Measurement.objects.filter(indicator__outcome__framework=framework):
        assert measurement.source.startswith("GB.270/TC/2 (novembre 1997), paragr. ")
        assert measurement.origin == Measurement.Origin.IMPORT
        assert measurement.as_of == datetime.date(1997, 10, 3)


def test_each_figure_is_the_number_its_words_state():
    for m in fixture_measurements():
        numbers = re.findall(r"\d+(?:,\d+)?", m["text"])
        assert Decimal(numbers[0].replace(",", ".")) == Decimal(str(m["value"])), m


@pytest.mark.skipif(not SEED_002.exists(), reason="the seed documents are not on this machine")
def test_each_figure_is_quoted_from_the_seed():
    seed = SEED_002.read_text(encoding="utf-8").replace("\u00a0", " ")
    for m in fixture_measurements():
        assert m["text"] in seed, m["text"]


def test_the_tc_strategy_has_no_measurement_since_no_seed_states_one():
    assert not Measurement.objects.filter(indicator__outcome__framework__code="TC 2010-15")


def test_loading_again_keeps_measurements_entered_in_the_app(manager_user):
    expenditure = Indicator.objects.get(outcome__framework__symbol="GB.270/TC/2", code="1")
    mine = measure(expenditure, "1997", 98, as_of=datetime.date(1998, 3, 1), author=manager_user)
    before = Measurement.objects.count()
    call_command("load_reference_data", stdout=io.StringIO())
    assert Measurement.objects.count() == before
    assert Measurement.objects.get(pk=mine.pk).value == 98


def test_tc_strategy_assessed_as_of_the_end_of_each_biennium():
    indicator = Indicator.objects.get(outcome__framework__code="TC 2010-15", code="1.1")
    goals = Indicator.objects.with_results_as_of(datetime.date(2013, 1, 1)).get(pk=indicator.pk)
    assert [g.assessment for g in goals.goals()] == [
        Assessment.NO_DATA,  # 2010-11 is over and nothing was reported
        Assessment.NOT_YET_DUE,
        Assessment.NOT_YET_DUE,
        Assessment.NOT_YET_DUE,  # the target, 2010-2015
    ]
