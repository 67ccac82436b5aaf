"""The measures table: filters against hand-computed expectations, as of a chosen day."""

import datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse

from measures.models import DeadlineKind, StatusCategory
from outcomes.models import Framework, Outcome, Output
from tests.factories import make_line, make_plan, make_update

AS_OF = datetime.date(2000, 8, 31)
DAY = datetime.timedelta(days=1)


def build_world(pardev, program_unit):
    """Two plans whose every line's fate on 31 August 2000 is known by hand (see comments)."""
    plan = make_plan(symbol="GB.279/TC/2", parts=2, questions=1, lines=0)
    part1, part2 = plan.parts.all()
    q1, q2 = part1.questions.get(), part2.questions.get()
    q2.code = "2"
    q2.save()
    w = SimpleNamespace(plan=plan, part1=part1, part2=part2, q1=q1, q2=q2)
    # Overdue: due two months before, nothing reported.
    w.l1 = make_line(
        q1, due=datetime.date(2000, 6, 30), units=[pardev], text="Former les mandants"
    )
    # Due on the day itself: not overdue yet, due within 30 days.
    w.l2 = make_line(q1, due=AS_OF)
    # Completed the day after: still overdue on the day.
    w.l3 = make_line(q1, due=datetime.date(2000, 7, 31))
    make_update(w.l3, AS_OF + DAY, StatusCategory.COMPLETED, narrative="Achevé")
    # Completed on the day: not overdue.
    w.l4 = make_line(q1, due=datetime.date(2000, 7, 15))
    make_update(w.l4, AS_OF, StatusCategory.COMPLETED)
    w.l5 = make_line(q1, due=None, kind=DeadlineKind.ONGOING)
    w.l6 = make_line(q1, due=None, kind=DeadlineKind.UNREAD, timeline="Dès que possible")
    # Due in 76 days; delayed as reported for the whole question.
    w.l7 = make_line(q2, due=datetime.date(2000, 11, 15), units=[program_unit])
    make_update(q2, AS_OF - 10 * DAY, StatusCategory.DELAYED, narrative="Retard du recrutement")
    # Cancelled before the day.
    w.l8 = make_line(q2, due=datetime.date(2000, 5, 1))
    make_update(w.l8, AS_OF - 60 * DAY, StatusCategory.CANCELLED)
    other = make_plan(symbol="GB.341/POL/4", lines=0)
    w.other = other
    w.l9 = make_line(
        other.parts.get().questions.get(), due=datetime.date(2000, 1, 31), units=[program_unit]
    )
    framework = Framework.objects.create(
        code="P&B T",
        kind="programme_budget",
        title="Test",
        first_year=2000,
        last_year=2001,
        language="fr",
    )
    w.outcome = Outcome.objects.create(framework=framework, order=1, code="1", title="Emploi")
    w.output = Output.objects.create(outcome=w.outcome, order=1, code="1.1", title="Capacités")
    w.output2 = Output.objects.create(outcome=w.outcome, order=2, code="1.2", title="Normes")
    w.framework = framework
    w.l1.outputs.add(w.output)
    q2.outputs.add(w.output)  # l7 and l8 through their question
    w.l9.outputs.add(w.output2)
    return w


@pytest.fixture
def world(pardev, program_unit):
    return build_world(pardev, program_unit)


def shown(client, **params):
    """The lines the table shows for these filters, in order."""
    response = client.get(reverse("measures"), {"as_of": AS_OF.isoformat(), **params})
    assert response.status_code == 200
    return [row.record for row in response.context["table"].paginated_rows]


@pytest.fixture
def manager_client(client, manager_user):
    client.force_login(manager_user)
    return client


