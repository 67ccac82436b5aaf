"""The clearance pages as their users see them: the status form's two buttons, drafts on the
line page, the page of updates awaiting clearance, the plan page's notice (issue 14)."""

import re

import pytest
from django.utils import timezone

from measures.models import Clearance, StatusUpdate
from tests.factories import AUG_31, TODAY, bulk_plan, make_plan, make_update


@pytest.fixture
def line(pardev):
    plan = make_plan(units=[pardev], requires_clearance=True)
    return plan.parts.get().questions.get().lines.get()


def post_status(client, line, narrative, **extra):
    data = {"as_of": AUG_31.isoformat(), "category": "in_progress", "about": "line"}
    data |= {"narrative": narrative, "seen_update": "", **extra}
    return client.post(f"/lines/{line.pk}/updates/", data, follow=True)


def submitted(line, author, narrative="Soumis"):
    return make_update(
        line,
        AUG_31,
        narrative=narrative,
        author=author,
        clearance=Clearance.SUBMITTED,
        submitted_at=timezone.now(),
    )


def test_the_status_form_saves_a_draft_only_its_author_sees(
    frozen_today, client, line, staff_user, focal_point
):
    client.force_login(staff_user)
    page = post_status(client, line, "Mon brouillon", save_draft="1").content.decode()
    assert "Draft saved: only you see it until you submit it." in page
    assert "Mon brouillon" in page and "Draft: only you see it" in page
    assert "Edit the draft" in page and "Delete the draft" in page
    client.force_login(focal_point)
    assert "Mon brouillon" not in client.get(f"/lines/{line.pk}/").content.decode()


def test_a_draft_is_edited_then_submitted_from_its_page(frozen_today, client, line, staff_user):
    client.force_login(staff_user)
    post_status(client, line, "Premier jet", save_draft="1")
    draft = StatusUpdate.objects.get()
    form = client.get(f"/updates/{draft.pk}/edit/").content.decode()
    assert "Premier jet" in form
    seen = draft.pk
    data = {"as_of": AUG_31.isoformat(), "category": "delayed", "about": "line"}
    data |= {"narrative": "Version revue", "seen_update": seen}
    page = client.post(f"/updates/{draft.pk}/edit/", data, follow=True).content.decode()
    assert "Submitted for clearance: it counts once it is cleared." in page
    draft.refresh_from_db()
    assert (draft.narrative, draft.clearance) == ("Version revue", Clearance.SUBMITTED)
    assert "Awaiting clearance" in page
    assert client.get(f"/updates/{draft.pk}/edit/").url == f"/lines/{line.pk}/"  # no draft now


def test_a_returned_update_shows_the_comment_to_its_author(
    frozen_today, client, line, staff_user, focal_point
):
    update = submitted(line, staff_user)
    client.force_login(focal_point)
    data = {f"return-{update.pk}-comment": "Ajoutez les chiffres de 2000."}
    client.post(f"/updates/{update.pk}/return/", data)
    client.force_login(staff_user)
    page = client.get(f"/lines/{line.pk}/").content.decode()
    assert "Returned by fiona:" in page and "Ajoutez les chiffres de 2000." in page
    assert "Save a new update with the corrections and submit it." in page


def test_returning_without_a_comment_says_so_at_the_field(
    frozen_today, client, line, staff_user, focal_point
):
    update = submitted(line, staff_user)
    client.force_login(focal_point)
    response = client.post(f"/updates/{update.pk}/return/", {})
    assert response.status_code == 400
    page = response.content.decode()
    field = f"id_return-{update.pk}-comment"
    assert f'for="{field}"' in page and f'{field}_error"' in page  # aria-describedby
    assert "This field is required." in page
    assert StatusUpdate.objects.get().clearance == Clearance.SUBMITTED


