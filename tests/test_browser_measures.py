"""A manager finds the lines overdue on a day, from the dashboard to a spreadsheet."""

import openpyxl
import pytest

from tests.test_measures_table import build_world

pytestmark = pytest.mark.browser


def test_manager_finds_overdue_lines_and_downloads_them(
    new_page, manager_user, pardev, program_unit, tmp_path
):
    world = build_world(pardev, program_unit)
    page = new_page(manager_user, "maria-pass-2026")
    page.goto(f"/plans/{world.plan.pk}/dashboard/?as_of=2000-08-31")
    page.locator("ul.counts a").nth(1).click()  # the plan's overdue figure
    page.wait_for_url("**/measures/?*overdue=1*")
    assert page.get_by_text("2 action lines as of Aug. 31, 2000").is_visible()
    # Filter on the table itself: overdue in every plan as of that day.
    page.get_by_label("Plan").select_option(label="---------")
    page.get_by_role("button", name="Show lines").click()
    assert page.get_by_text("3 action lines as of Aug. 31, 2000").is_visible()
    assert page.locator("tbody tr").count() == 3
    with page.expect_download() as download:
        page.get_by_role("link", name="Download Excel (XLSX)").click()
    path = tmp_path / "overdue.xlsx"
    download.value.save_as(path)
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Plan", "Part", "Question")
    assert [r[0] for r in rows[1:]] == ["GB.279/TC/2", "GB.279/TC/2", "GB.341/POL/4"]
    assert rows[1][6] == "PARDEV"
