"""The table's pages and its filter form, as read and rendered at scale.

The pages come from the filtered ids read once (`tables.LinePages`); the lists of the filter
form are written by `forms.SelectWidget` instead of Django's template per option.
"""

import re

import pytest
from django import forms
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from measures.models import Plan, Unit
from outcomes.models import Framework, Output
from reports.forms import SelectWidget
from tests.factories import WORLD_AS_OF as AS_OF
from tests.factories import build_world

SORTS = ["", "plan", "-plan", "code", "due_date", "-due_date", "status", "-status",
         "last_update", "-last_update"]  # fmt: skip
FILTERS = [{}, {"overdue": "1"}, {"status": ["completed", "none"]}, {"due_within": "400"},
           {"q": "ligne"}]  # fmt: skip


@pytest.fixture
def world(client, manager_user, pardev, program_unit):
    build_world(pardev, program_unit)
    client.force_login(manager_user)


def table(client, **params):
    response = client.get(reverse("measures"), {"as_of": AS_OF.isoformat(), **params})
    assert response.status_code == 200
    return response.context["table"]


def row(line):
    return (line["pk"], line["status_update_id"], line["is_overdue"], line["status"])


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sort=st.sampled_from(SORTS), filters=st.sampled_from(FILTERS), size=st.integers(1, 10))
def test_pages_read_one_after_another_show_each_line_once_in_the_tables_order(
    client, world, sort, filters, size
):
    """Whatever the sort, filters and page size, the pages list the lines of the whole
    filtered table (its order, its statuses and overdue flags), each once, and count them."""
    whole = table(client, sort=sort, per_page=200, **filters)
    expected = [row(r.record) for r in whole.paginated_rows]
    pages = []
    for number in range(1, whole.paginator.count // size + 2):
        page = table(client, sort=sort, per_page=size, page=number, **filters)
        assert page.paginator.count == len(expected)
        if page.page.number == number:  # past the last page, the table shows the last one
            pages += [row(r.record) for r in page.paginated_rows]
    assert pages == expected


labels = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=12)


@given(
    choices=st.lists(st.tuples(st.text("abc<>&\"' 0123", max_size=4), labels), max_size=8),
    value=st.none() | st.text("abc<>&\"' 0123", max_size=4),
    attrs=st.sampled_from([{}, {"id": "id_plan"}, {"id": "id_x", "aria-describedby": "h e"}]),
)
def test_a_select_is_written_as_djangos_own(choices, value, attrs):
    """Same options, labels, escaping, selected value and attributes as Django's Select."""

    def rendered(widget):
        html = widget(choices=choices).render("plan", value, attrs=attrs)
        return [line.strip() for line in html.splitlines() if line.strip()]

    assert rendered(SelectWidget) == rendered(forms.Select)


def test_the_filter_lists_keep_their_labels_and_selected_value(client, world):
    page = client.get(reverse("measures"), {"as_of": AS_OF.isoformat(), "plan": "nope"})
    form = page.context["filter"].form
    assert form["plan"].widget_type == "select"
    html = page.content.decode()
    assert '<label for="id_plan">' in html
    assert 'id="id_plan_error"' in html  # the error is tied to its field
    plan = form.fields["plan"].queryset.first()
    chosen = client.get(reverse("measures"), {"as_of": AS_OF.isoformat(), "plan": plan.pk})
    assert f'<option value="{plan.pk}" selected>{plan}</option>' in chosen.content.decode()


def options(client, name, language="en"):
    """The labels of the filter list `name` on the table's page."""
    page = client.get(
        reverse("measures"), {"as_of": AS_OF.isoformat()}, HTTP_ACCEPT_LANGUAGE=language
    )
    select = re.search(rf'<select name="{name}".*?</select>', page.content.decode(), re.S)
    return re.findall(r"<option [^>]*>(.*?)</option>", select[0])


def test_the_filter_lists_show_every_write_to_their_tables_at_once(client, world):
    """The lists are cached under their tables' version, which the database itself changes:
    writes that send no signal (bulk writes, `update()`, another process) count too."""
    assert "GB.279/TC/2" in options(client, "plan")
    Plan.objects.filter(symbol="GB.279/TC/2").update(symbol="GB.279/TC/9")
    assert "GB.279/TC/9" in options(client, "plan")
    assert "GB.279/TC/2" not in options(client, "plan")
    assert "GB.279/TC/9, part 2" in options(client, "part")
    Unit.objects.bulk_create([Unit(code="NEWUNIT", name="New unit")])
    assert "NEWUNIT" in options(client, "unit")
    Framework.objects.update(code="P&B X")
    assert options(client, "output") == [
        "---------",
        "P&amp;B X, output 1.1",
        "P&amp;B X, output 1.2",
    ]
    Output.objects.filter(code="1.2").delete()
    assert options(client, "output") == ["---------", "P&amp;B X, output 1.1"]


def test_the_filter_lists_are_in_the_language_of_the_page(client, world):
    assert "GB.279/TC/2, part 2" in options(client, "part")
    assert "GB.279/TC/2, partie 2" in options(client, "part", language="fr")
    assert "GB.279/TC/2, part 2" in options(client, "part")


def test_the_filter_form_shows_the_filters_asked_each_time(client, world):
    """The form is cached for each set of filters: never another one's values or errors."""

    def form(**params):
        page = client.get(reverse("measures"), {"as_of": AS_OF.isoformat(), **params})
        return re.search(
            r'<form method="get" class="filters.*?</form>', page.content.decode(), re.S
        )[0]

    first, second = Plan.objects.order_by("symbol")
    for plan, other in [(first, second), (second, first), (first, second)]:
        html = form(plan=plan.pk, page=1)
        assert f'<option value="{plan.pk}" selected>' in html
        assert f'<option value="{other.pk}">' in html
    assert 'id="id_as_of_error"' not in html
    assert 'id="id_as_of_error"' in form(as_of="2000-13-45", plan=first.pk)
    assert 'id="id_as_of_error"' not in form(plan=first.pk)
    assert 'value="ligne"' in form(q="ligne") and 'value="ligne"' not in form(q="")