def test_the_clearance_page_filters_by_plan_and_clears_a_batch(
    frozen_today, client, line, pardev, staff_user, focal_point
):
    other_plan = make_plan(units=[pardev], requires_clearance=True)
    other_line = other_plan.parts.get().questions.get().lines.get()
    here = [submitted(line, staff_user, "Ici un"), submitted(line, staff_user, "Ici deux")]
    there = submitted(other_line, staff_user, "Là-bas")
    plan = line.question.part.plan
    client.force_login(focal_point)
    page = client.get(f"/clearance/?plan={plan.pk}").content.decode()
    assert "Ici un" in page and "Ici deux" in page and "Là-bas" not in page
    data = {"updates": [u.pk for u in here], "plan": plan.pk}
    response = client.post("/clearance/batch/", data, follow=True)
    assert response.redirect_chain[-1][0] == f"/clearance/?plan={plan.pk}"
    assert "2 updates cleared." in response.content.decode()
    cleared = StatusUpdate.objects.cleared()
    assert set(cleared.values_list("pk", "reviewed_by")) == {(u.pk, focal_point.pk) for u in here}
    there.refresh_from_db()
    assert there.clearance == Clearance.SUBMITTED


def test_clearing_nothing_ticked_ties_the_message_to_the_boxes(
    frozen_today, client, line, staff_user, focal_point
):
    submitted(line, staff_user, "Un"), submitted(line, staff_user, "Deux")
    client.force_login(focal_point)
    page = client.post("/clearance/batch/", {}).content.decode()
    assert '<p class="message error" role="alert" id="batch-errors">Tick the updates' in page
    boxes = re.findall(r'<input type="checkbox" name="updates"[^>]*>', page)
    assert len(boxes) == 2
    assert all('aria-describedby="batch-errors"' in box for box in boxes)
    assert ["autofocus" in box for box in boxes] == [True, False]


def test_a_decision_taken_meanwhile_is_said_not_answered_not_found(
    frozen_today, client, line, staff_user, focal_point, manager_user
):
    """Two reviewers, or two tabs: the second click gets the app's message, nothing changes."""
    first, second = submitted(line, staff_user, "Un"), submitted(line, staff_user, "Deux")
    client.force_login(focal_point)
    client.post(f"/updates/{first.pk}/clear/")
    client.force_login(manager_user)
    meanwhile = "1 update no longer awaits clearance: someone decided it meanwhile."
    for url, data in [
        (f"/updates/{first.pk}/clear/", {}),
        (f"/updates/{first.pk}/return/", {f"return-{first.pk}-comment": "Trop tard"}),
        ("/clearance/batch/", {"updates": [first.pk, second.pk]}),
    ]:
        page = client.post(url, data, follow=True).content.decode()
        assert meanwhile in page, url
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.reviewed_by, first.clearance) == (focal_point, Clearance.CLEARED)
    assert second.clearance == Clearance.SUBMITTED  # a batch is all or nothing


def test_a_draft_submitted_twice_or_deleted_once_submitted_is_said(
    frozen_today, client, line, staff_user
):
    client.force_login(staff_user)
    post_status(client, line, "Premier jet", save_draft="1")
    draft = StatusUpdate.objects.get()
    for _ in range(2):  # a double click
        page = client.post(f"/updates/{draft.pk}/submit/", follow=True).content.decode()
        assert "Submitted for clearance: it counts once it is cleared." in page
    page = client.post(f"/updates/{draft.pk}/delete/", follow=True).content.decode()
    assert "This update is no longer a draft: it cannot be deleted." in page
    assert StatusUpdate.objects.get().clearance == Clearance.SUBMITTED


