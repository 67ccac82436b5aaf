"""The plan's date: from a title row or given at import; "Immédiatement" is dated at it."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from measures.importing import ImportRefused, read_plan, write_blank_template
from measures.models import ActionLine, DeadlineKind, Plan
from tests.plan_workbooks import HEADER_FR, PART_I

pytestmark = pytest.mark.django_db

QUESTION = ["1 a) Question", "- ligne un\n- ligne deux", "Immédiatement\nMai 2000"]
NOVEMBER_1999 = datetime.date(1999, 11, 1)


def workbook(*title_rows, header=HEADER_FR):
    book = Workbook()
    sheet = book.active
    sheet.title = "Annexe"
    for row in [["GB.900/TC/1 – Plan d'essai"], *title_rows, header, PART_I, QUESTION]:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def deadlines():
    return list(
        ActionLine.objects.order_by("order").values_list("pk", "deadline_kind", "due_date")
    )


def run(tmp_path, data, *args):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(data)
    out = io.StringIO()
    call_command("import_plan", str(path), *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("cells", "day"),
    [
        (["Date du plan : novembre 1999"], NOVEMBER_1999),
        (["Date du plan: Novembre 1999"], NOVEMBER_1999),
        (["Plan date: November 1999"], NOVEMBER_1999),
        (["Fecha del plan: noviembre de 1999"], NOVEMBER_1999),
        (["Date du plan : 5 octobre 2000"], datetime.date(2000, 10, 5)),
        (["Date du plan : 05/10/2000"], datetime.date(2000, 10, 5)),
        (["Date du plan :", datetime.datetime(1999, 11, 1)], NOVEMBER_1999),
        ([None, "DATE DU PLAN", "novembre 1999"], NOVEMBER_1999),
        (["Date du plan :"], None),
        ([], None),
    ],
)
def test_title_row_gives_the_plan_date(cells, day):
    plan = read_plan(workbook(cells), "plan.xlsx")
    assert plan.date == day
    first = plan.parts[0].questions[0].lines[0]
    assert first.timeline == "Immédiatement"
    assert first.deadline.due == day
    assert first.deadline.kind == ("dated" if day else "unread")
    assert (plan.symbol, plan.title) == ("GB.900/TC/1", "Plan d'essai")


def test_plan_date_row_in_english_and_spanish_workbooks():
    english = ["Issues", "Context and lines of action", "Timetable"]
    spanish = ["Cuestiones", "Contexto y líneas de acción", "Calendario"]
    for header, cells in [
        (english, ["Plan date: March 2021"]),
        (spanish, ["Fecha del plan: marzo de 2021"]),
    ]:
        plan = read_plan(workbook(cells, header=header), "plan.xlsx")
        assert plan.date == datetime.date(2021, 3, 1)


@pytest.mark.parametrize(
    ("cells", "column", "shown"),
    [
        (["Date du plan : bientôt"], 1, "Date du plan : bientôt"),
        (["Date du plan : 1999"], 1, "Date du plan : 1999"),
        (["Date du plan :", "31/02/2000"], 2, "31/02/2000"),
    ],
)
def test_unreadable_plan_date_is_refused_where_it_stands(tmp_path, cells, column, shown):
    with pytest.raises(ImportRefused) as refused:
        read_plan(workbook(cells), "plan.xlsx")
    column_letter = "ABC"[column - 1]
    assert [str(problem) for problem in refused.value.problems] == [
        f'plan.xlsx, sheet "Annexe", row 2, column {column_letter}: the plan date “{shown}” '
        "cannot be read: write a month and year (“Date du plan : novembre 1999”) or a full "
        "date (5 octobre 2000)."
    ]
    with pytest.raises(CommandError, match="the plan date"):
        run(tmp_path, workbook(cells))
    assert not Plan.objects.exists()


def test_given_date_wins_over_the_title_row(tmp_path):
    run(tmp_path, workbook(["Date du plan : novembre 1999"]), "--date", "2000-01-15")
    plan = Plan.objects.get()
    assert plan.date == datetime.date(2000, 1, 15)
    assert [kind_due for _, *kind_due in deadlines()] == [
        [DeadlineKind.DATED, datetime.date(2000, 1, 15)],
        [DeadlineKind.DATED, datetime.date(2000, 5, 31)],
    ]


def test_a_bad_date_option_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="--date"):
        run(tmp_path, workbook(), "--date", "novembre")


def test_a_changed_date_re_reads_immediate_timelines_in_place(tmp_path):
    run(tmp_path, workbook(["Date du plan : novembre 1999"]))
    before = deadlines()
    assert before[0][1:] == (DeadlineKind.DATED, NOVEMBER_1999)
    output = run(tmp_path, workbook(["Date du plan : novembre 1999"]))
    assert "plan unchanged" in output and deadlines() == before

    output = run(tmp_path, workbook(["Date du plan : janvier 2000"]))
    assert "plan updated" in output
    assert "action lines: 0 created, 1 updated, 1 unchanged" in output
    after = deadlines()
    assert [pk for pk, *_ in after] == [pk for pk, *_ in before]
    assert after[0][1:] == (DeadlineKind.DATED, datetime.date(2000, 1, 1))
    assert after[1] == before[1]
    assert Plan.objects.get().date == datetime.date(2000, 1, 1)


def test_a_file_without_date_keeps_the_plans_date_and_dates_by_it(tmp_path):
    output = run(tmp_path, workbook())
    assert 'Timeline not read: plan.xlsx, sheet "Annexe", row 4: Immédiatement' in output
    plan = Plan.objects.get()
    plan.date = NOVEMBER_1999  # set by hand in the admin
    plan.save()
    output = run(tmp_path, workbook())
    assert "plan unchanged" in output and "Timeline not read" not in output
    assert Plan.objects.get().date == NOVEMBER_1999
    assert deadlines()[0][1:] == (DeadlineKind.DATED, NOVEMBER_1999)


def test_export_writes_the_plan_date_row_read_back_the_same(tmp_path):
    run(tmp_path, workbook(["Date du plan : novembre 1999"]))
    call_command(
        "export_plan", "GB.900/TC/1", "-o", str(tmp_path / "out.xlsx"), stdout=io.StringIO()
    )
    rows = list(load_workbook(tmp_path / "out.xlsx").active.values)
    assert rows[1][0] == "Date du plan : novembre 1999"

    plan = Plan.objects.get()
    plan.date = datetime.date(2000, 10, 5)
    plan.save()
    call_command(
        "export_plan", "GB.900/TC/1", "-o", str(tmp_path / "out.xlsx"), stdout=io.StringIO()
    )
    assert list(load_workbook(tmp_path / "out.xlsx").active.values)[1][0] == (
        "Date du plan : 5 octobre 2000"
    )
    assert read_plan((tmp_path / "out.xlsx").read_bytes(), "out.xlsx").date == plan.date


@pytest.mark.parametrize(
    ("language", "label"),
    [("fr", "Date du plan :"), ("en", "Plan date:"), ("es", "Fecha del plan:")],
)
def test_blank_template_shows_where_the_date_goes(language, label):
    data = write_blank_template(language, datetime.date(2026, 11, 25))
    assert list(load_workbook(io.BytesIO(data)).active.values)[1][0] == label
    assert read_plan(data, "t.xlsx", symbol="GB.907/TC/1").date is None


def test_admin_form_date_overrides_the_title_row(client, admin_user):
    client.force_login(admin_user)
    data = workbook(["Date du plan : novembre 1999"])
    response = client.post(
        reverse("admin:measures_plan_import"),
        {"file": SimpleUploadedFile("plan.xlsx", data), "date": "2000-02-01"},
    )
    page = client.get(response["Location"]).content.decode()
    assert "Plan date: Feb. 1, 2000." in page
    client.post(response["Location"])
    assert Plan.objects.get().date == datetime.date(2000, 2, 1)
    assert deadlines()[0][1:] == (DeadlineKind.DATED, datetime.date(2000, 2, 1))


def test_admin_form_refuses_a_date_it_cannot_read(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:measures_plan_import"),
        {"file": SimpleUploadedFile("plan.xlsx", workbook()), "date": "novembre"},
    )
    assert response.status_code == 200
    assert "id_date_helptext id_date_error" in response.content.decode()
    assert not Plan.objects.exists()


def test_admin_preview_says_when_no_date_is_known(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:measures_plan_import"),
        {"file": SimpleUploadedFile("plan.xlsx", workbook())},
    )
    page = client.get(response["Location"]).content.decode()
    assert "No plan date: timelines such as “Immédiatement” cannot be dated." in page
    assert "row 4</strong>: Immédiatement" in page
