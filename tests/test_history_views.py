"""The change history of a plan and of a line: who, when, how and each field before → after."""

import itertools

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from ilo_tracker.audit import Source, bulk_update_with_history, recorded
from measures.history import history_page, records_of_line
from measures.models import ActionLine

from .factories import make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(pardev, manager_user):
    plan = make_plan(parts=1, questions=1, lines=2, units=[pardev])
    with recorded(Source.FORM, user=manager_user):
        line = ActionLine.objects.filter(question__part__plan=plan).first()
        line.text = "<b>Texte revu</b>"
        line.save()
    return plan


def test_a_manager_reads_who_changed_what_how_and_the_values_before_and_after(
    client, manager_user, plan
):
    client.force_login(manager_user)
    page = client.get(reverse("plan_history", args=[plan.pk])).content.decode()
    assert "Change history of GB." in page
    assert (
        '<li><strong>Text:</strong> <span lang="fr">- ligne d&#x27;action 1</span> → '
        '<span lang="fr">&lt;b&gt;Texte revu&lt;/b&gt;</span></li>'
    ) in page
    assert "<td>maria</td>" in page and "<td>Form in the app</td>" in page
    assert "Created: action line" in page and "Changed: action line" in page
    assert (
        reverse("plan_history", args=[plan.pk])
        in client.get(reverse("plan_detail", args=[plan.pk])).content.decode()
    )


def test_the_plan_history_is_for_managers_only(client, staff_user, plan):
    url = reverse("plan_history", args=[plan.pk])
    assert client.get(url).status_code == 302  # to the sign-in page
    client.force_login(staff_user)
    assert client.get(url).status_code == 403
    assert url not in client.get(reverse("plan_detail", args=[plan.pk])).content.decode()


def test_a_line_history_is_read_by_its_units_staff_and_managers(
    client, staff_user, other_staff_user, manager_user, plan
):
    line = ActionLine.objects.filter(question__part__plan=plan).first()
    url = reverse("line_history", args=[line.pk])
    client.force_login(other_staff_user)
    assert client.get(url).status_code == 403
    assert url not in client.get(reverse("line_detail", args=[line.pk])).content.decode()
    for user in (staff_user, manager_user):
        client.force_login(user)
        assert url in client.get(reverse("line_detail", args=[line.pk])).content.decode()
        page = client.get(url).content.decode()
        assert "Change history of the action line" in page and "Texte revu" in page
        # Only this line's changes.
        assert "ligne d&#x27;action 2" not in page


def test_the_history_speaks_french(client, manager_user, plan):
    client.force_login(manager_user)
    page = client.get(
        reverse("plan_history", args=[plan.pk]), HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert "Historique des modifications de GB." in page
    assert "Formulaire de l’application" in page
    assert "<strong>Texte :</strong>" in page or "<strong>Texte:</strong>" in page


def test_bad_page_numbers_show_a_page(client, manager_user, plan):
    client.force_login(manager_user)
    url = reverse("plan_history", args=[plan.pk])
    for page in ("", "x", "-1", "999999", "1" * 40):
        assert client.get(url, {"page": page}).status_code == 200


# Expected queries: session, user, manager check, plan, count, page of keys; then per kind on
# the page its rows and their previous rows, its links and the names shown: the plan (2), the
# part (2, + plans), the question (2, + parts, outputs), the lines (2, + questions, units,
# unit names, outputs); the navigation's "does the user clear updates".
PLAN_HISTORY_QUERIES = 6 + 2 + 3 + 4 + 6 + 1


@pytest.mark.parametrize("lines", [1, 166])
def test_the_plan_history_runs_the_same_queries_whatever_its_length(
    client, manager_user, pardev, django_assert_num_queries, lines
):
    """13 history rows or 1,003: each line has three (created, given its unit, edited)."""
    plan = make_plan(parts=1, questions=2, lines=lines, units=[pardev], bulk=True)
    with recorded(Source.FORM, user=manager_user):
        edited = list(ActionLine.objects.filter(question__part__plan=plan))
        for line in edited:
            line.text += " (revu)"
        bulk_update_with_history(ActionLine, edited, ["text"])
        for row in (plan, plan.parts.get(), plan.parts.get().questions.first()):
            row.title += " (revu)"
            row.save()
    client.force_login(manager_user)
    with django_assert_num_queries(PLAN_HISTORY_QUERIES):
        response = client.get(reverse("plan_history", args=[plan.pk]))
    assert response.status_code == 200
    rows = 2 + 2 + 3 + 2 * lines * 3
    assert response.context["page"].paginator.count == rows
    assert len(response.context["page"].object_list) == min(rows, 50)


class EveryChangeReadsBeforeAndAfter(TestCase):
    texts = st.text(
        st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30
    ).filter(str.strip)

    @settings(max_examples=25, deadline=None)
    @given(st.lists(texts, min_size=1, max_size=8))
    def test_each_edit_shows_the_value_before_and_the_value_after(self, texts):
        line = make_plan().parts.get().questions.get().lines.get()
        values = [line.text]
        for text in texts:
            line.text = text
            line.save()
            values.append(text)
        entries = history_page(records_of_line(line), 1).object_list
        shown = [
            (change.old, change.new)
            for entry in reversed(entries[:-1])  # newest first; the oldest is the creation
            for change in entry.changes
            if change.field == "text"
        ]
        expected = itertools.pairwise(values)
        assert shown == [(old, new) for old, new in expected if old != new]
