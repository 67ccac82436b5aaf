"""Workbooks for import tests: made in memory, or the real plans of fixtures/."""

import io

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook

HEADER_FR = [
    "Questions",
    "Contexte et lignes d'action",
    "Calendrier",
    "Etat des travaux au 31 août 2000",
]


def make_workbook(*sheets, title="GB.900/TC/1 – Plan d'essai"):
    """Bytes of an .xlsx; each sheet is (name, rows), a row a list of cell values.

    The title row and the French header are added above each sheet's rows unless the sheet
    is given as (name, rows, False).
    """
    book = Workbook()
    book.remove(book.active)
    for name, rows, *framed in sheets:
        sheet = book.create_sheet(name)
        if not framed or framed[0]:
            sheet.append([title])
            sheet.append([])
            sheet.append(HEADER_FR)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


PART_I = ["Partie I – Rendre la coopération plus efficace"]


ROWS = [
    PART_I,
    [
        "1 a) Question",
        "Contexte:\n- ligne un\n- ligne deux",
        "Mai 2000\nImmédiatement",
        "Fait\nEn cours",
    ],
]


def upload(client, data, name="plan.xlsx", symbol=""):
    return client.post(
        reverse("admin:measures_plan_import"),
        {"file": SimpleUploadedFile(name, data), "symbol": symbol},
    )


FIXTURES = settings.BASE_DIR / "fixtures"


def import_fixture(name):
    call_command("import_plan", str(FIXTURES / name), stdout=io.StringIO())
