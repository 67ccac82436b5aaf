"""Parts of the plan page written once per process (`{% cache %}`: the links, the as-of and
round forms, the language list) and its date inputs written in Python: each request must still
show its own date, language, reader and errors."""

import datetime
import re

from django import forms
from hypothesis import given
from hypothesis import strategies as st

from measures.forms import DateInput
from measures.models import ReportingRound
from tests.factories import make_plan


def date_input(page, field_id):
    return re.search(rf'<input type="date"[^>]*id="{field_id}"[^>]*>', page).group(0)


def test_the_as_of_form_shows_each_request_its_date_and_errors(client, staff_user):
    plan = make_plan()
    client.force_login(staff_user)
    for _ in range(2):  # the second time from the cache
        page = client.get(f"/plans/{plan.pk}/?as_of=2000-09-05").content.decode()
        assert 'value="2000-09-05"' in date_input(page, "id_as_of")
        assert "aria-invalid" not in date_input(page, "id_as_of")
        page = client.get(f"/plans/{plan.pk}/?as_of=31/31/2000").content.decode()
        field = date_input(page, "id_as_of")
        assert 'value="31/31/2000"' in field and 'aria-invalid="true"' in field
        assert "Enter a valid date." in page
    page = client.get(f"/plans/{plan.pk}/?as_of=2001-01-31").content.decode()
    assert 'value="2001-01-31"' in date_input(page, "id_as_of")
    client.cookies["django_language"] = "fr"
    page = client.get(f"/plans/{plan.pk}/?as_of=2001-01-31").content.decode()
    assert '<label for="id_as_of">État au' in page
    assert '<option value="fr" selected lang="fr">' in page
    assert '<option value="en" selected' not in page


def test_the_round_form_shows_its_errors_then_comes_back_blank(client, manager_user):
    plan = make_plan()
    ReportingRound.objects.create(plan=plan, as_of=datetime.date(2000, 8, 31))
    client.force_login(manager_user)
    blank = date_input(client.get(f"/plans/{plan.pk}/").content.decode(), "id_round_as_of")
    refused = client.post(f"/plans/{plan.pk}/rounds/", {"as_of": "2000-08-31"}).content.decode()
    assert 'value="2000-08-31"' in date_input(refused, "id_round_as_of")
    assert "already exists" in refused
    again = client.get(f"/plans/{plan.pk}/").content.decode()
    assert date_input(again, "id_round_as_of") == blank
    assert "value=" not in blank and "already exists" not in again


def test_the_links_follow_the_date_and_the_reader(client, staff_user, manager_user):
    plan = make_plan()
    history = f'href="/plans/{plan.pk}/history/"'
    client.force_login(manager_user)
    page = client.get(f"/plans/{plan.pk}/?as_of=2000-09-05").content.decode()
    assert history in page
    assert f'href="/plans/{plan.pk}/annex.pdf?as_of=2000-09-05"' in page
    assert f"?plan={plan.pk}&amp;as_of=2000-09-05" in page
    client.force_login(staff_user)
    page = client.get(f"/plans/{plan.pk}/?as_of=2000-09-05").content.decode()
    assert history not in page  # the same plan and date, but not a manager
    page = client.get(f"/plans/{plan.pk}/?as_of=2001-03-01").content.decode()
    assert f'href="/plans/{plan.pk}/annex.pdf?as_of=2001-03-01"' in page
    assert "2000-09-05" not in page


values = st.none() | st.dates() | st.text("0123456789-/<>&\"' ", max_size=12)
attrs = st.dictionaries(
    st.sampled_from(["id", "class", "aria-describedby", "required", "autofocus", "min", "step"]),
    st.booleans() | st.text("abc <>&\"'", max_size=6) | st.integers() | st.dates() | st.none(),
)


@given(value=values, attrs=attrs, widget_attrs=attrs)
def test_a_date_input_is_written_as_djangos_own(value, attrs, widget_attrs):
    """Same type, name, value, escaping and attributes as Django's templates write."""
    widget = DateInput(attrs=widget_attrs)
    assert widget.render("as_of", value, attrs) == forms.DateInput.render(
        widget, "as_of", value, attrs
    )
