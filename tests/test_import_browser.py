"""The admin import in a real browser: choose the file, read the preview, confirm."""

import pytest
from django.conf import settings

from measures.models import ActionLine, Plan

pytestmark = pytest.mark.browser


def test_import_gb341_through_the_admin(new_page, admin_user, reference_data):
    page = new_page(admin_user, "root-pass-2026")
    page.goto("/admin/measures/plan/")
    page.get_by_role("link", name="Import from Excel").click()
    page.get_by_label("Workbook (.xlsx)").set_input_files(
        str(settings.BASE_DIR / "fixtures" / "GB.341-POL-4.xlsx")
    )
    page.get_by_role("button", name="Preview the import").click()
    summary = page.locator("#import-summary")
    assert summary.get_by_role("row", name="Action lines").inner_text().split() == [
        "Action",
        "lines",
        "32",
        "0",
        "0",
        "0",
    ]
    assert not Plan.objects.exists()
    page.get_by_role("button", name="Confirm the import").click()
    page.wait_for_url("**/change/")
    assert (
        "GB.341/POL/4 imported from GB.341-POL-4.xlsx."
        in page.locator(".messagelist").inner_text()
    )
    assert ActionLine.objects.filter(question__part__plan__symbol="GB.341/POL/4").count() == 32
