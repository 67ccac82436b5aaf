"""The pages staff read: "My measures", a plan as of a date, an action line with its history."""

import datetime
import io
import re

import pytest
from django.contrib.auth.models import User
from openpyxl import load_workbook

from measures.importing.writer import write_plan
from measures.models import (
    ActionLine,
    DeadlineKind,
    Part,
    Plan,
    Question,
    StatusCategory,
    StatusUpdate,
    Unit,
)
from measures.policy import STAFF_GROUP
from measures.views import LINES_PER_PAGE
from outcomes.models import Framework, Outcome, Output
from tests.factories import AUG_31, TODAY, make_line, make_plan, make_update, make_user

pytestmark = pytest.mark.usefixtures("frozen_today")


@pytest.fixture
def plan(pardev, program_unit):
    """One part: heading question 1 over question 1 a) (two PARDEV lines), then 2 (PROGRAM)."""
    plan = make_plan(symbol="GB.279/TC/2", questions=0, title="Plan de mise en œuvre")
    part = plan.parts.get()
    heading = Question.objects.create(
        part=part, order=1, code="1", title="Mobilisation des ressources", is_heading=True
    )
    first = Question.objects.create(
        part=part, order=2, code="1 a)", title="Partenariats", heading=heading,
        context="Le Conseil a demandé…", timeline="Pour toute la question : 2000-01",
    )  # fmt: skip
    make_line(first, text="Réunion des donateurs", due=datetime.date(2000, 9, 1), units=[pardev])
    make_line(first, text="Rapport annuel", due=datetime.date(2000, 10, 1), units=[pardev])
    second = Question.objects.create(part=part, order=3, code="2", title="Programmation")
    make_line(second, text="Revue des programmes", kind=DeadlineKind.ONGOING, due=None,
              timeline="En cours", units=[program_unit])  # fmt: skip
    return plan


def lines_of(plan):
    return ActionLine.objects.filter(question__part__plan=plan).in_print_order()


def test_home_lists_my_units_lines_by_plan_with_counts_and_marks(client, staff_user, plan):
    client.force_login(staff_user)
    page = client.get("/").content.decode()
    assert "Réunion des donateurs" in page and "Rapport annuel" in page
    assert "Revue des programmes" not in page  # PROGRAM's line
    assert "GB.279/TC/2" in page
    counts = client.get("/").context["counts"]
    assert counts == {"lines": 2, "overdue": 1, "due_soon": 1, "no_status": 2}
    assert page.count('class="badge overdue"') == 1
    assert page.count('class="badge due-soon"') == 1


def test_home_with_no_unit_says_so_and_lists_plans(client, plan):
    client.force_login(make_user("carl", STAFF_GROUP))
    page = client.get("/").content.decode()
    assert "No action line is assigned to your units." in page
    assert f'href="/plans/{plan.pk}/"' in page


@pytest.mark.parametrize("role", ["manager_user", "admin_user"])
def test_managers_and_administrators_without_lines_land_on_the_measures_table(
    client, plan, role, request
):
    client.force_login(request.getfixturevalue(role))
    response = client.get("/", follow=True)
    assert response.redirect_chain == [("/measures/", 302)]
    assert "Réunion des donateurs" in response.content.decode()


def test_manager_with_lines_of_a_unit_keeps_my_measures(client, manager_user, pardev, plan):
    manager_user.units.add(pardev)
    client.force_login(manager_user)
    response = client.get("/")
    assert response.status_code == 200 and response.context["counts"]["lines"] == 2


def test_count_cards_link_to_the_measures_table_filtered_to_their_lines(client, staff_user, plan):
    client.force_login(staff_user)
    page = client.get("/").content.decode()
    start = page.index('<ul class="counts">')
    cards = page[start : page.index("</ul>", start)]
    links = [link.replace("&amp;", "&") for link in re.findall(r'href="([^"]+)"', cards)]
    assert links == [
        "/measures/?mine=1&as_of=2000-09-15",
        "/measures/?mine=1&as_of=2000-09-15&overdue=1",
        "/measures/?mine=1&as_of=2000-09-15&due_within=30",
        "/measures/?mine=1&as_of=2000-09-15&status=none",
    ]
    # Each card's number is the number of lines its link shows.
    counts = client.get("/").context["counts"]
    for link, key in zip(links, ["lines", "overdue", "due_soon", "no_status"], strict=True):
        assert client.get(link).context["table"].paginator.count == counts[key]


