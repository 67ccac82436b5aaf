"""A manager finds the lines overdue on a day, from the dashboard to a spreadsheet."""

import io
import re
import time

import openpyxl
import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from measures.models import ActionLine, Plan
from tests.factories import WORLD_AS_OF as AS_OF
from tests.factories import build_world

pytestmark = pytest.mark.browser


def test_manager_finds_overdue_lines_and_downloads_them(
    new_page, manager_user, pardev, program_unit, tmp_path
):
    world = build_world(pardev, program_unit)
    page = new_page(manager_user, "maria-pass-2026")
    page.goto(f"/plans/{world.plan.pk}/dashboard/?as_of=2000-08-31")
    page.locator("ul.counts a").nth(1).click()  # the plan's overdue figure
    page.wait_for_url("**/measures/?*overdue=1*")
    overdue = (
        ActionLine.objects.overdue(AS_OF).in_print_order().select_related("question__part__plan")
    )
    in_plan = [line for line in overdue if line.question.part.plan == world.plan]
    expect(page.get_by_text(f"{len(in_plan)} action lines as of Aug. 31, 2000")).to_be_visible()
    # Filter on the table itself: overdue in every plan as of that day.
    page.get_by_label("Plan").select_option(label="---------")
    page.get_by_role("button", name="Show lines").click()
    expect(page.get_by_text(f"{len(overdue)} action lines as of Aug. 31, 2000")).to_be_visible()
    assert page.locator("tbody tr").count() == len(overdue)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download Excel (XLSX)").click()
    path = tmp_path / "overdue.xlsx"
    download.value.save_as(path)
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Plan", "Part", "Question")
    assert [r[0] for r in rows[1:]] == [line.question.part.plan.symbol for line in overdue]
    assert rows[1][6] == "PARDEV"


def test_manager_answers_which_lines_of_a_real_plan_were_overdue_and_who_owns_them(
    new_page, manager_user, reference_data, tmp_path
):
    """The issue's "done when", on GB.279/TC/2 as loaded by `make setup`, without the admin."""
    call_command("load_demo_plans", stdout=io.StringIO())
    plan = Plan.objects.get(symbol="GB.279/TC/2")
    overdue = ActionLine.objects.filter(question__part__plan=plan).overdue(AS_OF)
    expected = sorted(overdue.values_list("text", flat=True))
    assert expected  # the real plan has lines overdue on that day
    started = time.monotonic()
    page = new_page(manager_user, "maria-pass-2026")
    page.get_by_role("link", name="Measures", exact=True).click()
    page.get_by_label("As of").fill("2000-08-31")
    page.get_by_label(re.compile("^Plan")).select_option(label="GB.279/TC/2")
    page.get_by_label(re.compile("^Overdue")).check()
    page.get_by_role("button", name="Show lines").click()
    caption = f"{len(expected)} action lines as of Aug. 31, 2000"
    expect(page.get_by_text(caption)).to_be_visible()
    units = page.locator("table.measures-table tbody tr td:nth-child(7)")
    expect(page.get_by_role("columnheader", name="Responsible units")).to_be_visible()
    assert all(units.all_inner_texts())  # every line shows who owns it
    with page.expect_download() as download:
        page.get_by_role("link", name="Download Excel (XLSX)").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert time.monotonic() - started < 60
    assert path.name == "measures-2000-08-31.xlsx"
    header, *rows = openpyxl.load_workbook(path).active.iter_rows(values_only=True)
    cells = [dict(zip(header, row, strict=True)) for row in rows]
    assert sorted(c["Action line"] for c in cells) == expected
    assert {c["Plan"] for c in cells} == {"GB.279/TC/2"}
    assert all(c["Responsible units"] and c["Overdue"] == "Yes" for c in cells)
