"""Results frameworks from and to Excel: round trip, titles in three languages, refusals that
name file, sheet, row and column and write nothing, re-import in place, the app's measurements
left alone."""

import datetime
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from measures.results_import import compare_framework, import_framework
from outcomes.models import Framework, Indicator, Measurement, Milestone
from outcomes.workbook import WorkbookRefused, read_framework
from reports.framework_workbook import framework_rows, framework_workbook
from tests.results_factories import measure

pytestmark = pytest.mark.django_db


def exported(framework):
    return framework_workbook(framework).read()


def edit(content, changes):
    """The workbook with `changes` {(sheet, cell): value} applied."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    for (sheet, cell), value in changes.items():
        workbook[sheet][cell] = value
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def english_workbook(rows):
    """A workbook with English titles from {sheet: [header, *rows]}."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, values in rows.items():
        sheet = workbook.create_sheet(title)
        for row in values:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


SMALL = {
    "Framework": [
        ["Code", "Kind", "Title", "First year", "Last year", "GB symbol", "Language"],
        ["DC 2020-25", "strategy", "Development cooperation strategy", 2020, 2025, "", "en"],
    ],
    "Outcomes": [["Code", "Kind", "Title"], ["1", "strategic", "Partnerships"]],
    "Outputs": [["Outcome", "Code", "Title"], ["1", "1.1", "Better partnerships"]],
    "Indicators": [
        ["Outcome", "Indicator", "Output", "Text", "Direction", "Baseline value", "Target value"],
        ["1", "1.1", "1.1", "Share of flexible funding", "increase", 10, 20],
    ],
    "Milestones": [
        ["Outcome", "Indicator", "Period", "Value", "Text"],
        ["1", "1.1", "2022-23", 15, ""],
    ],
    "Measurements": [
        ["Outcome", "Indicator", "Period", "Value", "As of", "Source"],
        ["1", "1.1", "2022-23", 16, datetime.date(2024, 3, 1), "IRIS"],
    ],
}


def test_an_english_workbook_is_imported(db):
    data = read_framework(english_workbook(SMALL), "dc.xlsx")
    framework, changes = import_framework(data)
    indicator = Indicator.objects.get(outcome__framework=framework)
    assert indicator.output.code == "1.1" and indicator.target_value == 20
    assert indicator.milestones.get().value == 15
    imported = indicator.measurements.get()
    assert (imported.value, imported.origin, imported.source) == (16, "import", "IRIS")
    assert changes["measurement", "new"] == 1


@pytest.mark.parametrize(
    ("typed", "value"),
    [("1.000", 1000), ("1,000", 1000), ("1 000", 1000), ("1.000,5", 1000.5),
     ("1,000.5", 1000.5), ("12,5", 12.5), ("-2 500", -2500), ("45 %", 45), ("12,5%", 12.5)],
)  # fmt: skip
def test_numbers_typed_as_text_are_read_as_people_write_them(db, typed, value):
    data = read_framework(with_changes("Milestones", 2, {"Value": typed}), "dc.xlsx")
    (milestone,) = data["outcomes"][0]["indicators"][0]["milestones"]
    assert float(milestone["value"]) == value


def test_a_percentage_is_read_as_the_cell_shows_it(db):
    """0.45 formatted as a percentage shows 45 %: the target people set is 45."""
    workbook = openpyxl.load_workbook(io.BytesIO(english_workbook(SMALL)))
    cells = [("Indicators", "F2", 10, '0" %"'), ("Indicators", "G2", 0.45, "0%")]
    for sheet, cell, value, shown in [*cells, ("Milestones", "D2", 0.125, "0.0%")]:
        workbook[sheet][cell] = value
        workbook[sheet][cell].number_format = shown
    out = io.BytesIO()
    workbook.save(out)
    framework, _ = import_framework(read_framework(out.getvalue(), "dc.xlsx"))
    indicator = Indicator.objects.get(outcome__framework=framework)
    assert (indicator.baseline_value, indicator.target_value) == (10, 45)  # a quoted % is text
    assert indicator.milestones.get().value == Decimal("12.5")