def test_anonymous_is_sent_to_the_login_page(client, world):
    response = client.get(reverse("measures"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_staff_see_every_line_in_print_order(client, staff_user, world):
    client.force_login(staff_user)
    w = world
    assert shown(client) == [w.l1, w.l2, w.l3, w.l4, w.l5, w.l6, w.l7, w.l8, w.l9]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"overdue": "1"}, ["l1", "l3", "l9"]),
        ({"overdue": "1", "as_of": "2000-09-01"}, ["l1", "l2", "l9"]),
        ({"overdue": "1", "as_of": "2000-06-30"}, ["l8", "l9"]),  # cancelled later
        ({"due_within": "30"}, ["l2"]),
        ({"due_within": "90"}, ["l2", "l7"]),
        ({"due_within": "0"}, ["l2"]),
        ({"due_within": "76"}, ["l2", "l7"]),  # l7 is due exactly 76 days later
        ({"due_within": "75"}, ["l2"]),
        ({"due_within": "76", "as_of": "2000-11-16"}, []),  # and overdue the day after
        ({"overdue": "1", "as_of": "2000-11-16", "plan": "PLAN"}, ["l1", "l2", "l7"]),
        ({"not_read": "1"}, ["l6"]),
        ({"kind": ["ongoing", "unread"]}, ["l5", "l6"]),
        ({"status": "delayed"}, ["l7"]),
        ({"status": ["completed", "cancelled"]}, ["l4", "l8"]),
        ({"status": "completed", "as_of": "2000-09-01"}, ["l3", "l4"]),
        ({"status": "none"}, ["l1", "l2", "l3", "l5", "l6", "l9"]),
        ({"due_after": "2000-07-01", "due_before": "2000-08-31"}, ["l2", "l3", "l4"]),
        ({"code": "2"}, ["l7", "l8"]),
        ({"unit": "PARDEV"}, ["l1"]),
        ({"unit": "PROGRAM", "overdue": "1"}, ["l9"]),
        ({"plan": "PLAN", "overdue": "1"}, ["l1", "l3"]),
        ({"part": "PART2"}, ["l7", "l8"]),
        ({"q": "recrutement"}, ["l7"]),  # l8 has its own status
        ({"q": "achevé", "as_of": "2000-09-01"}, ["l3"]),
        ({"q": "achevé"}, []),
        ({"q": "former"}, ["l1"]),
        ({"q": "dès que"}, ["l6"]),
        ({"output": "OUTPUT"}, ["l1", "l7", "l8"]),
        ({"outcome": "OUTCOME"}, ["l1", "l7", "l8", "l9"]),
        ({"framework": "FRAMEWORK", "overdue": "1"}, ["l1", "l9"]),
    ],
)
def test_filters_select_the_hand_computed_lines(client, staff_user, world, params, expected):
    client.force_login(staff_user)
    ids = {
        "PLAN": world.plan.pk,
        "PART2": world.part2.pk,
        "OUTPUT": world.output.pk,
        "OUTCOME": world.outcome.pk,
        "FRAMEWORK": world.framework.pk,
        "PARDEV": world.l1.units.get().pk,
        "PROGRAM": world.l9.units.get().pk,
    }
    params = {k: ids.get(v, v) if isinstance(v, str) else v for k, v in params.items()}
    assert shown(client, **params) == [getattr(world, name) for name in expected]


def test_status_column_shows_the_status_of_the_chosen_day(manager_client, world):
    def statuses(as_of):
        response = manager_client.get(reverse("measures"), {"as_of": as_of, "code": "1 a)"})
        table = response.context["table"]
        return str(table.columns["status"].header), [
            row.get_cell_value("status") for row in table.paginated_rows
        ]

    assert statuses("2000-08-31") == (
        "Status on Aug. 31, 2000",
        [None, None, None, "Completed", None, None, None],  # l9 of the other plan too
    )
    assert statuses("2000-09-01")[1] == [None, None, "Completed", "Completed", None, None, None]
    assert statuses("2000-08-30")[1] == [None] * 7


def test_overdue_badge_and_owner_are_shown(manager_client, world):
    html = manager_client.get(reverse("measures"), {"overdue": "1", "as_of": "2000-08-31"})
    html = html.content.decode()
    assert html.count('class="badge overdue"') == 3
    assert '<abbr title="Partnerships">PARDEV</abbr>' in html


def test_filters_and_as_of_are_kept_by_sort_and_page_links(manager_client, world):
    response = manager_client.get(
        reverse("measures"), {"overdue": "1", "as_of": "2000-08-31", "sort": "-due_date"}
    )
    assert [r.record for r in response.context["table"].paginated_rows] == [
        world.l3,
        world.l1,
        world.l9,
    ]
    html = response.content.decode()
    assert "overdue=1&amp;as_of=2000-08-31&amp;sort=due_date" in html
    assert "export.xlsx?overdue=1&amp;as_of=2000-08-31&amp;sort=-due_date" in html


def test_as_of_defaults_to_today(manager_client, world, time_machine):
    time_machine.move_to(datetime.datetime(2000, 9, 1, 12, tzinfo=datetime.UTC))
    response = manager_client.get(reverse("measures"), {"overdue": "1"})
    assert [r.record for r in response.context["table"].paginated_rows] == [
        world.l1,
        world.l2,
        world.l9,
    ]
    assert 'value="2000-09-01"' in response.content.decode()


def test_an_invalid_date_is_reported_on_its_field_and_shows_no_line(manager_client, world):
    response = manager_client.get(reverse("measures"), {"as_of": "31/31/2000"})
    html = response.content.decode()
    assert "Enter a valid date." in html
    assert 'aria-invalid="true"' in html
    assert "Please correct the filters above." in html
    assert "<tbody" not in html


def test_less_used_filters_fold_away_unless_in_use(manager_client, world):
    folded = manager_client.get(reverse("measures"), {"overdue": "1"}).content.decode()
    assert "<details>" in folded
    unfolded = manager_client.get(reverse("measures"), {"status": "delayed"}).content.decode()
    assert "<details open>" in unfolded


def test_dates_follow_the_active_language(manager_client, world):
    params = {"as_of": "2000-08-31", "code": "1 a)", "plan": world.plan.pk}
    html = manager_client.get(reverse("measures"), params).content.decode()
    assert "Status on Aug. 31, 2000" in html
    assert "June 30, 2000" in html  # l1's due date
    assert "06/30/2000" not in html and "08/31/2000" not in html
    french = manager_client.get(reverse("measures"), params, HTTP_ACCEPT_LANGUAGE="fr")
    assert "30 juin 2000" in french.content.decode()


def test_no_match_says_so_with_the_day(manager_client, world):
    response = manager_client.get(reverse("measures"), {"as_of": "2000-08-31", "q": "introuvable"})
    html = response.content.decode()
    assert "No action line matches these filters as of Aug. 31, 2000." in html
    assert "0 action lines as of Aug. 31, 2000" in html
