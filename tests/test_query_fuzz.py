"""Every page a manager can open, with odd query strings: a form's message, never a 500."""

import datetime
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.models import ApiToken
from measures.models import ActionLine, ReportingRound
from reports.models import RenderJob
from tests.factories import build_world, make_update
from tests.results_factories import make_framework

# Every query parameter a page of the app reads (the measures filters, the annex, tables2).
PARAMETERS = [
    "as_of", "q", "plan", "part", "code", "unit", "status", "kind", "due_after", "due_before",
    "overdue", "due_within", "not_read", "framework", "outcome", "output", "layout", "sort",
    "page", "per_page", "next", "since", "until", "since_report", "until_report", "kinds",
    "changes",
]  # fmt: skip
ODD_VALUES = [
    "", " ", "0", "-1", "1.5", "1e309", "NaN", "99999999999999999999", "-99999999999999999999",
    "9999-12-31", "0001-01-01", "2000-02-30", "31/12/2000", "nope", "x" * 5000, "%00",
    "\x00", "é", "2000-08-31", "2000-08-31T00:00", "true", "on",
]  # fmt: skip
DATES = ["", "9999-12-31", "0001-01-01", "1918-12-31", "2101-01-01", "-1", "nope", "x" * 5000]


def app_urls(patterns=None, prefix=""):
    """(route, view name) of every URL of the app, the admin and the auth views left out."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if not route.startswith(("admin/", "accounts/", "i18n/")):
                yield from app_urls(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            name = f"{entry.pattern.name or ''}"
            yield route, name


@pytest.fixture
def world(client, manager_user, pardev, program_unit, monkeypatch):
    """The table tests' plans and a framework, ids filled in every URL; a manager signed in.

    PDFs are laid out by a stand-in: layout is tested elsewhere, and every parameter is read
    (and refused) before it, where the HTML preview reads them too.
    """
    monkeypatch.setattr("reports.views.write_pdf", lambda document, **kw: b"%PDF-stand-in")
    build_world(pardev, program_unit)
    line = ActionLine.objects.first()
    update = make_update(line, datetime.date(2000, 8, 31))
    client.force_login(manager_user)
    plan = line.question.part.plan
    framework = make_framework()
    ids = {
        "indicator_id": framework.outcomes.get().indicators.get().pk,
        "token_id": ApiToken.objects.create(user=manager_user, name="fuzz", digest="x" * 64).pk,
        "plan_id": plan.pk,
        "line_id": line.pk,
        "update_id": update.pk,
        "round_id": ReportingRound.objects.create(plan=plan, as_of="2000-08-31").pk,
        "framework_id": framework.pk,
        "job_id": RenderJob.objects.create(
            requested_by=manager_user, kind="annex", object_id=plan.pk, title="x"
        ).pk,
    }
    urls = []
    for route, _name in app_urls():
        if "<int:pk>" in route:
            key = "framework_id" if route.startswith("frameworks/") else "plan_id"
            route = route.replace("<int:pk>", str(ids[key]))
        for key, value in ids.items():
            # The API's routes name their ids without a converter.
            route = route.replace(f"<int:{key}>", str(value)).replace(f"<{key}>", str(value))
        assert "<" not in route, f"no id for {route}"
        urls.append("/" + route)
    return urls


def test_the_walk_covers_every_page_of_the_issue(world):
    for path in ["/measures/", "/measures/export.xlsx", "/measures/export.csv",
                 "/measures/report.pdf", "/dashboards/", "/frameworks/"]:  # fmt: skip
        assert path in world
    assert any(u.endswith("/annex.pdf") for u in world)
    assert any(u.startswith("/plans/") and u.endswith("/dashboard/") for u in world)
    assert any(u.startswith("/frameworks/") and u.count("/") == 3 for u in world)


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    query=st.dictionaries(
        st.sampled_from(PARAMETERS),
        st.sampled_from(ODD_VALUES) | st.text(max_size=12),
        max_size=4,
    )
)
def test_no_page_answers_500_to_odd_parameters(client, world, query):
    for url in world:
        response = client.get(url, query)
        assert response.status_code < 500, (url, query)


@pytest.mark.parametrize("as_of", DATES)
def test_an_empty_or_out_of_range_date_gets_the_forms_message(client, world, as_of):
    pages = [
        u
        for u in world
        if u.endswith(("/measures/", "/dashboard/"))
        or (u.startswith("/frameworks/") and u.endswith("/") and u.count("/") == 3)
    ]
    for url in pages:
        response = client.get(url, {"as_of": as_of})
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "Enter a date" in page or "Enter a valid date" in page, url
        # The keyboard lands on the field to mend, as on every form of the app.
        assert re.search(r'<input[^>]*name="as_of"[^>]*autofocus', page), url
    for url in [u for u in world if u.endswith(("export.xlsx", "export.csv", ".pdf", ".html"))]:
        if "/renders/" in url or "results" in url:
            continue  # no date to read
        response = client.get(url, {"as_of": as_of})
        if as_of == "" and "/annex." in url:
            assert response.status_code == 200  # the annex's default: the latest report
            continue
        assert response.status_code == 400, url
        assert "as_of: Enter a" in response.content.decode(), url


def test_the_plan_page_shows_the_message_and_todays_statuses(client, world):
    plan_url = next(u for u in world if u.startswith("/plans/") and u.count("/") == 3)
    page = client.get(plan_url, {"as_of": "9999-12-31"}).content.decode()
    assert "Enter a date between Jan. 1, 1919 and Dec. 31, 2100." in page


@pytest.mark.parametrize("sort", ["status", "-status", "last_update", "-last_update", "due_date"])
def test_a_sort_with_invalid_filters_gets_the_forms_message(client, world, sort):
    for filters in [{"plan": "99"}, {"as_of": ""}, {"due_within": "-1"}]:
        query = {**filters, "sort": sort}
        assert "errorlist" in client.get("/measures/", query).content.decode(), query
        for export in ["/measures/export.csv", "/measures/export.xlsx"]:
            assert client.get(export, query).status_code == 400, (export, query)
