"""Both real plans, laid out every way tests/workbooks/build_corpus.py writes them, import to
the same plan as their fixture: parts and titles, questions, lines verbatim, timelines,
statuses, output links, units."""

import io

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from measures.importing import import_plan, read_plan, write_plan
from measures.models import ActionLine, Plan, Question, StatusUpdate
from tests.plan_workbooks import make_workbook

from .workbooks.build_corpus import (
    PLANS,
    VARIANTS,
    Variant,
    expected_units,
    read_fixture,
    sheet_name,
    write_variant,
)

FIXTURE = {layout: read_fixture(layout) for layout in PLANS}


def shape(parsed, part_titles=True):
    """Everything an import takes from a workbook, as plain values, but the language (the
    header's: a French plan may have English column titles)."""
    return {
        "plan": (parsed.symbol, parsed.title, parsed.date, parsed.layout),
        "parts": [
            (
                part.number,
                part.title if part_titles else None,
                [
                    (
                        question.code,
                        question.title,
                        question.context,
                        question.is_heading,
                        question.heading_code,
                        question.timeline,
                        question.status,
                        question.as_of,
                        question.outputs_note,
                        sorted({(link.framework, link.code) for link in question.outputs}),
                        [
                            (line.text, line.timeline, line.status, line.as_of, line.deadline)
                            for line in question.lines
                        ],
                    )
                    for question in part.questions
                ],
            )
            for part in parsed.parts
        ],
    }


def read_variant(layout, variant):
    return read_plan(write_variant(FIXTURE[layout], variant), f"{layout}-{variant.name}.xlsx")


@pytest.mark.one_database
def test_the_corpus_has_a_variant_for_each_way_of_writing_a_plan():
    assert len(VARIANTS) * len(PLANS) >= 24
    assert len({variant.name for variant in VARIANTS}) == len(VARIANTS)


@pytest.mark.one_database
@pytest.mark.parametrize("variant", VARIANTS, ids=lambda variant: variant.name)
@pytest.mark.parametrize("layout", PLANS)
def test_every_variant_reads_as_the_fixture(layout, variant):
    fixture = FIXTURE[layout]
    parsed = read_variant(layout, variant)
    named_by_sheet = variant.part_title == "sheet"
    assert shape(parsed, part_titles=not named_by_sheet) == shape(
        fixture, part_titles=not named_by_sheet
    )
    if named_by_sheet:
        assert [part.title for part in parsed.parts] == [sheet_name(p) for p in fixture.parts]
    lines = [line for _part, question in parsed.questions() for line in question.lines]
    assert [line.units for line in lines] == expected_units(fixture, variant)
    ignored = [(column.row, column.message) for column in parsed.ignored_columns]
    assert {title for _row, title in ignored} == set(variant.extra)


@pytest.mark.one_database
def test_the_fixture_links_its_outputs_in_every_output_variant():
    # GB.341/POL/4 links 49 outputs to its measures; no variant leaves one as note text.
    links = sum(len(question.outputs) for _part, question in FIXTURE["gb341"].questions())
    assert links == 49
    for variant in VARIANTS:
        parsed = read_variant("gb341", variant)
        assert sum(len(question.outputs) for _p, question in parsed.questions()) == links


def database_shape(plan):
    lines = ActionLine.objects.filter(question__part__plan=plan).order_by(
        "question__part__order", "question__order", "order"
    )
    return {
        "plan": (plan.symbol, plan.title, plan.date, plan.layout),
        "parts": list(plan.parts.values_list("order", "number", "title")),
        "questions": list(
            Question.objects.filter(part__plan=plan)
            .order_by("part__order", "order")
            .values_list(
                "code",
                "title",
                "context",
                "is_heading",
                "heading__code",
                "timeline",
                "outputs_note",
            )
        ),
        "lines": list(lines.values_list("text", "timeline", "deadline_kind", "due_date")),
        "updates": sorted(
            StatusUpdate.objects.filter(action_line__question__part__plan=plan).values_list(
                "action_line__text", "as_of", "narrative", "category"
            )
        )
        + sorted(
            StatusUpdate.objects.filter(question__part__plan=plan).values_list(
                "question__code", "as_of", "narrative", "category"
            )
        ),
        "notes": list(
            plan.parts.order_by("order", "questions__order").values_list(
                "questions__outputs_note", flat=True
            )
        ),
        "outputs": sorted(
            Question.outputs.through.objects.filter(question__part__plan=plan).values_list(
                "question__code", "output__code", "output__outcome__framework__code"
            )
        ),
    }


