"""diff writes nothing and leaves what it is given as it was; apply writes in bulk."""

import copy
import dataclasses
import io

from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from measures.importing import apply, diff, import_plan, read_plan
from measures.models import ActionLine, Plan, StatusUpdate

FIXTURE = settings.BASE_DIR / "fixtures" / "GB.279-TC-2.xlsx"


def test_diff_writes_nothing_and_leaves_the_parsed_plan_as_it_was(db):
    import_plan(read_plan(FIXTURE.read_bytes(), "a.xlsx"))
    # A file without a plan date is dated by the plan's: on a copy, never on what diff got.
    parsed = dataclasses.replace(read_plan(FIXTURE.read_bytes(), "b.xlsx"), date=None)
    before = copy.deepcopy(parsed)
    with CaptureQueriesContext(connection) as queries:
        changes = diff(parsed, delete_missing=True)
    assert parsed == before
    assert changes.parsed.date == Plan.objects.get().date
    written = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert written == []


def plan_workbook(lines):
    book = Workbook()
    sheet = book.active
    sheet.append(["GB.900/TC/1 – Plan"])
    sheet.append(
        ["Mesure proposée", "Réalisations attendues", "Échéance", "Etat des travaux au 1/1/2022"]
    )
    sheet.append(["Objectif prioritaire 1 – Un"])
    for n in range(lines):
        code = f"1.{n // 10 + 1}" if n % 10 == 0 else None
        sheet.append([code, f"Réalisation {n}", "2023", f"En cours ({n})"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def writes_of_import(lines):
    # In a savepoint rolled back after: the next import starts from an empty database again.
    with transaction.atomic():
        changes = diff(read_plan(plan_workbook(lines), "p.xlsx"))
        with CaptureQueriesContext(connection) as queries:
            apply(changes)
        assert ActionLine.objects.count() == StatusUpdate.objects.count() == lines
        transaction.set_rollback(True)
    assert not Plan.objects.exists()
    return len(queries)


def test_apply_writes_in_bulk_whatever_the_number_of_lines(db):
    # Batches of 500: 1,000 lines and their updates take two more statements each, not 990.
    assert writes_of_import(1000) <= writes_of_import(10) + 6
