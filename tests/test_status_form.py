"""Adding a status update: plain form, htmx, field errors, conflicts and published rounds."""

import datetime
import re

import pytest

from measures.models import ReportingRound, StatusCategory, StatusUpdate
from tests.factories import AUG_31, TODAY, make_line, make_update
from tests.pages import post

pytestmark = pytest.mark.usefixtures("frozen_today")


def test_plain_form_saves_and_returns_to_the_line_with_paragraphs_kept(alice, line, staff_user):
    response = post(alice, line, narrative="Premier paragraphe.\r\n\r\nSecond paragraphe.")
    assert response.status_code == 302 and response.url == f"/lines/{line.pk}/"
    update = StatusUpdate.objects.get()
    assert (update.action_line, update.author, update.as_of) == (line, staff_user, TODAY)
    assert update.narrative == "Premier paragraphe.\n\nSecond paragraphe."
    page = alice.get(response.url).content.decode()
    assert "Status saved." in page
    assert '<div class="narrative">Premier paragraphe.\n\nSecond paragraphe.</div>' in page


def test_htmx_save_returns_the_form_the_new_badge_and_the_history_out_of_band(alice, line):
    make_update(line, AUG_31, StatusCategory.NOT_STARTED)
    seen = StatusUpdate.objects.get().pk
    response = post(alice, line, htmx=True, category="completed", seen_update=seen)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page  # a fragment, not the whole page
    assert page.lstrip().startswith('<form id="status-form"')
    badge = page.split('<span id="line-status" hx-swap-oob="true">')[1].split("</span>")[0]
    assert "Completed" in badge
    history = page.split('<section id="history"')[1]
    assert history.count('<article class="update">') == 2
    assert "Status saved." in page


def test_after_an_htmx_save_the_form_is_ready_for_the_next_update_on_the_same_date(alice, line):
    page = post(alice, line, htmx=True, as_of="2000-08-31", narrative="Atelier tenu").content
    page = page.decode().split("</form>")[0]
    saved = StatusUpdate.objects.get()
    assert "Status saved." in page
    assert "Atelier tenu" not in page  # the words went to the history, not back into the form
    assert re.search(r'<textarea name="narrative"[^>]*>\s*</textarea>', page)
    assert 'name="as_of" value="2000-08-31"' in page
    assert '<option value="in_progress" selected>' in page
    assert f'name="seen_update" value="{saved.pk}"' in page


@pytest.mark.parametrize("htmx", [False, True])
def test_the_same_form_sent_twice_saves_one_update(alice, line, htmx):
    """A double click, or a click again on the page shown after saving, adds no copy."""
    first = post(alice, line, htmx=htmx, narrative="Atelier tenu", seen_update="")
    again = post(alice, line, htmx=htmx, narrative="Atelier tenu", seen_update="")
    assert first.status_code == again.status_code == (200 if htmx else 302)
    assert "Someone else" not in again.content.decode()
    saved = StatusUpdate.objects.get()
    assert post(alice, line, narrative="Atelier tenu", seen_update=saved.pk).status_code == 302
    assert StatusUpdate.objects.count() == 1
    # Other words, or the same words on another date, are a new update.
    post(alice, line, narrative="Atelier tenu", as_of="2000-09-01", seen_update=saved.pk)
    assert StatusUpdate.objects.count() == 2


def test_errors_are_summarised_on_top_and_focus_goes_to_the_first_field_in_error(alice, line):
    page = post(alice, line, as_of="31/31/2000", category="").content.decode()
    summary = page.split('<div class="error-summary" role="alert">')[1].split("</div>")[0]
    assert '<a href="#id_as_of">As of: Enter a valid date.</a>' in summary
    assert '<a href="#id_category">Status: This field is required.</a>' in summary
    focused = re.findall(r"<(?:input|select|textarea)[^>]*\bautofocus\b[^>]*>", page)
    assert len(focused) == 1 and 'id="id_as_of"' in focused[0]
    # An error found when saving (a date in the future) is focused in the same way.
    page = post(alice, line, htmx=True, as_of="2099-01-01").content.decode()
    focused = re.findall(r"<(?:input|select|textarea)[^>]*\bautofocus\b[^>]*>", page)
    assert len(focused) == 1 and 'id="id_as_of"' in focused[0]
    assert '<a href="#id_as_of">As of: The as-of date cannot be in the future.</a>' in page


def test_errors_are_shown_next_to_their_field_and_the_text_is_kept(alice, line):
    response = post(alice, line, as_of="2000-09-16", narrative="Mon texte")
    page = response.content.decode()
    assert response.status_code == 200
    assert StatusUpdate.objects.count() == 0
    assert '<ul class="errorlist" id="id_as_of_error">' in page
    assert "The as-of date cannot be in the future." in page
    assert 'aria-describedby="id_as_of_error"' in page
    assert "Mon texte</textarea>" in page