def build_plan(lines, unit):
    """A plan of `lines` lines in questions of ten, half with an update, built in bulk."""
    plan = make_plan(questions=0, lines=0)
    part = plan.parts.get()
    questions = Question.objects.bulk_create(
        Question(part=part, order=i, code=f"{i}.", title=f"Q{i}") for i in range(lines // 10)
    )
    created = ActionLine.objects.bulk_create(
        ActionLine(
            question=q, order=i, text=f"ligne {q.order}.{i}",
            deadline_kind=DeadlineKind.DATED, due_date=TODAY + datetime.timedelta(days=i * 5 - 20),
        )
        for q in questions
        for i in range(10)
    )  # fmt: skip
    ActionLine.units.through.objects.bulk_create(
        ActionLine.units.through(actionline=line, unit=unit) for line in created
    )
    StatusUpdate.objects.bulk_create(
        [StatusUpdate(action_line=line, as_of=AUG_31, category="completed")
         for line in created[::2]]
        + [StatusUpdate(question=q, as_of=AUG_31, category="in_progress") for q in questions]
    )  # fmt: skip
    return plan


# Session, user, the user's groups (may publish?), plan, its pages of questions, parts, the
# page's questions, their lines, the lines' units, each line's and question's newest update,
# rounds, the count awaiting the user's clearance, whether the user clears updates (the
# navigation's link).
PLAN_PAGE_QUERIES = 13
# Session, user, my lines' counts, the page of my lines, their units, their questions, each
# line's and question's newest update, all plans, whether the user clears updates (the
# navigation's link).
HOME_QUERIES = 9


@pytest.mark.parametrize("size", [10, 1000])
def test_plan_page_runs_a_fixed_number_of_queries(
    client, staff_user, pardev, size, django_assert_num_queries
):
    plan = build_plan(size, pardev)
    client.force_login(staff_user)
    with django_assert_num_queries(PLAN_PAGE_QUERIES):
        response = client.get(f"/plans/{plan.pk}/")
    assert response.content.decode().count('href="/lines/') == min(size, LINES_PER_PAGE)


def test_administrators_roles_are_read_from_their_user_row_not_queried(
    client, admin_user, pardev, django_assert_num_queries
):
    """Whether they publish rounds and clear updates: their user row says so; the page still
    offers both."""
    plan = build_plan(10, pardev)
    client.force_login(admin_user)
    with django_assert_num_queries(PLAN_PAGE_QUERIES - 2):
        page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert 'href="/clearance/">Awaiting clearance</a>' in page and "Add a round" in page


@pytest.mark.parametrize("size", [10, 1000])
def test_my_measures_runs_a_fixed_number_of_queries(
    client, staff_user, pardev, size, django_assert_num_queries
):
    build_plan(size, pardev)
    client.force_login(staff_user)
    with django_assert_num_queries(HOME_QUERIES):
        response = client.get("/")
    assert response.context["counts"]["lines"] == size
    assert response.content.decode().count('href="/lines/') == min(size, LINES_PER_PAGE)


def test_a_long_plan_is_read_page_by_page_with_every_line_once(client, staff_user, pardev):
    plan = build_plan(450, pardev)
    client.force_login(staff_user)
    seen = []
    for number in (1, 2, 3):
        page = client.get(f"/plans/{plan.pk}/", {"page": number}).content.decode()
        seen += re.findall(r'href="/lines/(\d+)/"', page)
    assert sorted(map(int, seen)) == sorted(lines_of(plan).values_list("pk", flat=True))
    assert "Page 3 of 3" in page


def test_my_measures_is_read_page_by_page_with_all_lines_counted(client, staff_user, pardev):
    build_plan(250, pardev)
    client.force_login(staff_user)
    first = client.get("/")
    second = client.get("/", {"page": 2})
    assert first.context["counts"]["lines"] == second.context["counts"]["lines"] == 250
    assert second.content.decode().count('href="/lines/') == 50


def test_plan_page_shows_parts_questions_and_lines_in_print_order(client, staff_user, plan):
    make_update(plan.parts.get().questions.get(code="1 a)"), AUG_31, narrative="Bilan commun")
    client.force_login(staff_user)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    order = ["Partie 1", "Mobilisation des ressources", "Partenariats", "Réunion des donateurs",
             "Rapport annuel", "Programmation", "Revue des programmes"]  # fmt: skip
    positions = [page.index(text) for text in order]
    assert positions == sorted(positions)
    assert page.count("Pour toute la question : 2000-01") == 1
    assert page.count("Bilan commun") == 1  # the question's status, once, not under each line
    assert page.count("read as Sept. 1, 2000") == 1 and "Ongoing" in page


@pytest.mark.parametrize("questions", [0, 1])
def test_a_plan_without_lines_still_has_its_page_annex_and_workbook(client, staff_user, questions):
    """The outline reads lists of ids as one parameter each: here they are empty."""
    plan = make_plan(questions=questions, lines=0)
    client.force_login(staff_user)
    assert plan.symbol in client.get(f"/plans/{plan.pk}/").content.decode()
    assert client.get(f"/plans/{plan.pk}/annex.html").status_code == 200
    workbook = load_workbook(io.BytesIO(write_plan(plan)))
    assert plan.symbol in workbook.active["A1"].value


def test_plan_page_escapes_every_text_of_the_plan(client, staff_user, plan):
    """Parts, questions, lines, units and statuses are written by one tag, not the template's
    autoescaping: markup typed or imported into any of them shows as text."""
    hostile = "<b onclick=\"x()\">{}</b> & 'q'"
    part = plan.parts.get()
    Part.objects.filter(pk=part.pk).update(title=hostile.format("part"))
    heading, first, _second = part.questions.order_by("order")
    Question.objects.filter(pk=heading.pk).update(code="<i>1</i>", title=hostile.format("head"))
    Question.objects.filter(pk=first.pk).update(timeline=hostile.format("timeline of 1 a)"))
    line = lines_of(plan).first()
    ActionLine.objects.filter(pk=line.pk).update(
        text=hostile.format("line"), timeline=hostile.format("line timeline")
    )
    Unit.objects.filter(pk=line.units.get().pk).update(code="<u>P</u>")
    make_update(first, AUG_31, narrative=hostile.format("question status"))
    make_update(line, TODAY, narrative=hostile.format("line status"))
    client.force_login(staff_user)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "<b " not in page and "<i>" not in page and "<u>" not in page
    for text in ["part", "head", "timeline of 1 a)", "line", "line timeline", "question status",
                 "line status"]:  # fmt: skip
        # Quotes may stay as they are in text (not in attributes): both ways are safe.
        quote, apostrophe = '(&quot;|")', "(&#x27;|')"
        shown = rf"&lt;b onclick={quote}x\(\){quote}&gt;{re.escape(text)}&lt;/b&gt; &amp; "
        assert re.search(shown + rf"{apostrophe}q{apostrophe}", page), text
    assert "&lt;i&gt;1&lt;/i&gt;" in page and "&lt;u&gt;P&lt;/u&gt;" in page


def test_plan_page_shows_the_plan_as_it_stood_on_the_chosen_date(client, staff_user, plan):
    line = lines_of(plan).first()
    make_update(line, AUG_31, StatusCategory.IN_PROGRESS)
    make_update(line, datetime.date(2000, 9, 10), StatusCategory.COMPLETED)
    client.force_login(staff_user)
    today = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "Completed" in today and 'class="badge overdue"' not in today
    before = client.get(f"/plans/{plan.pk}/?as_of=2000-09-05").content.decode()
    assert "In progress" in before and "Completed" not in before
    assert 'class="badge overdue"' in before  # due 1 September, not completed then
    assert "Status as of Sept. 5, 2000" in before


def test_plan_page_with_a_malformed_date_shows_the_error_and_today(client, staff_user, plan):
    client.force_login(staff_user)
    response = client.get(f"/plans/{plan.pk}/?as_of=31/31/2000")
    assert response.status_code == 200
    assert response.context["as_of_form"].errors["as_of"] == ["Enter a valid date."]
    assert "Status as of Sept. 15, 2000" in response.content.decode()


def test_unknown_plan_and_line_are_404(client, staff_user):
    client.force_login(staff_user)
    assert client.get("/plans/999/").status_code == 404
    assert client.get("/lines/999/").status_code == 404


def test_line_page_shows_context_deadline_outputs_and_full_history_newest_first(
    client, staff_user, plan
):
    line = lines_of(plan).first()
    framework = Framework.objects.create(
        code="P&B 2024-25", kind="programme_budget", title="P&B", first_year=2024,
        last_year=2025, language="fr",
    )  # fmt: skip
    outcome = Outcome.objects.create(framework=framework, order=1, code="1", title="Résultat 1")
    line.outputs.add(Output.objects.create(outcome=outcome, order=1, code="1.1", title="Extrant"))
    author = User.objects.create_user("carla", first_name="Carla", last_name="Diaz")
    make_update(line, AUG_31, narrative="Ancienne nouvelle", author=author)
    make_update(line.question, datetime.date(2000, 9, 10), narrative="Nouvelle de la question")
    client.force_login(staff_user)
    page = client.get(f"/lines/{line.pk}/").content.decode()
    expected = ["Mobilisation des ressources", "Le Conseil a demandé", "D&#x27;ici 09/2000"]
    expected += ["Sept. 1, 2000", "P&amp;B 2024-25, output 1.1", "PARDEV", "Carla Diaz"]
    for text in expected:
        assert text in page
    history = page[page.index('id="history"') :]
    assert history.index("Nouvelle de la question") < history.index("Ancienne nouvelle")
    assert "whole question" in history


def test_suggested_category_is_shown_until_a_person_confirms_it(client, staff_user, plan):
    line = lines_of(plan).first()
    suggestion = make_update(line, AUG_31, StatusCategory.DELAYED, category_confirmed=False)
    client.force_login(staff_user)
    page = client.get(f"/lines/{line.pk}/").content.decode()
    assert "Delayed (suggested)" in page
    response = client.post(
        f"/lines/{line.pk}/updates/",
        {"as_of": "2000-09-15", "category": "delayed", "about": "line",
         "seen_update": suggestion.pk},
        follow=True,
    )  # fmt: skip
    status = response.content.decode().split('id="line-status"')[1].split("</span>\n")[0]
    assert "Delayed" in status and "suggested" not in status
    assert StatusUpdate.objects.latest("pk").author == staff_user


def test_language_switcher_sets_the_cookie_and_dates_follow_the_language(client, staff_user, plan):
    make_update(lines_of(plan).first(), AUG_31)
    client.force_login(staff_user)
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert response.cookies["django_language"].value == "fr"
    page = client.get("/").content.decode()
    assert '<html lang="fr">' in page
    assert "31 août 2000" in page
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    assert "31 de agosto de 2000" in client.get("/").content.decode()


def test_signed_out_visitor_is_sent_to_sign_in(client, plan):
    response = client.get(f"/plans/{plan.pk}/")
    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next=/plans/{plan.pk}/"


def test_plans_are_shown_in_their_own_language_attribute(client, staff_user, plan):
    client.force_login(staff_user)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert '<h3 lang="fr">1 a) Partenariats</h3>' in page
    assert Plan.objects.count() == 1 and Part.objects.count() == 1


def test_a_whole_question_update_shows_on_its_lines_everywhere(client, staff_user, plan):
    """Newer than the line's own update, the question's is the line's status (issue 10)."""
    line = lines_of(plan).first()
    make_update(line, datetime.date(2000, 1, 1), StatusCategory.NOT_STARTED)
    make_update(line.question, TODAY, StatusCategory.IN_PROGRESS, narrative="Pour tout 1 a)")
    client.force_login(staff_user)
    for url in ["/", f"/plans/{plan.pk}/"]:
        page = client.get(url).content.decode()
        assert "In progress" in page and "Not started" not in page, url
    line_page = client.get(f"/lines/{line.pk}/").content.decode()
    current = line_page.split('id="line-status"')[1].split("</dd>")[0]
    assert "In progress" in current and "Not started" not in current
    table = client.get("/measures/", {"mine": "1"}).context["table"]
    assert [row.get_cell_value("status") for row in table.paginated_rows] == ["In progress"] * 2


def test_lines_with_no_timeline_at_all_say_so_not_that_it_was_unread(client, staff_user, plan):
    question = plan.parts.get().questions.get(code="2")
    unread = make_line(question, due=None, kind=DeadlineKind.UNREAD, timeline="Dès que possible")
    bare = make_line(question, due=None, kind=DeadlineKind.UNREAD, timeline="")
    client.force_login(staff_user)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert page.count("No timeline") == 1 and page.count("Deadline not read") == 1
    assert "No timeline" in client.get(f"/lines/{bare.pk}/").content.decode()
    assert list(ActionLine.objects.deadline_not_read()) == [unread]
    # The question's own timeline is one to read.
    question.timeline = "Pour toute la question : 2001"
    question.save()
    assert set(ActionLine.objects.deadline_not_read()) == {unread, bare}


@pytest.fixture
def suggested(plan):
    line = lines_of(plan).first()
    return line, make_update(line, AUG_31, StatusCategory.DELAYED, category_confirmed=False)


def test_a_suggested_category_is_confirmed_in_one_click(client, staff_user, suggested):
    line, update = suggested
    client.force_login(staff_user)
    page = client.get(f"/lines/{line.pk}/").content.decode()
    assert "Delayed (suggested)" in page and "Confirm “Delayed”" in page
    response = client.post(f"/lines/{line.pk}/confirm/", {"update": update.pk}, follow=True)
    assert "Status confirmed." in response.content.decode()
    update.refresh_from_db()
    assert update.category_confirmed and update.category == StatusCategory.DELAYED
    assert update.as_of == AUG_31 and StatusUpdate.objects.count() == 1  # no new update
    assert (
        "(suggested)" not in client.get(f"/plans/{line.question.part.plan_id}/").content.decode()
    )


def test_confirming_needs_the_right_to_update_what_the_update_is_about(
    client, other_staff_user, manager_user, suggested, plan
):
    line, update = suggested
    client.force_login(other_staff_user)
    assert "Confirm “" not in client.get(f"/lines/{line.pk}/").content.decode()
    assert client.post(f"/lines/{line.pk}/confirm/", {"update": update.pk}).status_code == 403
    assert client.get(f"/lines/{line.pk}/confirm/").status_code == 405
    other_line = lines_of(plan).last()
    client.force_login(manager_user)
    # An update about another line cannot be confirmed through this one.
    assert (
        client.post(f"/lines/{other_line.pk}/confirm/", {"update": update.pk}).status_code == 404
    )
    update.refresh_from_db()
    assert not update.category_confirmed


def test_a_whole_question_suggestion_is_confirmed_only_by_who_may_speak_for_all_its_lines(
    client, staff_user, manager_user, plan
):
    line = lines_of(plan).first()
    update = make_update(line.question, AUG_31, StatusCategory.DELAYED, category_confirmed=False)
    line.question.lines.last().units.clear()  # alice no longer answers for every line
    client.force_login(staff_user)
    assert client.post(f"/lines/{line.pk}/confirm/", {"update": update.pk}).status_code == 403
    client.force_login(manager_user)
    assert client.post(f"/lines/{line.pk}/confirm/", {"update": update.pk}).status_code == 302
    update.refresh_from_db()
    assert update.category_confirmed


def test_annex_buttons_follow_the_date_chosen_on_the_plan_page_else_the_annexs_default(
    client, staff_user, plan
):
    """With no date chosen, the annex prints as of its own default (the latest published
    round), not today; a date chosen on the page goes with the buttons."""
    client.force_login(staff_user)
    annex = f"/plans/{plan.pk}/annex.pdf"
    assert f'href="{annex}"' in client.get(f"/plans/{plan.pk}/").content.decode()
    chosen = client.get(f"/plans/{plan.pk}/?as_of=2000-08-31").content.decode()
    assert f'href="{annex}?as_of=2000-08-31"' in chosen