def test_a_draft_edited_after_it_was_submitted_from_another_tab_keeps_the_text(
    frozen_today, client, line, staff_user
):
    client.force_login(staff_user)
    post_status(client, line, "Premier jet", save_draft="1")
    draft = StatusUpdate.objects.get()
    client.post(f"/updates/{draft.pk}/submit/")  # from the line page, in another tab
    data = {"as_of": AUG_31.isoformat(), "category": "in_progress", "about": "line"}
    data |= {"narrative": "Deuxième jet, plus long", "seen_update": "", "save_draft": "1"}
    response = client.post(f"/updates/{draft.pk}/edit/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "This update is no longer a draft: it cannot be changed." in page
    assert "Deuxième jet, plus long" in page
    assert StatusUpdate.objects.get().narrative == "Premier jet"
    page = client.get(f"/updates/{draft.pk}/edit/", follow=True).content.decode()
    assert "This update is no longer a draft: it cannot be changed." in page


def test_someone_elses_draft_stays_not_found_for_reviewers(
    frozen_today, client, line, staff_user, manager_user
):
    draft = make_update(line, AUG_31, author=staff_user, clearance=Clearance.DRAFT)
    client.force_login(manager_user)
    assert client.post(f"/updates/{draft.pk}/clear/").status_code == 404
    assert client.post("/clearance/batch/", {"updates": [draft.pk]}).status_code == 400
    assert client.post(f"/updates/{draft.pk}/submit/").status_code == 404


def test_the_plan_page_counts_what_awaits_the_users_clearance(
    frozen_today, client, line, staff_user, focal_point, other_staff_user
):
    submitted(line, staff_user, "Un")
    submitted(line, staff_user, "Deux")
    plan = line.question.part.plan
    client.force_login(focal_point)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "2 status updates await your clearance." in page
    assert f'href="/clearance/?plan={plan.pk}"' in page
    assert 'href="/clearance/">Awaiting clearance</a>' in page  # the navigation's link
    client.force_login(other_staff_user)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "await your clearance" not in page and "/clearance/" not in page


def test_the_line_page_names_who_cleared(frozen_today, client, line, staff_user, focal_point):
    update = submitted(line, staff_user)
    client.force_login(focal_point)
    client.post(f"/updates/{update.pk}/clear/")
    page = client.get(f"/lines/{line.pk}/").content.decode()
    assert "cleared by fiona" in page and "Awaiting clearance</span>" not in page


# Session, user, may the user clear (page and navigation: 2), the plans to filter by, the count
# of updates awaiting, the page of them with their lines, questions, plans and authors.
CLEARANCE_PAGE_QUERIES = 7


@pytest.mark.parametrize("count", [10, 200])
def test_the_clearance_page_runs_a_fixed_number_of_queries(
    frozen_today,
    client,
    pardev,
    staff_user,
    focal_point,
    count,
    django_assert_num_queries,
):
    plan, _ = bulk_plan(count, [pardev])
    plan.requires_clearance = True
    plan.save()
    lines = list(plan.parts.first().questions.first().lines.all())
    now = timezone.now()
    StatusUpdate.objects.bulk_create(
        StatusUpdate(
            action_line=lines[n % len(lines)],
            as_of=TODAY,
            narrative=f"attente {n}",
            author=staff_user,
            clearance=Clearance.SUBMITTED,
            submitted_at=now,
        )
        for n in range(count)
    )
    client.force_login(focal_point)
    with django_assert_num_queries(CLEARANCE_PAGE_QUERIES):
        page = client.get("/clearance/")
    shown = page.content.decode().count('name="updates"')
    assert shown == min(count, 100)


def test_a_whole_question_update_is_listed_and_cleared_like_a_lines(
    frozen_today, client, line, staff_user, focal_point
):
    """Submitted through the status form "about the whole question", it is listed with its
    question's code and the "whole question" mark, and cleared from the page."""
    client.force_login(staff_user)
    post_status(client, line, "Pour toute la question", about="question")
    update = StatusUpdate.objects.get(narrative="Pour toute la question")
    assert (update.question, update.clearance) == (line.question, Clearance.SUBMITTED)
    client.force_login(focal_point)
    page = client.get("/clearance/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Pour toute la question" in html and "whole question" in html
    assert line.question.code in html
    client.post(f"/updates/{update.pk}/clear/", follow=True)
    update.refresh_from_db()
    assert (update.clearance, update.reviewed_by) == (Clearance.CLEARED, focal_point)