@pytest.mark.parametrize("layout", PLANS)
def test_all_variants_at_once_import_to_the_fixture_plan(reference_data, layout):
    variant = next(v for v in VARIANTS if v.name == "everything-at-once")
    fixture = import_plan(FIXTURE[layout]).plan
    expected = database_shape(fixture)
    StatusUpdate.objects.all().delete()
    Plan.objects.all().delete()

    changes = import_plan(read_variant(layout, variant))
    assert database_shape(changes.plan) == expected
    lines = ActionLine.objects.filter(question__part__plan=changes.plan).order_by(
        "question__part__order", "question__order", "order"
    )
    units = [tuple(sorted(unit.code for unit in line.units.all())) for line in lines]
    assert units == [tuple(sorted(codes)) for codes in expected_units(FIXTURE[layout], variant)]
    assert not [w for w in changes.warnings if "unit" in w.message]


def test_an_unknown_unit_is_a_warning_naming_its_cell_and_the_line_is_imported(reference_data):
    variant = Variant("units", units="line")
    book = load_workbook(io.BytesIO(write_variant(FIXTURE["gb341"], variant)))
    for row in book.active.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and "PROGRAM" in cell.value:
                cell.value = cell.value.replace("PROGRAM", "NOWHERE")
    data = io.BytesIO()
    book.save(data)
    changes = import_plan(read_plan(data.getvalue(), "units.xlsx"))
    unknown = [w for w in changes.warnings if "NOWHERE" in w.message]
    assert unknown and all(w.row and w.column and w.sheet for w in unknown)
    assert str(unknown[0]).startswith('units.xlsx, sheet "Feuille 1", row ')
    assert ActionLine.objects.count() == 32
    assert not ActionLine.objects.filter(units__code="NOWHERE").exists()


@pytest.mark.parametrize("layout", PLANS)
def test_round_trip_with_units_and_superscripts(reference_data, tmp_path, layout):
    variant = Variant("units", units="line")
    plan = import_plan(read_variant(layout, variant)).plan
    first = write_plan(plan)
    StatusUpdate.objects.all().delete()
    Plan.objects.all().delete()
    path = tmp_path / "first.xlsx"
    path.write_bytes(first)
    call_command("import_plan", str(path), stdout=io.StringIO())
    second = write_plan(Plan.objects.get())
    assert read_plan(second, "x.xlsx").parts == read_plan(first, "x.xlsx").parts
    if layout == "gb279":
        assert "87<sup>e</sup>" in Plan.objects.get().title


COLUMNS = ("question", "lines", "timeline", "status", "units")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    layout=st.sampled_from(sorted(PLANS)),
    order=st.permutations(COLUMNS),
    extra=st.lists(
        st.sampled_from(["Comments", "Observations", "Remarques", "Notas", "Budget (USD)"]),
        unique=True,
        max_size=3,
    ),
    part_title=st.sampled_from(["above", "below"]),
    bullet=st.sampled_from(["", "- ", "– ", "• ", "· ", "a) "]),
    items_in_one_cell=st.booleans(),
)
def test_layout_never_changes_the_imported_plan(
    layout, order, extra, part_title, bullet, items_in_one_cell
):
    variant = Variant(
        "drawn",
        order=tuple(order),
        extra=tuple(extra),
        part_title=part_title,
        bullet=bullet,
        items_in_one_cell=items_in_one_cell,
    )
    assert shape(read_variant(layout, variant)) == shape(FIXTURE[layout])


def test_an_unknown_unit_is_named_at_the_cell_it_was_written_in(reference_data):
    """A question's units cell and a line's own both give units to the same line: the warning
    points at the cell holding the unknown code, not the last one read."""
    rows = [
        ["GB.999/TC/9 – Implementation plan"],
        ["Part I – Making cooperation work"],
        ["Comments", "Questions", "Context and lines of action", "Responsible unit(s)",
         "Timetable", "Status as at 31 August 2000"],
        ["x", "1 a)", "Improve coordination", "PARDEV; NOPE", "By September 2000", ""],
        ["", "", "- Hold a donors' meeting", "PROGRAM", "2001", ""],
    ]  # fmt: skip
    changes = import_plan(read_plan(make_workbook(("Part I", rows, False)), "units.xlsx"))
    (unknown,) = [w for w in changes.warnings if "NOPE" in w.message]
    assert (unknown.sheet, unknown.row, unknown.column) == ("Part I", 4, 4)
    line = ActionLine.objects.get()
    assert sorted(line.units.values_list("code", flat=True)) == ["PARDEV", "PROGRAM"]
