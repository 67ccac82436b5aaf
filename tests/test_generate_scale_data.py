"""`generate_scale_data` builds the benchmark data: the sizes asked for, the same for a seed."""

import io

import pytest
from django.core.management import CommandError, call_command

from measures.models import ActionLine, Plan, StatusUpdate, Unit


def generate(**options):
    call_command("generate_scale_data", stdout=io.StringIO(), **options)
    return {
        "plans": list(Plan.objects.order_by("symbol").values_list("symbol", "date")),
        "lines": list(
            ActionLine.objects.order_by(
                "question__part__plan__symbol", "question__order", "order"
            ).values_list("text", "due_date", "deadline_kind", "units__code")
        ),
        "updates": sorted(
            StatusUpdate.objects.values_list("as_of", "category", "narrative", "entered_at")
        ),
    }


def wipe():
    StatusUpdate.objects.all().delete()
    Plan.objects.all().delete()


@pytest.mark.django_db
def test_sizes_units_and_the_largest_plan_are_as_asked():
    data = generate(plans=5, lines=300, updates=900, largest=100, seed=1)
    assert len(data["plans"]) == 5
    assert len(data["lines"]) == 300
    assert len(data["updates"]) == 900
    largest = Plan.objects.get(symbol="GB.001/SCALE/1")
    assert ActionLine.objects.filter(question__part__plan=largest).count() == 100
    per_unit = [Unit.objects.get(code=f"SCALE{n}").lines.count() for n in range(1, 6)]
    assert sum(per_unit) == 300 and min(per_unit) > 30


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    first = generate(plans=3, lines=60, updates=200, largest=30, seed=7)
    wipe()
    assert generate(plans=3, lines=60, updates=200, largest=30, seed=7) == first
    wipe()
    assert generate(plans=3, lines=60, updates=200, largest=30, seed=8) != first


@pytest.mark.django_db
def test_refuses_to_generate_twice_or_impossible_sizes():
    generate(plans=2, lines=10, updates=5, largest=5)
    with pytest.raises(CommandError, match="already"):
        generate(plans=2, lines=10, updates=5, largest=5)
    with pytest.raises(CommandError, match="at least one line"):
        generate(plans=3, lines=10, updates=5, largest=9, seed=2)
