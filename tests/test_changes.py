"""What changed in a plan between two reports or dates: the page, its XLSX, the annex section."""

import datetime
import io
from collections import Counter

import openpyxl
import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from measures import services
from measures.models import ActionLine, Clearance, DeadlineKind, Plan, StatusCategory
from reports.annex import plan_annex
from reports.changes import ChangeKind, plan_changes
from reports.models import RenderJob
from reports.pdf import write_pdf
from tests.factories import (
    build_gb279_like,
    bulk_plan,
    make_line,
    make_plan,
    make_update,
    status_by_the_rule,
)
from tests.pages import open_form
from tests.pdfs import html_text, pdf_text
from tests.plan_workbooks import import_fixture

pytestmark = pytest.mark.django_db

D = datetime.date
PLAN_DATE = D(1999, 11, 1)  # "Date du plan : novembre 1999"
AUG_31 = D(2000, 8, 31)  # "Etat des travaux au 31 août 2000"


def at(day):
    """Travel to 10:00 UTC on `day`: audited changes are dated then."""
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(10), datetime.UTC))


def changes_url(plan, **query):
    url = reverse("reports:plan_changes", args=[plan.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def publish(plan, as_of, user):
    services.round_publish(round_=services.round_create(plan=plan, as_of=as_of), user=user)


def rows_of(changes, kind):
    return [row for row in changes.rows if row.kind == kind]


# The real plan: its two dates are the plan's and its one status's -----------------------------

# Lines dated from the plan date (included) to 31 August 2000 (excluded), not completed by then:
# overdue on 31 August and not on 1 November 1999. In print order: (question, due date).
GB279_NEWLY_OVERDUE = [
    ("1 b)", D(1999, 11, 1)),
    ("2 c)", D(2000, 1, 1)),
    ("3 b)", D(2000, 3, 31)),
    ("4 a)", D(2000, 1, 1)),
    ("2.", D(2000, 1, 1)),
    ("2.", D(2000, 4, 30)),
    ("2.", D(2000, 4, 30)),
    ("2.", D(2000, 7, 31)),
    ("2.", D(2000, 1, 31)),
    ("3.", D(2000, 5, 31)),
    ("3.", D(2000, 5, 31)),
    ("3.", D(2000, 5, 31)),
    *[("4.", D(2000, 1, 1))] * 9,
    ("1.", D(1999, 11, 1)),
    ("1.", D(1999, 11, 1)),
    ("1.", D(2000, 1, 1)),
    ("1.", D(2000, 1, 1)),
    ("a)", D(2000, 6, 30)),
    ("a)", D(2000, 6, 30)),
    ("a)", D(2000, 6, 30)),
    ("b)", D(2000, 6, 30)),
    ("c)", D(1999, 11, 1)),
    ("d)", D(1999, 12, 31)),
    ("d)", D(2000, 6, 30)),
    ("e)", D(2000, 1, 1)),
    ("e)", D(1999, 12, 1)),
    ("e)", D(2000, 1, 1)),
]


@pytest.fixture
def real_gb279(db):
    import_fixture("GB.279-TC-2.xlsx")
    return Plan.objects.get(symbol="GB.279/TC/2")


def test_gb279_from_its_plan_date_to_its_status_date(client, manager_user, real_gb279):
    assert real_gb279.date == PLAN_DATE
    client.force_login(manager_user)
    response = client.get(changes_url(real_gb279, since="1999-11-01", until="2000-08-31"))
    changes = response.context["changes"]
    page = html_text(response.content.decode())
    assert "From Nov. 1, 1999 to Aug. 31, 2000" in page
    # Imported today: the audit trail has nothing dated in 1999-2000.
    assert [kind for kind, _label, _n in changes.counts()] == ["status", "overdue", "update"]

    # Every line had no status on the plan date; on 31 August, the one the paper prints.
    statuses = rows_of(changes, ChangeKind.STATUS)
    assert {row.before for row in statuses} == {"No status"}
    assert Counter(row.after for row in statuses) == {
        "In progress (suggested)": 51,
        "Not started (suggested)": 4,
        "Delayed (suggested)": 2,
        "Postponed (suggested)": 1,
        "Ongoing (suggested)": 1,
    }
    postponed = next(row for row in statuses if row.after == "Postponed (suggested)")
    assert (postponed.question, postponed.when) == ("2 a)", AUG_31)
    assert postponed.line.startswith("- élaborer et réviser des directives")
    assert f"/lines/{postponed.line_id}/" in response.content.decode()

    overdue = rows_of(changes, ChangeKind.OVERDUE)
    assert [(row.question, row.after) for row in overdue] == GB279_NEWLY_OVERDUE

    # The 35 narratives of the status column, as of 31 August, each once.
    updates = rows_of(changes, ChangeKind.UPDATE)
    assert len(updates) == 35 and {row.when for row in updates} == {AUG_31}
    assert (
        "Delayed (suggested): Les travaux ont été retardés et la question sera abordée en 2001."
        in page
    )
    assert "Newly overdue: 35" in page and "Status changed: 59" in page


def test_gb279_between_two_published_reports(client, manager_user, real_gb279):
    """The form offers the plan's published reports; a later report of one line moves it."""
    for as_of in (AUG_31, D(2001, 3, 1)):
        publish(real_gb279, as_of, manager_user)
    line = ActionLine.objects.get(text__startswith="- élaborer et réviser des directives")
    make_update(line, D(2001, 2, 15), StatusCategory.COMPLETED, narrative="Directives publiées")
    client.force_login(manager_user)
    page = client.get(changes_url(real_gb279)).content.decode()
    assert '<option value="2001-03-01">March 1, 2001</option>' in page
    assert '<option value="2000-08-31">Aug. 31, 2000</option>' in page

    response = client.get(
        changes_url(real_gb279, since_report="2000-08-31", until_report="2001-03-01")
    )
    changes = response.context["changes"]
    assert [
        (r.kind, r.question, r.before, r.after) for r in changes.rows if r.kind != "overdue"
    ] == [
        ("status", "2 a)", "Postponed (suggested)", "Completed"),
        ("update", "2 a)", "", "Completed: Directives publiées"),
    ]
    # Lines due from 31 August 2000 to 28 February 2001 and open: the paper dates them by the
    # end of a month of 2000 ("D'ici à la fin de 2000").
    assert [(row.question, row.after) for row in rows_of(changes, ChangeKind.OVERDUE)] == [
        ("3 a)", D(2000, 11, 30)),
        ("3 b)", D(2000, 9, 30)),
        ("1.", D(2000, 12, 31)),
        ("1.", D(2000, 12, 31)),
        ("1.", D(2000, 12, 31)),
        ("2.", D(2000, 10, 31)),
        ("5.", D(2000, 12, 31)),
        ("b)", D(2000, 12, 31)),
        ("b)", D(2000, 12, 31)),
        ("e)", D(2000, 12, 31)),
    ]
    # The page ends on the report as of 1 March 2001 and offers the annex with the section.
    assert "changes=on" in response.content.decode()


# Lines added, changed and removed, from the audit trail ----------------------------------------


@pytest.fixture
def edited_plan(client, admin_user, pardev):
    """Created on 10 January 2000; edited in the admin on 5 March; again on 10 May."""
    with at(D(2000, 1, 10)):
        plan = make_plan(lines=3, units=[pardev])
    first, second, third = ActionLine.objects.filter(question__part__plan=plan).order_by("order")
    client.force_login(admin_user)
    with at(D(2000, 3, 5)):
        url = f"/admin/measures/actionline/{first.pk}/change/"
        form = open_form(client, url)
        form |= {"text": "- ligne d'action 1, revue", "due_date": "2000-12-31"}
        assert client.post(url, form).status_code == 302
        url = "/admin/measures/actionline/add/"
        form = open_form(client, url)
        form |= {
            "question": first.question_id,
            "order": "4",
            "text": "- une ligne nouvelle",
            "deadline_kind": DeadlineKind.ONGOING,
        }
        assert client.post(url, form).status_code == 302
        url = f"/admin/measures/actionline/{third.pk}/delete/"
        assert client.post(url, {"post": "yes"}).status_code == 302
    with at(D(2000, 5, 10)):
        second.timeline = "D'ici juin 2001"
        second.save()
    return plan


def test_lines_added_changed_and_removed_in_the_admin(edited_plan):
    with translation.override("en"):
        changes = plan_changes(edited_plan, D(2000, 1, 31), D(2000, 4, 30))
    added = ActionLine.objects.get(text="- une ligne nouvelle")
    assert [
        (r.kind, r.line, r.line_id, r.field, r.before, r.after, r.when.date(), r.who)
        for r in changes.rows
    ] == [
        ("added", "- une ligne nouvelle", added.pk, "", "", "", D(2000, 3, 5), "root"),
        (
            "changed",
            "- ligne d'action 1, revue",
            ActionLine.objects.get(order=1).pk,
            "text",
            "- ligne d'action 1",
            "- ligne d'action 1, revue",
            D(2000, 3, 5),
            "root",
        ),
        (
            "changed",
            "- ligne d'action 1, revue",
            ActionLine.objects.get(order=1).pk,
            "due date",
            D(2000, 9, 30),
            D(2000, 12, 31),
            D(2000, 3, 5),
            "root",
        ),
        ("removed", "- ligne d'action 3", None, "", "", "", D(2000, 3, 5), "root"),
    ]


def test_changes_count_by_the_day_they_were_made_on(edited_plan):
    """Created in January: added then, not since; the May edit is after 30 April."""
    january = plan_changes(edited_plan, D(1999, 12, 31), D(2000, 1, 10))
    assert [(r.kind, r.line) for r in january.rows] == [
        ("added", "- ligne d'action 1"),
        ("added", "- ligne d'action 2"),
        ("added", "- ligne d'action 3"),
    ]
    may = plan_changes(edited_plan, D(2000, 3, 5), D(2000, 5, 10), [ChangeKind.CHANGED])
    assert [(r.line, r.field, r.before, r.after) for r in may.rows] == [
        ("- ligne d'action 2", "timeline as written", "D'ici 09/2000", "D'ici juin 2001")
    ]
    # Changed then put back: nothing changed over the period.
    with at(D(2000, 5, 11)):
        line = ActionLine.objects.get(text="- ligne d'action 2")
        line.timeline = "D'ici 09/2000"
        line.save()
    assert (
        plan_changes(edited_plan, D(2000, 4, 30), D(2000, 5, 31), [ChangeKind.CHANGED]).rows == []
    )


def test_the_page_filters_by_kind_of_change(client, manager_user, edited_plan):
    client.force_login(manager_user)
    response = client.get(
        changes_url(edited_plan, since="2000-01-31", until="2000-04-30", kinds="removed")
    )
    assert [row.kind for row in response.context["changes"].rows] == ["removed"]
    page = html_text(response.content.decode())
    assert "Line removed: 1" in page and 'id="changes-added"' not in page
    assert 'value="removed" id="id_kinds_2" checked' in page


# Statuses, overdue lines and updates: through the one rule of each --------------------------


@pytest.fixture
def reported_plan(manager_user):
    plan = make_plan(lines=0)
    question = plan.parts.get().questions.get()
    done = make_line(question, text="- terminée", due=D(2000, 5, 15))
    late = make_line(question, text="- en retard", due=D(2000, 5, 15))
    old = make_line(question, text="- déjà en retard", due=D(2000, 2, 1))
    drafted = make_line(question, text="- brouillon", due=D(2000, 12, 31))
    for line in (done, late, old, drafted):
        make_update(line, D(2000, 3, 1))
    make_update(question, D(2000, 4, 15), StatusCategory.DELAYED, narrative="Tout est retardé")
    make_update(done, D(2000, 5, 1), StatusCategory.COMPLETED, author=manager_user)
    # Not cleared: counts nowhere, though it is the newest.
    make_update(drafted, D(2000, 6, 20), StatusCategory.COMPLETED, clearance=Clearance.DRAFT)
    return plan


def test_category_changes_newly_overdue_lines_and_updates_entered(reported_plan):
    with translation.override("en"):
        changes = plan_changes(reported_plan, D(2000, 3, 31), D(2000, 6, 30))
    assert [(r.kind, r.line, r.before, r.after, r.when, r.who) for r in changes.rows] == [
        ("status", "- terminée", "In progress", "Completed", D(2000, 5, 1), "maria"),
        # The whole question's update is newer than their own: it is their status.
        ("status", "- en retard", "In progress", "Delayed", D(2000, 4, 15), ""),
        ("status", "- déjà en retard", "In progress", "Delayed", D(2000, 4, 15), ""),
        ("status", "- brouillon", "In progress", "Delayed", D(2000, 4, 15), ""),
        # Due on 15 May and open: overdue on 30 June, not on 31 March. The completed line is
        # not overdue, and the line due in February already was.
        ("overdue", "- en retard", "", D(2000, 5, 15), D(2000, 5, 15), ""),
        # The whole question's update prints with the question, before its lines.
        ("update", "", "", "Delayed: Tout est retardé", D(2000, 4, 15), ""),
        ("update", "- terminée", "", "Completed", D(2000, 5, 1), "maria"),
    ]
    # Nothing moved before the first reports; the draft stays out whatever the period.
    assert plan_changes(reported_plan, D(2000, 6, 30), D(2000, 12, 31)).rows == []


class StatusChangesFollowTheOneRule(TestCase):
    """Whatever the updates, the status and overdue rows are what the rule gives on each date,
    worked out here by hand: the newest cleared update about the line or its question."""

    @settings(max_examples=30, deadline=None)
    @given(
        updates=st.lists(
            st.tuples(
                st.integers(0, 3),  # lines 0-2, or the whole question
                st.integers(0, 12),  # as of: 10 days a step from 1 January 2000
                st.sampled_from(StatusCategory.values),
                st.booleans(),  # cleared, or a draft
            ),
            max_size=10,
        ),
        since=st.integers(0, 11),
        length=st.integers(1, 12),
    )
    def test_rows_match_the_rule(self, updates, since, length):
        def day(step):
            return D(2000, 1, 1) + datetime.timedelta(days=10 * step)

        plan = make_plan(lines=0)
        question = plan.parts.get().questions.get()
        lines = [make_line(question, due=day(n * 4 + 2)) for n in range(3)]
        saved = []
        for target, step, category, cleared in updates:
            about = question if target == 3 else lines[target]
            clearance = Clearance.CLEARED if cleared else Clearance.SUBMITTED
            saved.append(make_update(about, day(step), category, clearance=clearance))
        start, end = day(since), day(since + length)

        def status(line, on):
            return status_by_the_rule(saved, line, on)

        def category(line, on):
            update = status(line, on)
            return update.category if update else ""

        def overdue(line, on):
            return line.due_date < on and category(line, on) not in StatusCategory.closed()

        with translation.override("en"):
            changes = plan_changes(plan, start, end)
            labels = {"": "No status"} | {c: str(StatusCategory(c).label) for c in StatusCategory}
        self.assertEqual(
            [(r.line_id, r.before, r.after) for r in rows_of(changes, ChangeKind.STATUS)],
            [
                (line.pk, labels[category(line, start)], labels[category(line, end)])
                for line in lines
                if category(line, start) != category(line, end)
            ],
        )
        self.assertEqual(
            [r.line_id for r in rows_of(changes, ChangeKind.OVERDUE)],
            [line.pk for line in lines if overdue(line, end) and not overdue(line, start)],
        )
        self.assertEqual(
            len(rows_of(changes, ChangeKind.UPDATE)),
            sum(u.clearance == Clearance.CLEARED and start < u.as_of <= end for u in saved),
        )


# The page: form, permissions, language ---------------------------------------------------


def test_the_form_refuses_what_it_cannot_compare(client, manager_user, reported_plan):
    client.force_login(manager_user)
    errors = {
        "since=2000-06-30&until=2000-03-31": ("since", "The start must be before the end."),
        "since=2000-03-31&until=2000-03-31": ("since", "The start must be before the end."),
        "since=1800-01-01": ("since", "Enter a date between"),
        "since_report=2000-03-31": ("since_report", "Select a valid choice."),
        "until=31/03/2000": ("until", "Enter a valid date."),
        "kinds=everything": ("kinds", "Select a valid choice."),
    }
    for query, (field, message) in errors.items():
        response = client.get(changes_url(reported_plan) + "?" + query)
        assert response.status_code == 200
        assert "changes" not in response.context, query
        assert message in " ".join(response.context["form"].errors[field]), query
        assert f'href="#id_{field}' in response.content.decode(), query  # tied to its field
        xlsx = reverse("reports:plan_changes_xlsx", args=[reported_plan.pk]) + "?" + query
        assert client.get(xlsx).status_code == 400


def test_a_report_and_a_date_on_the_same_side_are_refused(client, manager_user, reported_plan):
    publish(reported_plan, D(2000, 3, 31), manager_user)
    client.force_login(manager_user)
    response = client.get(
        changes_url(reported_plan, since_report="2000-03-31", since="2000-03-01")
    )
    assert response.context["form"].errors == {"since": ["Choose a report or a date, not both."]}


@pytest.mark.usefixtures("frozen_today")
def test_by_default_from_the_latest_report_to_today(client, manager_user, reported_plan):
    """Today is 15 September 2000; the latest published report is as of 30 June."""
    for as_of in (D(2000, 3, 31), D(2000, 6, 30)):
        publish(reported_plan, as_of, manager_user)
    client.force_login(manager_user)
    changes = client.get(changes_url(reported_plan)).context["changes"]
    assert (changes.since, changes.until) == (D(2000, 6, 30), D(2000, 9, 15))
    # Without a report, from the plan's date (5 October 2000, after today: refused).
    plain = make_plan()
    response = client.get(changes_url(plain))
    assert response.context["form"].errors == {"since": ["The start must be before the end."]}


def test_anyone_who_reads_plans_reads_its_changes_and_the_plan_page_links_to_them(
    client, staff_user, reported_plan
):
    url = changes_url(reported_plan)
    assert client.get(url).status_code == 302  # to the sign-in page
    xlsx = reverse("reports:plan_changes_xlsx", args=[reported_plan.pk])
    assert client.get(xlsx).status_code == 302
    client.force_login(staff_user)
    assert client.get(url + "?since=2000-01-01").status_code == 200
    assert url in client.get(reverse("plan_detail", args=[reported_plan.pk])).content.decode()
    staff_user.is_active = False
    staff_user.save()
    assert client.get(url + "?since=2000-01-01").status_code in (302, 403)


def test_the_page_speaks_the_readers_language(client, manager_user, reported_plan):
    client.force_login(manager_user)
    url = changes_url(reported_plan, since="2000-03-31", until="2000-06-30")
    french = html_text(client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode())
    assert "Ce qui a changé dans GB." in french
    assert "État modifié : 4" in french and "En cours → Achevé" in french
    spanish = html_text(client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode())
    assert "Qué cambió en GB." in spanish
    assert "Estado modificado: 4" in spanish


@pytest.mark.parametrize("count", [10, 500])
def test_the_page_takes_a_fixed_number_of_queries(
    client, manager_user, pardev, django_assert_num_queries, count
):
    """Session, user, plan, the form's reports; the lines' history and their questions;
    statuses on each date and their updates; updates entered; the report before the end (for
    the annex link); whether the user may clear (the header's link): the same for 10 lines as
    for 500."""
    client.force_login(manager_user)
    with at(D(2000, 5, 1)):
        plan, _framework = bulk_plan(count, [pardev])
        lines = list(ActionLine.objects.filter(question__part__plan=plan))
        ActionLine.history.bulk_history_create(lines)  # added on 1 May
    url = changes_url(plan, since="2000-04-01", until="2000-12-31")
    with django_assert_num_queries(12):
        response = client.get(url)
    changes = response.context["changes"]
    counts = {kind: n for kind, _label, n in changes.counts()}
    assert counts["added"] == count and counts["status"] > 0 and counts["update"] > 0
    # Shown 200 rows a page, each kind's count a link to its rows alone.
    page = response.content.decode()
    assert page.count('<td lang="fr">') == min(len(changes.rows), 200)
    added = f'href="?since=2000-04-01&amp;until=2000-12-31&amp;kinds=added">Line added: {count}'
    assert added in page


# The XLSX export ------------------------------------------------------------------------


def test_the_xlsx_holds_the_rows_of_the_page_with_formulas_neutralised(
    client, manager_user, reported_plan
):
    question = reported_plan.parts.get().questions.get()
    with at(D(2000, 4, 1)):
        make_line(question, text='=HYPERLINK("http://example.org","clic")', due=None)
    client.force_login(manager_user)
    query = "?since=2000-03-31&until=2000-06-30"
    response = client.get(reverse("reports:plan_changes_xlsx", args=[reported_plan.pk]) + query)
    assert response["Content-Disposition"] == (
        f'attachment; filename="{reported_plan.symbol.lower().replace(".", "").replace("/", "-")}'
        '-changes-2000-03-31-2000-06-30.xlsx"'
    )
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == [
        "Kind of change",
        "Question",
        "Action line",
        "Field",
        "Before",
        "After",
        "When",
        "Who",
    ]
    assert rows[1][:6] == [
        "Line added",
        "1 a)",
        '=HYPERLINK("http://example.org","clic")',
        None,
        None,
        None,
    ]
    assert rows[1][6] == datetime.datetime(2000, 4, 1, 12, 0)  # 10:00 UTC, in Geneva
    formula = sheet.cell(row=2, column=3)
    assert formula.data_type == "s" and formula.quotePrefix
    assert rows[2] == [
        "Status changed",
        "1 a)",
        "- terminée",
        "Status",
        "In progress",
        "Completed",
        datetime.datetime(2000, 5, 1),
        "maria",
    ]
    assert [row[0] for row in rows[1:]] == [
        "Line added",
        # The new line too: its question's update is its status.
        *["Status changed"] * 5,
        "Newly overdue",
        *["Update entered"] * 2,
    ]
    assert rows[7][5] == datetime.datetime(2000, 5, 15)


# The annex section ----------------------------------------------------------------------


@pytest.fixture
def reported_gb279(gb279, manager_user):
    """The GB.279-like plan reported as of 31 August 2000 (published), then one line completed
    on 1 December; its lines are due on 31 March 2001."""
    publish(gb279, AUG_31, manager_user)
    line = ActionLine.objects.filter(question__part__plan=gb279).order_by("pk").first()
    make_update(line, D(2000, 12, 1), StatusCategory.COMPLETED, narrative="Terminé")
    return gb279


def annex_preview(client, plan, **query):
    url = reverse("reports:plan_annex_preview", args=[plan.pk])
    return html_text(
        client.get(url + "?" + "&".join(f"{k}={v}" for k, v in query.items())).content.decode()
    )


def test_the_annex_prints_the_changes_since_the_previous_report_in_the_plans_language(
    client, manager_user, reported_gb279
):
    client.force_login(manager_user)
    without = annex_preview(client, reported_gb279, as_of="2001-06-30")
    assert "Modifications depuis" not in without
    page = annex_preview(client, reported_gb279, as_of="2001-06-30", changes="on")
    assert (
        '<h2 id="annex-changes-title">Modifications depuis le rapport au 31 août 2000</h2>' in page
    )
    assert '<th scope="col">Avant → après</th>' in page
    assert "<td>État modifié</td> <td>1 a)</td>" in page
    assert "État: En cours → Achevé</td>" in page
    # The five other lines fell due on 31 March 2001, still in progress; the line of Part II
    # on 30 September 2000.
    assert page.count("<td>Nouvellement en retard</td>") == 6
    assert "Date d'échéance: 31 mars 2001" in page
    # The annex repeats no update: it prints them itself.
    assert "Mise à jour saisie" not in page


def test_the_annex_pdf_with_and_without_the_section(reported_gb279):
    with_section = pdf_text(write_pdf(plan_annex(reported_gb279, D(2001, 6, 30), changes=True)))
    assert "Modifications depuis le rapport au 31 août 2000" in with_section
    assert "État: En cours → Achevé" in with_section
    without = pdf_text(write_pdf(plan_annex(reported_gb279, D(2001, 6, 30))))
    assert "Modifications depuis" not in without and "Etat 1.2 au 31 août" in without


def test_an_english_plan_prints_it_in_english(client, manager_user, db):
    plan = build_gb279_like(language="en", questions=1)
    publish(plan, AUG_31, manager_user)
    client.force_login(manager_user)
    page = annex_preview(client, plan, as_of="2001-06-30", changes="on", language="fr")
    assert "Changes since the report as of 31 August 2000" in page
    assert page.count("<td>Newly overdue</td>") == 3 + 1


def test_the_section_needs_a_report_before_the_annex(client, manager_user, gb279, tmp_path):
    client.force_login(manager_user)
    url = reverse("reports:plan_annex_pdf", args=[gb279.pk]) + "?as_of=2001-06-30&changes=on"
    response = client.get(url)
    assert response.status_code == 400
    assert "No report was published before this date to compare with." in response.content.decode()
    with pytest.raises(Exception, match="No report was published before"):
        call_command("render_annex", str(gb279.pk), "--changes", "-o", str(tmp_path / "a.pdf"))


def test_render_annex_prints_the_section_on_request(reported_gb279, tmp_path):
    out = tmp_path / "annex.pdf"
    call_command(
        "render_annex",
        "GB.279/TC/2",
        "--as-of",
        "2001-06-30",
        "--changes",
        "-o",
        str(out),
        stdout=io.StringIO(),
    )
    assert "Modifications depuis le rapport au 31 août 2000" in pdf_text(out.read_bytes())


def test_a_background_render_keeps_the_section(
    client, manager_user, reported_gb279, immediate_tasks, django_capture_on_commit_callbacks
):
    client.force_login(manager_user)
    url = reverse("reports:plan_annex_pdf", args=[reported_gb279.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url + "?as_of=2001-06-30&changes=on")
    job = RenderJob.objects.get()
    assert job.params == {"as_of": "2001-06-30", "layout": "", "changes": True}
    assert "Modifications depuis le rapport au 31 août 2000" in pdf_text(job.file.read())


@pytest.mark.browser
def test_on_a_phone_the_form_filters_and_the_page_fits(new_page, manager_user, real_gb279):
    page = new_page(manager_user, "maria-pass-2026")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/plans/{real_gb279.pk}/")
    page.get_by_role("link", name="What changed").click()
    page.get_by_label("or from the date").fill("2000-08-31")
    page.get_by_label("or to the date").fill("1999-11-01")
    page.get_by_role("button", name="Show").click()
    page.get_by_role("link", name="or from the date: The start must be before the end.").click()
    assert page.evaluate("document.activeElement.id") == "id_since"
    page.get_by_label("or from the date").fill("1999-11-01")
    page.get_by_label("or to the date").fill("2000-08-31")
    page.get_by_label("Newly overdue").check()
    page.get_by_role("button", name="Show").click()
    heading = page.get_by_role("heading", name="Newly overdue")
    heading.wait_for()
    assert page.locator("section table tbody tr").count() == len(GB279_NEWLY_OVERDUE)
    assert page.get_by_role("heading", name="Status changed").count() == 0
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
