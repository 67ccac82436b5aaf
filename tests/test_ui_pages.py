"""What a newcomer meets: the status form, publishing, error pages, the favicon, dashboards and
the filter panel."""

import re
from html import unescape

import pytest
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

from measures.models import ReportingRound, StatusCategory, StatusUpdate
from outcomes.models import Framework
from tests.factories import AUG_31, make_plan, make_update
from tests.pages import followed

pytestmark = pytest.mark.usefixtures("frozen_today")


@pytest.fixture
def line(pardev):
    return make_plan(units=[pardev]).parts.get().questions.get().lines.get()


def textarea(page):
    return unescape(re.search(r'<textarea name="narrative"[^>]*>(.*?)</textarea>', page, re.S)[1])


def test_status_form_starts_empty_under_todays_date(client, staff_user, line):
    make_update(line, AUG_31, StatusCategory.DELAYED, narrative="Atelier reporté")
    client.force_login(staff_user)
    page = client.get(f"/lines/{line.pk}/").content.decode()
    form = page.split('<form id="status-form"')[1].split("</form>")[0]
    assert textarea(form).strip() == ""
    assert 'name="as_of" value="2000-09-15"' in form
    assert '<option value="" selected>Choose a status</option>' in form
    assert 'name="copy_last"' in form


@pytest.mark.parametrize("htmx", [False, True])
def test_copy_the_last_text_fills_the_form_and_saves_nothing(client, staff_user, line, htmx):
    make_update(line, AUG_31, StatusCategory.DELAYED, narrative="Atelier reporté")
    client.force_login(staff_user)
    headers = {"HX-Request": "true"} if htmx else {}
    data = {"as_of": "2000-09-14", "category": "", "narrative": "", "about": "line"}
    response = client.post(
        f"/lines/{line.pk}/updates/", data | {"copy_last": "1"}, headers=headers
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert ("<html" in page) is not htmx
    form = page.split('<form id="status-form"')[1].split("</form>")[0]
    assert textarea(form).strip() == "Atelier reporté"
    assert '<option value="delayed" selected>' in form
    assert 'name="as_of" value="2000-09-14"' in form  # the user's date is kept
    assert "Please correct" not in form and "errorlist" not in form
    assert StatusUpdate.objects.count() == 1


def test_copy_the_last_text_keeps_what_was_typed(client, staff_user, line):
    make_update(line, AUG_31, StatusCategory.DELAYED, narrative="Atelier reporté")
    client.force_login(staff_user)
    data = {"as_of": "2000-09-15", "category": "completed", "about": "line"}
    data |= {"narrative": "Tenu le 12 septembre.", "copy_last": "1"}
    form = client.post(f"/lines/{line.pk}/updates/", data).content.decode()
    assert textarea(form).strip() == "Tenu le 12 septembre.\n\nAtelier reporté"
    assert '<option value="completed" selected>' in form


def test_no_copy_action_without_a_last_text(client, staff_user, line):
    client.force_login(staff_user)
    assert 'name="copy_last"' not in client.get(f"/lines/{line.pk}/").content.decode()


def test_publishing_asks_first_saying_what_it_freezes(client, manager_user, line):
    round_ = ReportingRound.objects.create(plan=line.question.part.plan, as_of=AUG_31)
    client.force_login(manager_user)
    url = reverse("round_publish", args=[round_.pk])
    for response in (client.get(url), client.post(url)):  # the plan page's button posts
        page = response.content.decode()
        assert response.status_code == 200
        assert "Publish the round as of Aug. 31, 2000?" in page
        assert "no status update dated on or before Aug. 31, 2000 can be added" in page
        assert "This cannot be undone." in page
        assert 'name="confirm"' in page and 'method="post"' in page
    round_.refresh_from_db()
    assert not round_.is_published
    response = client.post(url, {"confirm": "1"})
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.is_published


def test_staff_cannot_even_see_the_confirmation(client, staff_user, line):
    round_ = ReportingRound.objects.create(plan=line.question.part.plan, as_of=AUG_31)
    client.force_login(staff_user)
    response = client.get(reverse("round_publish", args=[round_.pk]))
    assert response.status_code == 403
    page = response.content.decode()
    assert "You are not allowed to do this" in page
    assert 'class="site-header"' in page and 'href="/"' in page


def test_404_page_has_the_layout_and_a_way_back(client, staff_user):
    client.force_login(staff_user)
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in page and 'class="site-header"' in page
    assert "Go to the start page" in page and 'href="/"' in page


def test_404_page_speaks_the_chosen_language(client, staff_user):
    client.force_login(staff_user)
    client.cookies["django_language"] = "fr"
    assert "Page introuvable" in client.get("/plans/999999/").content.decode()


def test_500_page_renders_with_no_request_context_and_no_database():
    # No `db` fixture: any database access here would raise.
    with translation.override("en"):
        page = render_to_string("500.html")
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    for html in (page, response.content.decode()):
        assert "Something went wrong on our side" in html
        assert 'class="site-header"' in html and 'href="/"' in html
        assert "csrfmiddlewaretoken" not in html  # no form that could only fail


def test_favicon_is_linked_and_served(client, staff_user):
    client.force_login(staff_user)
    url = static("favicon.svg")
    assert (
        f'<link rel="icon" href="{url}" type="image/svg+xml">' in client.get("/").content.decode()
    )
    response = client.get(url)
    assert response.status_code == 200
    assert b"<svg" in b"".join(response.streaming_content)


def test_framework_with_no_linked_line_says_why_and_what_to_do(client, manager_user, admin_user):
    framework = Framework.objects.create(
        code="P&B 2024-25", kind="programme_budget", title="P&B", first_year=2024,
        last_year=2025, language="fr",
    )  # fmt: skip
    url = reverse("framework_dashboard", args=[framework.pk])
    client.force_login(manager_user)
    page = client.get(url).content.decode()
    notice = page.split('id="no-linked-lines"')[1].split("</div>")[0]
    assert "No action line is linked to this framework yet" in notice
    assert (
        f'href="{reverse("measures")}"' in notice and f'href="{reverse("dashboards")}"' in notice
    )
    assert "administration" not in notice.split("<ul>")[1]  # a manager cannot link lines
    assert "<svg" not in page  # no chart of zeros
    client.force_login(admin_user)
    notice = client.get(url).content.decode().split('id="no-linked-lines"')[1]
    assert f'href="{reverse("admin:measures_actionline_changelist")}"' in notice


def test_framework_with_linked_lines_shows_no_such_notice(client, world):  # noqa: F811
    url = reverse("framework_dashboard", args=[world.framework.pk])
    assert 'id="no-linked-lines"' not in client.get(url).content.decode()


@pytest.mark.parametrize("name", ["plan_dashboard", "framework_dashboard"])
def test_dashboards_show_each_figure_once(client, world, name):  # noqa: F811
    pk = world.plan.pk if name == "plan_dashboard" else world.framework.pk
    response = client.get(reverse(name, args=[pk]), {"as_of": "2000-08-31"})
    page = unescape(response.content.decode())
    whole = response.context["dashboard"].whole
    for figure in [whole.total, *whole.deadlines, *whole.statuses]:
        assert page.count(f'href="{figure.url}"') == 1, figure.label
        assert len(followed(client, figure.url)) == figure.number


def test_filter_panel_offers_deadline_not_read_once_and_labels_every_date(client, manager_user):
    client.force_login(manager_user)
    page = client.get(reverse("measures")).content.decode()
    assert page.count("Deadline not read") == 1
    inputs = re.findall(r'<input type="date"[^>]*id="([^"]+)"', page)
    assert len(inputs) == 3  # as of, due from, due to
    for input_id in inputs:
        assert f'<label for="{input_id}"' in page, input_id
    # The one "not read" checkbox still filters, as do old links with kind=unread.
    assert client.get(reverse("measures"), {"kind": "unread"}).context["filter"].is_valid()


def test_navigation_speaks_each_visitors_language(client, staff_user):
    """The navigation is written once per language (base.html's `{% cache %}`): each page
    still shows it in the language of the person asking."""
    client.force_login(staff_user)
    for language, words in [("en", "My measures"), ("fr", "Mes mesures"), ("es", "Mis medidas")]:
        client.cookies["django_language"] = language
        page = client.get("/profile/").content.decode()
        assert f'<a href="/">{words}</a>' in page, language
    client.cookies["django_language"] = "en"
    assert '<a href="/">My measures</a>' in client.get("/profile/").content.decode()
