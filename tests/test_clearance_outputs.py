"""Only cleared updates reach an output: one test per output, each failing if a draft, a
submitted or a returned update leaks into it (issue 14)."""

import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from measures.models import Clearance, StatusCategory, StatusUpdate
from tests.factories import AUG_31, DAY, TODAY, make_plan, make_update

CLEARED = "Texte validé par le point focal"
# Each newer than the cleared update: it would be the line's status if it counted.
PENDING = {
    "draft": "Brouillon que seul son auteur voit",
    "submitted": "Soumis, en attente de validation",
    "returned": "Renvoyé pour correction",
    "question submitted": "Question entière soumise",
}
DAY_PARAM = f"as_of={TODAY:%Y-%m-%d}"


@pytest.fixture
def plan(frozen_today, client, pardev, staff_user, manager_user):
    """A plan with one cleared update and, newer, every kind of update that must not count.

    The manager is signed in: they may see every pending update, so nothing hides them but
    the rule under test."""
    plan = make_plan(symbol="GB.300/TC/1", units=[pardev], requires_clearance=True)
    line = plan.parts.get().questions.get().lines.get()
    make_update(line, AUG_31 - 10 * DAY, StatusCategory.IN_PROGRESS, narrative=CLEARED)
    now = timezone.now()
    pending = {"author": staff_user, "submitted_at": now}
    make_update(
        line,
        AUG_31,
        StatusCategory.DELAYED,
        narrative=PENDING["draft"],
        author=staff_user,
        clearance=Clearance.DRAFT,
    )
    make_update(
        line,
        AUG_31,
        StatusCategory.DELAYED,
        narrative=PENDING["submitted"],
        clearance=Clearance.SUBMITTED,
        **pending,
    )
    make_update(
        line,
        AUG_31,
        StatusCategory.DELAYED,
        narrative=PENDING["returned"],
        clearance=Clearance.RETURNED,
        reviewed_by=manager_user,
        reviewed_at=now,
        review_comment="Non",
        **pending,
    )
    make_update(
        line.question,
        AUG_31,
        StatusCategory.DELAYED,
        narrative=PENDING["question submitted"],
        clearance=Clearance.SUBMITTED,
        **pending,
    )
    client.force_login(manager_user)
    return plan


def annex_html(client, plan):
    return client.get(f"/plans/{plan.pk}/annex.html?{DAY_PARAM}").content.decode()


def word_annex(client, plan):
    content = client.get(f"/plans/{plan.pk}/annex.docx?{DAY_PARAM}").getvalue()
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs) + "\n".join(
        cell.text
        for table in Document(io.BytesIO(content)).tables
        for row in table.rows
        for cell in row.cells
    )


def measures_xlsx(client, plan):
    response = client.get(f"/measures/export.xlsx?plan={plan.pk}&{DAY_PARAM}")
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    return "\n".join(str(cell.value) for row in sheet.iter_rows() for cell in row)


def measures_csv(client, plan):
    response = client.get(f"/measures/export.csv?plan={plan.pk}&{DAY_PARAM}")
    return b"".join(response.streaming_content).decode()


def api_plan(client, plan):
    body = client.get(f"/api/v1/plans/{plan.pk}?{DAY_PARAM}").json()
    return json.dumps(body, ensure_ascii=False)


def iati(client, plan):
    return client.get(f"/plans/{plan.pk}/iati.xml?{DAY_PARAM}").getvalue().decode()


def plan_workbook(client, plan, tmp_path):
    path = tmp_path / "plan.xlsx"
    call_command("export_plan", plan.symbol, "-o", str(path), stdout=io.StringIO())
    sheet = load_workbook(path).active
    return "\n".join(str(cell.value) for row in sheet.iter_rows() for cell in row)


OUTPUTS = [annex_html, word_annex, measures_xlsx, measures_csv, api_plan, iati]


@pytest.mark.parametrize("output", OUTPUTS, ids=lambda output: output.__name__)
def test_no_pending_update_reaches_the_output(client, plan, output):
    text = output(client, plan)
    assert CLEARED in text
    assert [name for name, words in PENDING.items() if words in text] == []


def test_no_pending_update_reaches_the_plan_workbook(client, plan, tmp_path):
    text = plan_workbook(client, plan, tmp_path)
    assert CLEARED in text
    assert [name for name, words in PENDING.items() if words in text] == []


def test_no_pending_update_reaches_the_api_lines(client, plan):
    line = plan.parts.get().questions.get().lines.get()
    listed = client.get(f"/api/v1/lines?plan={plan.pk}&{DAY_PARAM}").json()["items"]
    one = client.get(f"/api/v1/lines/{line.pk}?{DAY_PARAM}").json()
    cleared = {"category": "in_progress", "as_of": "2000-08-21", "narrative": CLEARED}
    for found in (*listed, one):
        assert {key: found["status"][key] for key in cleared} == cleared


def test_the_api_history_shows_pending_updates_to_those_allowed_only(
    client, plan, other_staff_user
):
    line = plan.parts.get().questions.get().lines.get()
    url = f"/api/v1/lines/{line.pk}/updates"
    by_manager = {u["narrative"]: u["clearance"] for u in client.get(url).json()["items"]}
    assert by_manager == {
        CLEARED: "cleared",
        PENDING["submitted"]: "submitted",
        PENDING["returned"]: "returned",
        PENDING["question submitted"]: "submitted",
    }
    client.force_login(other_staff_user)
    assert [u["narrative"] for u in client.get(url).json()["items"]] == [CLEARED]


def test_no_pending_update_reaches_the_measures_table(client, plan):
    table = client.get(f"/measures/?plan={plan.pk}&{DAY_PARAM}").context["table"]
    cleared = StatusUpdate.objects.get(narrative=CLEARED)
    assert [row.record.status_update_id for row in table.rows] == [cleared.pk]


def test_no_pending_update_reaches_the_dashboard(client, plan):
    dashboard = client.get(f"/plans/{plan.pk}/dashboard/?{DAY_PARAM}").context["dashboard"]
    counts = {figure.label: figure.number for figure in dashboard.whole.statuses}
    assert counts["In progress"] == 1
    assert counts["Delayed"] == 0


def test_the_line_page_marks_pending_updates_and_keeps_the_status_cleared(client, plan):
    line = plan.parts.get().questions.get().lines.get()
    page = client.get(f"/lines/{line.pk}/").content.decode()
    status = page[page.index('id="line-status"') : page.index("</dd>", page.index("line-status"))]
    assert "In progress" in status and "Delayed" not in status
    # The manager sees what awaits clearance, marked, and never another person's draft.
    assert page.count("Awaiting clearance") >= 2
    assert PENDING["submitted"] in page and PENDING["returned"] in page
    assert PENDING["draft"] not in page
