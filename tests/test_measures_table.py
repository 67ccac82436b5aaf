"""The measures table: filters against hand-computed expectations, as of a chosen day."""

import copy
import datetime

import pytest
from django.urls import reverse

from measures.models import StatusCategory
from tests.factories import WORLD_AS_OF as AS_OF
from tests.factories import make_update
from tests.pages import table_lines

DAY = datetime.timedelta(days=1)


@pytest.fixture
def world(db, world_rows):
    return copy.deepcopy(world_rows)


def shown(client, **params):
    """The lines the table shows for these filters, in order."""
    response = client.get(reverse("measures"), {"as_of": AS_OF.isoformat(), **params})
    assert response.status_code == 200
    return table_lines(response)


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
        # l8 was cancelled, then reported delayed with its whole question: the newer counts.
        ({"overdue": "1"}, ["l1", "l3", "l8", "l9"]),
        ({"overdue": "1", "as_of": "2000-09-01"}, ["l1", "l2", "l8", "l9"]),
        ({"overdue": "1", "as_of": "2000-06-30"}, ["l8", "l9"]),  # cancelled later
        ({"due_within": "30"}, ["l2"]),
        ({"due_within": "90"}, ["l2", "l7"]),
        ({"due_within": "0"}, ["l2"]),
        ({"due_within": "76"}, ["l2", "l7"]),  # l7 is due exactly 76 days later
        ({"due_within": "75"}, ["l2"]),
        ({"due_within": "76", "as_of": "2000-11-16"}, []),  # and overdue the day after
        ({"overdue": "1", "as_of": "2000-11-16", "plan": "PLAN"}, ["l1", "l2", "l7", "l8"]),
        ({"not_read": "1"}, ["l6"]),
        ({"kind": ["ongoing", "unread"]}, ["l5", "l6"]),
        ({"status": "delayed"}, ["l7", "l8"]),
        ({"status": ["completed", "cancelled"]}, ["l4"]),
        ({"status": "cancelled", "as_of": "2000-08-20"}, ["l8"]),
        ({"status": "completed", "as_of": "2000-09-01"}, ["l3", "l4"]),
        ({"status": "none"}, ["l1", "l2", "l3", "l5", "l6", "l9"]),
        ({"due_after": "2000-07-01", "due_before": "2000-08-31"}, ["l2", "l3", "l4"]),
        ({"code": "2"}, ["l7", "l8"]),
        ({"unit": "PARDEV"}, ["l1"]),
        ({"unit": "PROGRAM", "overdue": "1"}, ["l9"]),
        ({"plan": "PLAN", "overdue": "1"}, ["l1", "l3", "l8"]),
        ({"part": "PART2"}, ["l7", "l8"]),
        ({"q": "recrutement"}, ["l7", "l8"]),  # the question's newer status is theirs
        ({"q": "recrutement", "as_of": "2000-08-20"}, []),
        ({"q": "achevé", "as_of": "2000-09-01"}, ["l3"]),
        ({"q": "achevé"}, []),
        ({"q": "former"}, ["l1"]),
        ({"q": "dès que"}, ["l6"]),
        ({"output": "OUTPUT"}, ["l1", "l7", "l8"]),
        ({"outcome": "OUTCOME"}, ["l1", "l7", "l8", "l9"]),
        ({"framework": "FRAMEWORK", "overdue": "1"}, ["l1", "l8", "l9"]),
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
        ["", "", "", "Completed", "", "", ""],  # l9 of the other plan too
    )
    assert statuses("2000-09-01")[1] == ["", "", "Completed", "Completed", "", "", ""]
    assert statuses("2000-08-30")[1] == [""] * 7


def test_overdue_badge_and_owner_are_shown(manager_client, world):
    html = manager_client.get(reverse("measures"), {"overdue": "1", "as_of": "2000-08-31"})
    html = html.content.decode()
    assert html.count('class="badge overdue"') == 4
    assert '<abbr title="Partnerships">PARDEV</abbr>' in html