def test_a_biennium_written_another_way_is_the_same_milestone(db):
    framework, _ = import_framework(read_framework(english_workbook(SMALL), "dc.xlsx"))
    for written in ["2022-2023", "2022/23", "2022–23"]:
        content = with_changes("Milestones", 2, {"Period": written, "Value": 16})
        import_framework(read_framework(content, "dc.xlsx"))
        milestones = Indicator.objects.get(outcome__framework=framework).milestones
        assert list(milestones.values_list("period", "value")) == [("2022-23", 16)]


def test_a_formula_without_a_saved_value_is_refused_not_read_as_empty():
    # openpyxl writes formulas with no saved value, as a workbook built by a script would be.
    content = with_changes("Milestones", 2, {"Value": "=10+5", "Text": '="vingt"&" pour cent"'})
    assert problems(content, "dc.xlsx") == [
        'dc.xlsx, sheet "Milestones", row 2, column D: the cell holds a formula (=10+5) with '
        "no saved value: open and save the file in Excel, or type the value.",
        'dc.xlsx, sheet "Milestones", row 2, column E: the cell holds a formula (="vingt"&" '
        'pour cent") with no saved value: open and save the file in Excel, or type the value.',
    ]


def test_outcomes_reordered_and_an_indicator_inserted_above_the_others_are_imported(db):
    rows = {name: [list(r) for r in values] for name, values in SMALL.items()}
    rows["Outcomes"].append(["2", "strategic", "Resources"])
    rows["Indicators"].append(["2", "2.1", "", "Share of core funding", "increase", 5, 9])
    framework, _ = import_framework(read_framework(english_workbook(rows), "dc.xlsx"))
    rows["Outcomes"][1:] = [rows["Outcomes"][2], rows["Outcomes"][1]]  # 2 before 1
    rows["Indicators"].insert(1, ["1", "1.0", "", "Number of partners", "increase", 1, 4])
    _, changes = import_framework(read_framework(english_workbook(rows), "dc.xlsx"))
    outcomes = framework.outcomes.order_by("order")
    assert [o.code for o in outcomes] == ["2", "1"]
    first = outcomes.get(code="1")
    assert [i.code for i in first.indicators.order_by("order")] == ["1.0", "1.1"]
    assert (changes["indicator", "new"], changes["outcome", "changed"]) == (1, 2)


def test_a_column_left_out_of_the_workbook_leaves_its_field_as_it_is(db):
    rows = {name: [list(r) for r in values] for name, values in SMALL.items()}
    framework, _ = import_framework(read_framework(english_workbook(rows), "dc.xlsx"))
    for name in ["Indicators", "Milestones", "Measurements"]:  # the columns one cares about
        for row in rows[name]:
            del row[-1]  # Target value, Text, Source
    _, changes = import_framework(read_framework(english_workbook(rows), "dc.xlsx"))
    indicator = Indicator.objects.get(outcome__framework=framework)
    assert indicator.target_value == 20
    assert indicator.measurements.get().source == "IRIS"
    assert not [key for key, count in changes.items() if count and key[1] != "unchanged"]


def test_a_measurement_listed_twice_is_refused():
    rows = {name: [list(r) for r in values] for name, values in SMALL.items()}
    rows["Measurements"].append(["1", "1.1", "2022-23", 17, datetime.date(2024, 3, 1), "IRIS"])
    assert problems(english_workbook(rows), "dc.xlsx") == [
        'dc.xlsx, sheet "Measurements", row 3, column E: This measurement (period and date) '
        "is listed twice."
    ]


def test_a_measurement_of_two_dates_goes_out_and_back_unchanged(reference_data, manager_user):
    indicator = Indicator.objects.filter(outcome__framework__code="TC 2010-15").first()
    framework = indicator.outcome.framework
    Measurement.objects.create(
        indicator=indicator,
        period_start=datetime.date(2011, 1, 1),
        period_end=datetime.date(2011, 6, 30),
        value=Decimal("75.50"),
        as_of=datetime.date(2011, 7, 15),
        author=manager_user,
    )
    _, changes = import_framework(read_framework(exported(framework), "export.xlsx"))
    assert not [key for key, count in changes.items() if count and key[1] != "unchanged"]


