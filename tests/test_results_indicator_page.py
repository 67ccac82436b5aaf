"""The indicator page: who may record, the form's rules, conflicts, and its query count."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from measures.models import IndicatorResponsibility
from measures.policy import can_record_measurement
from outcomes.models import Assessment, Measurement
from tests.results_factories import day, make_framework, make_indicator, measure

pytestmark = pytest.mark.django_db


@pytest.fixture
def indicator(pardev):
    """Indicator 1.1 (50 → 70 in 2010-11 → 80 in 2012-13 → 90), PARDEV answers for it."""
    indicator = make_framework().outcomes.get().indicators.get()
    IndicatorResponsibility.objects.create(unit=pardev, indicator=indicator)
    return indicator


def page_url(indicator, as_of=None):
    url = reverse("indicator_detail", args=[indicator.pk])
    return f"{url}?as_of={as_of}" if as_of else url


def record_url(indicator):
    return reverse("indicator_record", args=[indicator.pk])


def form_data(**changes):
    return {
        "period": "2010-11",
        "value": "72",
        "as_of": "2012-03-01",
        "source": "Rapport d'exécution 2010-11",
        "seen_measurement": "",
        **changes,
    }


def test_who_may_record(indicator, staff_user, other_staff_user, manager_user):
    assert can_record_measurement(manager_user, indicator)
    assert can_record_measurement(staff_user, indicator)  # PARDEV answers for it
    assert not can_record_measurement(other_staff_user, indicator)


def test_staff_of_another_unit_see_the_page_but_cannot_record(client, indicator, other_staff_user):
    client.force_login(other_staff_user)
    page = client.get(page_url(indicator)).content.decode()
    assert "Only the responsible units and managers" in page
    assert 'id="measurement-form"' not in page
    assert client.post(record_url(indicator), form_data()).status_code == 403
    assert not Measurement.objects.exists()


def test_staff_of_the_responsible_unit_record_and_see_the_assessment_change(
    client, indicator, staff_user
):
    client.force_login(staff_user)
    before = client.get(page_url(indicator, "2012-06-01")).content.decode()
    assert "No data" in goal_row(before, "2010-11")
    response = client.post(record_url(indicator), form_data())
    assert response.status_code == 302
    saved = Measurement.objects.get()
    assert (saved.value, saved.author, saved.origin) == (72, staff_user, Measurement.Origin.APP)
    assert (saved.period_start, saved.period_end) == (day("2010-01-01"), day("2011-12-31"))
    after = client.get(page_url(indicator, "2012-06-01")).content.decode()
    assert "Met" in goal_row(after, "2010-11")
    assert 'class="actual"' in after  # the chart plots the actual
    # As of a day before the measurement, the page shows the results as they were.
    earlier = client.get(page_url(indicator, "2012-02-01")).content.decode()
    assert "No data" in goal_row(earlier, "2010-11")


def goal_row(html, period):
    return re.search(
        rf'<tr class="goal-milestone">\s*<th scope="row">Milestone {period}</th>'
        r".*?</tr>",
        html,
        re.S,
    )[0]


def test_the_same_form_sent_twice_saves_once(client, indicator, manager_user):
    client.force_login(manager_user)
    client.post(record_url(indicator), form_data())
    client.post(record_url(indicator), form_data())
    assert Measurement.objects.count() == 1


def test_someone_quicker_is_a_conflict_and_the_figures_are_kept(
    client, indicator, manager_user, staff_user
):
    client.force_login(manager_user)
    seen = client.get(page_url(indicator)).context["form"]["seen_measurement"].value()
    measure(indicator, "2010-11", 68, as_of=day("2012-02-01"), author=staff_user)
    response = client.post(record_url(indicator), form_data(seen_measurement=seen or ""))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else recorded a measurement" in page
    assert response.context["form"]["value"].value() == "72"
    assert Measurement.objects.count() == 1
    # Saving again, knowingly, goes through.
    again = response.context["form"]["seen_measurement"].value()
    client.post(record_url(indicator), form_data(seen_measurement=again))
    assert Measurement.objects.count() == 2


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"period": "end of 2011"}, "period", "A year (1995), a biennium"),
        ({"period": ""}, "period", "Give the period"),
        ({"value": "", "text": ""}, None, "Give a value, a text or an assessment."),
        ({"as_of": "2099-01-01"}, "as_of", "cannot be in the future"),
        ({"as_of": "0001-01-01"}, "as_of", "Enter a date between"),
        ({"period": "2014-15", "as_of": "2013-12-31"}, "as_of", "before its period begins"),
        ({"period": "1800"}, "period", "A year (1995), a biennium"),
        (
            {"period": "", "period_start": "0001-01-01", "period_end": "2011-01-01"},
            "period_start",
            "Enter a date between",
        ),
        ({"text": "x" * 20_001}, "text", "at most 20000 characters"),
        ({"note": "x" * 20_001}, "note", "at most 20000 characters"),
        (
            {"period": "", "period_start": "2011-06-01", "period_end": "2011-01-01"},
            "period_end",
            "cannot end before it starts",
        ),
    ],
)
def test_bad_input_is_refused_with_its_reason(
    client, indicator, manager_user, changes, field, message
):
    client.force_login(manager_user)
    response = client.post(record_url(indicator), form_data(**changes))
    assert response.status_code == 200
    form = response.context["form"]
    errors = form.errors.get(field or "__all__", [])
    assert any(message in error for error in errors), form.errors
    assert not Measurement.objects.exists()


def test_text_pasted_from_word_is_cleaned(client, indicator, manager_user):
    client.force_login(manager_user)
    pasted = "Stratégie adoptée.\x0bRapport envoyé.\uffff\u00ad"
    client.post(record_url(indicator), form_data(text=pasted, note=pasted, source=pasted))
    saved = Measurement.objects.get()
    cleaned = "Stratégie adoptée.\nRapport envoyé."
    assert (saved.text, saved.note, saved.source) == (cleaned, cleaned, cleaned)


def test_the_database_refuses_an_oversized_text_from_any_other_way_in(indicator):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        measure(indicator, "2010-11", 72, as_of=day("2012-03-01"), note="x" * 20_001)


def test_text_milestone_needs_a_persons_assessment(client, manager_user):
    framework = make_framework(milestones=[("2010-11", "Stratégie adoptée")])
    indicator = framework.outcomes.get().indicators.get()
    client.force_login(manager_user)
    data = form_data(value="", text="Adoptée en 2011")
    response = client.post(record_url(indicator), data)
    assert "say whether it is met" in str(response.context["form"].errors["assessment"])
    client.post(record_url(indicator), {**data, "assessment": Assessment.MET})
    page = client.get(page_url(indicator, "2012-06-01")).content.decode()
    assert "set by maria" in page


def test_dates_and_numbers_follow_the_language(client, indicator, manager_user):
    measure(indicator, "2010-11", "72.5", as_of=day("2012-03-01"))
    client.force_login(manager_user)
    page = client.get(page_url(indicator, "2012-06-01"), HTTP_ACCEPT_LANGUAGE="fr").content
    page = page.decode()
    assert "72,5" in page
    assert "1 mars 2012" in page
    # The chart's coordinates stay numbers: no decimal comma inside the SVG.
    svg = re.search(r"<svg.*?</svg>", page, re.S)[0]
    assert not re.search(r'(?:cx|cy|x|y)="\d+,\d', svg)


@pytest.mark.parametrize(
    ("language", "typed", "value"),
    [
        ("fr", "1 000", "1000"),
        ("fr", "1\u202f000,5", "1000.5"),
        ("fr", "12,5", "12.5"),
        ("es", "1.000", "1000"),
        ("es", "1.000,25", "1000.25"),
        ("es", "12,5", "12.5"),
        ("en", "1,000.5", "1000.5"),
        ("en", "12.5", "12.5"),
    ],
)
def test_a_value_is_read_as_the_language_writes_it_thousands_grouped_or_not(
    client, indicator, manager_user, language, typed, value
):
    client.force_login(manager_user)
    client.post(record_url(indicator), form_data(value=typed), HTTP_ACCEPT_LANGUAGE=language)
    assert str(Measurement.objects.get().value) == f"{Decimal(value):.2f}"


@pytest.mark.parametrize("count", [10, 500])
def test_indicator_page_queries_do_not_grow(
    client, manager_user, django_assert_num_queries, count
):
    """10 or 500 indicators in the framework and as many measurements of this one."""
    framework = make_framework(indicators=count, bulk=True)
    indicator = framework.outcomes.get().indicators.first()
    Measurement.objects.bulk_create(
        Measurement(
            indicator=indicator,
            period_start=datetime.date(2010, 1, 1),
            period_end=datetime.date(2011, 12, 31),
            value=n,
            as_of=datetime.date(2012, 1, 1) + datetime.timedelta(days=n),
        )
        for n in range(count)
    )
    client.force_login(manager_user)
    # session, user, indicator, its milestones, its measurements as of the date, the history,
    # the responsible units, whether the user is a manager, and whether they clear updates
    with django_assert_num_queries(9):
        response = client.get(page_url(indicator, "2014-01-01"))
    assert response.status_code == 200


def test_an_indicator_under_an_output(client, manager_user):
    framework = make_framework(outputs=1, indicators=0)
    outcome = framework.outcomes.get()
    indicator = make_indicator(outcome, output=outcome.outputs.get())
    client.force_login(manager_user)
    page = client.get(page_url(indicator)).content.decode()
    assert "output 1.1" in page


def test_admin_assigns_units_to_indicators_and_shows_measurements_read_only(
    client, admin_user, indicator, pardev
):
    measure(indicator, "2010-11", 72, as_of=day("2012-03-01"))
    client.force_login(admin_user)
    for url in [
        reverse("admin:outcomes_measurement_changelist"),
        reverse("admin:outcomes_indicator_change", args=[indicator.pk]),
        reverse("admin:measures_indicatorresponsibility_changelist"),
        reverse("admin:measures_indicatorresponsibility_add"),
    ]:
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("admin:outcomes_measurement_add")).status_code == 403


def test_every_field_of_the_page_has_its_own_id(client, indicator, manager_user):
    client.force_login(manager_user)
    page = client.get(page_url(indicator)).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert 'for="id_results_as_of"' in page and 'for="id_as_of"' in page