def test_filters_and_as_of_are_kept_by_sort_and_page_links(manager_client, world):
    response = manager_client.get(
        reverse("measures"), {"overdue": "1", "as_of": "2000-08-31", "sort": "-due_date"}
    )
    assert table_lines(response) == [
        world.l3,
        world.l1,
        world.l8,
        world.l9,
    ]
    html = response.content.decode()
    assert "overdue=1&amp;as_of=2000-08-31&amp;sort=due_date" in html
    assert "export.xlsx?overdue=1&amp;as_of=2000-08-31&amp;sort=-due_date" in html


def test_as_of_defaults_to_today(manager_client, world, time_machine):
    time_machine.move_to(datetime.datetime(2000, 9, 1, 12, tzinfo=datetime.UTC))
    response = manager_client.get(reverse("measures"), {"overdue": "1"})
    assert table_lines(response) == [
        world.l1,
        world.l2,
        world.l8,
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


@pytest.mark.parametrize("sort", ["due_date", "-due_date"])
def test_lines_without_a_due_date_come_last_whichever_the_direction(manager_client, world, sort):
    response = manager_client.get(reverse("measures"), {"as_of": "2000-08-31", "sort": sort})
    dates = [row.record["due_date"] for row in response.context["table"].paginated_rows]
    dated = [d for d in dates if d]
    assert dates == [*dated, None, None]
    assert dated == sorted(dated, reverse=sort.startswith("-"))


def test_every_action_line_links_to_its_page(manager_client, world):
    html = manager_client.get(reverse("measures"), {"as_of": "2000-08-31"}).content.decode()
    for line in [world.l1, world.l9]:
        assert f'<a href="/lines/{line.pk}/" title=' in html
    assert html.count('href="/lines/') == 9


@pytest.mark.parametrize("words", ["parite", "PARITÉ", "Parité", "egalite des sexes"])
def test_text_search_ignores_accents_and_case(client, staff_user, world, words):
    world.l2.text = "Promouvoir la parité et l'Égalité des sexes"
    world.l2.save()
    client.force_login(staff_user)
    assert shown(client, q=words) == [world.l2]


def test_text_search_finds_status_texts_without_their_accents(client, staff_user, world):
    client.force_login(staff_user)
    assert shown(client, q="ACHEVE", as_of="2000-09-01") == [world.l3]


def test_suggested_status_is_marked_in_the_table(manager_client, world):
    make_update(world.l1, AS_OF, StatusCategory.DELAYED, category_confirmed=False)
    response = manager_client.get(reverse("measures"), {"as_of": "2000-08-31", "code": "1 a)"})
    cells = [row.get_cell_value("status") for row in response.context["table"].paginated_rows]
    assert cells[:4] == ["Delayed (suggested)", "", "", "Completed"]


def test_mine_shows_the_lines_of_the_users_units(client, staff_user, world):
    client.force_login(staff_user)
    assert shown(client, mine="1") == [world.l1]


@pytest.mark.parametrize(
    ("per_page", "page", "rows", "page_shown"),
    # The world's 9 lines: size 0 means the table's own; -5 is one row a page; 2 rows a page
    # make 5 pages, the last with one row; 9999 is at most 200.
    [("0", "1", 9, 1), ("-5", "3", 1, 3), ("2", "99", 1, 5), ("9999", "1", 9, 1)],
)
def test_a_page_size_out_of_range_in_the_address_is_kept_within_bounds(
    manager_client, world, per_page, page, rows, page_shown
):
    """An edited link (?per_page=0 or less, a page past the last) shows a page, never a
    server error."""
    response = manager_client.get(reverse("measures"), {"per_page": per_page, "page": page})
    assert response.status_code == 200
    table = response.context["table"]
    assert table.paginator.count == 9
    assert (len(table.paginated_rows), table.page.number) == (rows, page_shown)