def test_a_title_with_its_colon_is_read_and_one_given_twice_is_refused(db):
    rows = {name: [list(r) for r in values] for name, values in SMALL.items()}
    rows["Indicators"][0][-1] = "Target value :"
    data = read_framework(english_workbook(rows), "dc.xlsx")
    assert data["outcomes"][0]["indicators"][0]["target_value"] == "20.00"
    rows["Indicators"][0].append("Target value")
    found = problems(english_workbook(rows), "dc.xlsx")
    assert found == ['dc.xlsx, sheet "Indicators", row 1, column H: This column is there twice.']


def test_text_pasted_from_word_reads_as_written(db):
    """Excel saves a Word line break as "_x000B_"; soft hyphens are invisible but split words."""
    rows = {**SMALL, "Indicators": [SMALL["Indicators"][0], [*SMALL["Indicators"][1]]]}
    rows["Indicators"][1][3] = "Share of PASTED funding"
    saved = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(english_workbook(rows))) as source,
        zipfile.ZipFile(saved, "w") as target,
    ):
        for item in source.infolist():
            pasted = "flexi\u00adble_x000B_core".encode()
            target.writestr(item, source.read(item).replace(b"PASTED", pasted))
    import_framework(read_framework(saved.getvalue(), "dc.xlsx"))
    assert Indicator.objects.get().text == "Share of flexible\ncore funding"


def test_round_trip_of_the_real_frameworks_changes_nothing(reference_data, manager_user):
    for code in ("TC 2010-15", "GB.270/TC/2 1990-96"):
        framework = Framework.objects.get(code=code)
        indicator = framework.outcomes.first().indicators.first()
        measure(indicator, "2011", 1, as_of=datetime.date(2012, 1, 1), author=manager_user)
        before = framework_rows(framework)
        data = read_framework(exported(framework), "export.xlsx")
        preview = compare_framework(data)
        assert {status for _, status in preview} == {"unchanged"}, preview
        import_framework(data)
        assert framework_rows(framework) == before
    assert Measurement.objects.filter(origin="app").count() == 2


def test_a_workbook_in_french_imports_as_a_copy_under_another_code(reference_data):
    tc = Framework.objects.get(code="TC 2010-15")
    content = edit(exported(tc), {("Cadre", "A2"): "TC copie"})
    assert openpyxl.load_workbook(io.BytesIO(content)).sheetnames[1] == "Résultats"
    copy, _ = import_framework(read_framework(content, "copie.xlsx"))
    assert Milestone.objects.filter(indicator__outcome__framework=copy).count() == 21
    rows, copied = framework_rows(tc), framework_rows(copy)
    assert copied["indicators"] == rows["indicators"]
    assert copied["milestones"] == rows["milestones"]


def test_re_import_updates_in_place_and_never_touches_the_apps_measurements(
    reference_data, manager_user
):
    framework = Framework.objects.get(code="GB.270/TC/2 1990-96")
    expenditure = Indicator.objects.get(outcome__framework=framework, code="1")
    mine = measure(expenditure, "1997", 97, as_of=datetime.date(1998, 1, 5), author=manager_user)
    content = exported(framework)
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Mesures"]
    row = next(r[0].row for r in sheet.iter_rows(min_row=2) if r[2].value == "1996")
    changed = edit(
        content,
        {("Indicateurs", "E2"): "m. USD", ("Mesures", f"D{row}"): 98.3},
    )
    data = read_framework(changed, "again.xlsx")
    import_framework(data)
    expenditure.refresh_from_db()
    assert expenditure.unit == "m. USD"
    assert expenditure.measurements.get(period_start__year=1996).value == Decimal("98.3")
    assert Measurement.objects.get(pk=mine.pk).value == 97


def problems(content, filename="plan.xlsx"):
    with pytest.raises(WorkbookRefused) as refused:
        read_framework(content, filename)
    return [str(p) for p in refused.value.problems]