def test_htmx_errors_come_back_in_the_form_fragment(alice, line):
    response = post(alice, line, htmx=True, category="", narrative="Mon texte")
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page
    assert 'id="id_category_error"' in page and "Mon texte</textarea>" in page


def test_an_update_that_arrived_meanwhile_is_shown_and_the_users_text_kept(
    alice, line, manager_user
):
    seen = make_update(line, AUG_31).pk
    make_update(line, TODAY, StatusCategory.DELAYED, narrative="Retard", author=manager_user)
    response = post(alice, line, category="completed", narrative="Tout est fini", seen_update=seen)
    page = response.content.decode()
    assert StatusUpdate.objects.count() == 2  # nothing saved
    conflict = page.split('class="conflict"')[1].split("</div>\n")[0]
    assert "Retard" in conflict and "maria" in conflict
    assert "Tout est fini</textarea>" in page
    assert '<option value="completed" selected>' in page
    newest = StatusUpdate.objects.latest("pk").pk
    assert f'name="seen_update" value="{newest}"' in page
    # Having read it, the user saves again and this time it goes through.
    assert post(alice, line, narrative="Tout est fini", seen_update=newest).status_code == 302
    assert StatusUpdate.objects.count() == 3


def test_an_update_about_the_question_also_counts_as_a_conflict(alice, line):
    seen = make_update(line, AUG_31).pk
    make_update(line.question, TODAY, narrative="Pour toute la question")
    page = post(alice, line, seen_update=seen).content.decode()
    assert "Pour toute la question" in page.split('class="conflict"')[1]
    assert StatusUpdate.objects.count() == 2


def test_a_form_opened_before_any_update_conflicts_with_the_first_one(alice, line):
    make_update(line, AUG_31, narrative="Premier")
    response = post(alice, line, seen_update="")
    assert response.status_code == 200 and "Premier" in response.content.decode()


def test_an_update_about_the_whole_question_needs_all_its_lines(alice, line, program_unit):
    response = post(alice, line, about="question")
    assert response.status_code == 302
    update = StatusUpdate.objects.get()
    assert update.question == line.question and update.action_line is None
    make_line(line.question, units=[program_unit])
    response = post(alice, line, about="question", seen_update=update.pk)
    assert "Select a valid choice" in response.content.decode()
    assert StatusUpdate.objects.count() == 1


def test_published_round_refuses_updates_on_or_before_its_date(client, alice, line, manager_user):
    plan = line.question.part.plan
    round_ = ReportingRound.objects.create(plan=plan, as_of=AUG_31)
    client.force_login(manager_user)
    assert client.post(f"/rounds/{round_.pk}/publish/", {"confirm": "1"}).status_code == 302
    round_.refresh_from_db()
    assert round_.is_published and round_.published_by == manager_user
    page = post(client, line, as_of="2000-08-31").content.decode()
    assert "The round as of Aug. 31, 2000 has been published: choose a later date." in page
    assert 'id="id_as_of_error"' in page
    assert post(client, line, as_of="2000-08-30").status_code == 200
    assert StatusUpdate.objects.count() == 0
    assert post(client, line, as_of="2000-09-01").status_code == 302


def test_manager_adds_a_round_then_publishes_it_once(client, line, manager_user):
    plan = line.question.part.plan
    client.force_login(manager_user)
    response = client.post(f"/plans/{plan.pk}/rounds/", {"as_of": "2000-08-31"})
    assert response.status_code == 302
    round_ = ReportingRound.objects.get()
    assert not round_.is_published
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "Publish the round as of Aug. 31, 2000" in page
    client.post(f"/rounds/{round_.pk}/publish/", {"confirm": "1"})
    response = client.post(f"/rounds/{round_.pk}/publish/", {"confirm": "1"}, follow=True)
    assert "This round is already published." in response.content.decode()
    assert "Published on" in response.content.decode()


def test_same_round_twice_is_refused_next_to_the_date(client, line, manager_user):
    plan = line.question.part.plan
    ReportingRound.objects.create(plan=plan, as_of=AUG_31)
    client.force_login(manager_user)
    response = client.post(f"/plans/{plan.pk}/rounds/", {"as_of": "2000-08-31"})
    assert response.status_code == 200
    assert "already exists" in str(response.context["round_form"].errors)
    assert ReportingRound.objects.count() == 1


def test_a_round_cannot_be_published_before_its_date(client, line, manager_user):
    round_ = ReportingRound.objects.create(
        plan=line.question.part.plan, as_of=datetime.date(2000, 9, 30)
    )
    client.force_login(manager_user)
    response = client.post(f"/rounds/{round_.pk}/publish/", {"confirm": "1"}, follow=True)
    assert "A round cannot be published before its as-of date." in response.content.decode()
    round_.refresh_from_db()
    assert not round_.is_published