def with_changes(sheet, row, changes):
    rows = {name: [list(r) for r in values] for name, values in SMALL.items()}
    for column, value in changes.items():
        index = rows[sheet][0].index(column)
        rows[sheet][row - 1][index] = value
    return english_workbook(rows)


@pytest.mark.parametrize(
    ("sheet", "row", "changes", "message"),
    [
        (
            "Indicators",
            2,
            {"Target value": "vingt"},
            'sheet "Indicators", row 2, column G: “vingt” is not a number.',
        ),
        (
            "Milestones",
            2,
            {"Period": "fin 2023"},
            'sheet "Milestones", row 2, column C: “fin 2023” is not a year',
        ),
        (
            "Measurements",
            2,
            {"As of": "mars 2024"},
            'sheet "Measurements", row 2, column E: “mars 2024” is not a date',
        ),
        (
            "Indicators",
            2,
            {"Outcome": "9"},
            'sheet "Indicators", row 2, column A: Outcome 9 is not in the outcomes sheet.',
        ),
        (
            "Indicators",
            2,
            {"Direction": "sideways"},
            'sheet "Indicators", row 2, column E: “sideways” is not one of',
        ),
        (
            "Framework",
            2,
            {"Last year": 2019},
            'sheet "Framework", row 2, column E: The last year comes before the first.',
        ),
        (
            "Indicators",
            2,
            {"Text": None},
            'sheet "Indicators", row 2, column D: This cell is required.',
        ),
        (
            "Indicators",
            2,
            {"Text": "x" * 20_001},
            'sheet "Indicators", row 2, column D: At most 20000 characters.',
        ),
        (
            "Milestones",
            2,
            {"Value": 12.345},
            'sheet "Milestones", row 2, column D: “12.345” has more than 2 decimals.',
        ),
        (
            "Measurements",
            2,
            {"As of": datetime.date(2021, 6, 30)},
            'sheet "Measurements", row 2, column E: A result cannot be known before its period',
        ),
    ],
)
def test_refusals_name_file_sheet_row_and_column_and_write_nothing(sheet, row, changes, message):
    content = with_changes(sheet, row, changes)
    found = problems(content, "dc.xlsx")
    assert any(p.startswith("dc.xlsx, ") and message in p for p in found), found
    assert not Framework.objects.exists()


def test_a_missing_column_and_a_file_that_is_no_workbook_are_refused():
    rows = {**SMALL, "Indicators": [["Outcome", "Indicator"], ["1", "1.1"]]}
    assert 'dc.xlsx, sheet "Indicators", row 1: No column Text / Texte / Texto.' in problems(
        english_workbook(rows), "dc.xlsx"
    )
    assert problems(b"not a zip", "notes.xlsx") == [
        "notes.xlsx: This is not an Excel workbook (.xlsx)."
    ]


def test_the_command_previews_then_imports_and_refuses_with_every_problem(tmp_path):
    path = tmp_path / "dc.xlsx"
    path.write_bytes(english_workbook(SMALL))
    out = io.StringIO()
    call_command("import_framework", str(path), "--dry-run", stdout=out)
    assert "Nothing written" in out.getvalue() and "indicators: 1 new" in out.getvalue()
    assert not Framework.objects.exists()
    call_command("import_framework", str(path), stdout=io.StringIO())
    assert Framework.objects.get().code == "DC 2020-25"
    path.write_bytes(with_changes("Indicators", 2, {"Baseline value": "dix", "Target value": "x"}))
    with pytest.raises(CommandError) as error:
        call_command("import_framework", str(path), stdout=io.StringIO())
    assert "column F" in str(error.value) and "column G" in str(error.value)


def test_the_framework_workbook_is_downloaded_by_readers(client, staff_user, reference_data):
    client.force_login(staff_user)
    framework = Framework.objects.get(code="TC 2010-15")
    response = client.get(reverse("reports:framework_workbook", args=[framework.pk]))
    content = b"".join(response.streaming_content)
    data = read_framework(content, "download.xlsx")
    assert [i["code"] for o in data["outcomes"] for i in o["indicators"]] == [
        "1.1",
        "1.2",
        "2.1",
        "2.2",
        "3.1",
        "3.2",
        "3.3",
    ]
