"""The two real plans import exactly, twice without change, and survive a round trip."""

import contextlib
import datetime
import io
import threading

import pytest
from django.conf import settings
from django.core.management import call_command

from measures.audit import import_recorded
from measures.importing import compare_plan, import_plan, read_plan, sync
from measures.models import (
    ActionLine,
    DeadlineKind,
    Part,
    Plan,
    Question,
    StatusCategory,
    StatusUpdate,
)
from tests.plan_workbooks import ROWS, make_workbook
from tests.threads import at_once

FIXTURES = settings.BASE_DIR / "fixtures"


def parse(name):
    return read_plan((FIXTURES / name).read_bytes(), name)


def counts(plan):
    questions = Question.objects.filter(part__plan=plan)
    return {
        "parts": Part.objects.filter(plan=plan).count(),
        "questions": questions.count(),
        "headings": questions.filter(is_heading=True).count(),
        "lines": ActionLine.objects.filter(question__part__plan=plan).count(),
        "updates": StatusUpdate.objects.filter(action_line__question__part__plan=plan).count()
        + StatusUpdate.objects.filter(question__part__plan=plan).count(),
        "output_links": Question.outputs.through.objects.filter(question__part__plan=plan).count(),
    }


@pytest.fixture
def gb279(db):
    return import_plan(parse("GB.279-TC-2.xlsx")).plan


@pytest.fixture
def gb341(reference_data):
    return import_plan(parse("GB.341-POL-4.xlsx")).plan


def test_gb279_counts(gb279):
    assert (gb279.symbol, gb279.session, gb279.committee, gb279.language) == (
        "GB.279/TC/2",
        279,
        "TC",
        "fr",
    )
    assert gb279.title.startswith("Rapport d'activité: plan de mise en œuvre")
    assert counts(gb279) == {
        "parts": 3,
        "questions": 24,
        "headings": 4,
        "lines": 78,
        "updates": 35,
        "output_links": 0,
    }
    assert [p.number for p in gb279.parts.all()] == ["I", "II", "III"]
    assert set(StatusUpdate.objects.values_list("as_of", "source", "category_confirmed")) == {
        (datetime.date(2000, 8, 31), StatusUpdate.Source.IMPORT, False)
    }


def test_gb279_texts_verbatim(gb279):
    line = ActionLine.objects.get(question__part__number="III", question__code="e)", order=4)
    assert (
        line.text == "- préparation de directives sur le partenariat avec le secteur privé, "
        "les fonds et fondations."
    )
    assert (line.timeline, line.deadline_kind, line.due_date) == (
        "Terminé en décembre 2000",
        DeadlineKind.DATED,
        datetime.date(2000, 12, 31),
    )
    heading = Question.objects.get(part__number="I", code="3.")
    assert (
        heading.is_heading
        and heading.title == "Normes internationales du travail et coopération technique"
    )
    assert Question.objects.get(part__number="I", code="3 b)").heading == heading
    evaluation = Question.objects.get(part__number="II", code="4.")
    assert evaluation.timeline.splitlines() == [
        "[...]",
        "Les activités en rapport avec ces initiatives commenceront en janvier 2000.",
        "[...]",
        "Les activités en rapport avec ces initiatives commenceront en janvier 2000.",
    ]
    # "Les travaux ont été retardés…" and the ditto mark below it, each on its own line.
    delayed = StatusUpdate.objects.filter(
        action_line__question__code="b)", action_line__order__in=[2, 3]
    )
    assert {(u.narrative, u.category) for u in delayed} == {
        (
            "Les travaux ont été retardés et la question sera abordée en 2001.",
            StatusCategory.DELAYED,
        )
    }
    assert delayed.count() == 2
    whole = StatusUpdate.objects.get(question__part__number="I", question__code="2 b)")
    assert whole.narrative.startswith("Sur ces points, le travail s'inscrit dans le cadre")


def test_gb279_unread_timelines_are_those_no_person_could_date(gb279):
    unread = set(
        ActionLine.objects.deadline_not_read()
        .exclude(timeline="")
        .values_list("timeline", flat=True)
    )
    # Tied to events, not to dates: someone sets these by hand.
    assert unread == {
        "Associé à un examen de la structure extérieure",
        "A intégrer dans un processus de restructuration des bureaux extérieurs",
        "A intégrer dans le processus de restructuration extérieure",
    }
    assert ActionLine.objects.deadline_not_read().exclude(timeline="").count() == 3
    # "Immédiatement": from the plan's start, November 1999 (title row 2 of the workbook).
    assert gb279.date == datetime.date(1999, 11, 1)
    immediate = ActionLine.objects.filter(timeline__in=["Immédiatement", "Début immédiat"])
    assert immediate.count() == 4
    assert set(immediate.values_list("deadline_kind", "due_date")) == {
        (DeadlineKind.DATED, datetime.date(1999, 11, 1))
    }
    assert ActionLine.objects.get(
        timeline="A la fin des périodes appropriées selon les situations"
    ).deadline_kind == (DeadlineKind.AS_NEEDED)
    # Question 1 a) has no Calendrier at all in the annex.
    assert set(
        ActionLine.objects.filter(timeline="").values_list("question__code", flat=True)
    ) == {"1 a)", "1.", "4."}


def test_gb341_counts_and_outputs(gb341):
    assert counts(gb341) == {
        "parts": 4,
        "questions": 15,
        "headings": 0,
        "lines": 32,
        "updates": 0,
        "output_links": 49,
    }
    assert not ActionLine.objects.deadline_not_read().exists()
    assert gb341.date == datetime.date(2021, 3, 1)
    first = Question.objects.get(part__plan=gb341, code="1.1")
    assert sorted(str(o) for o in first.outputs.all())[-1] == "P&B 2022-23, output B.1"
    assert (
        first.outputs_note == "Stratégie de développement des capacités institutionnelles "
        "à l'échelle de l'OIT (GB.335/INS/9);"
    )
    assert Question.objects.get(part__plan=gb341, code="4.4").outputs.count() == 0
    line = ActionLine.objects.get(
        question=Question.objects.get(part__plan=gb341, code="1.4"), order=1
    )
    assert line.text.startswith(
        "Sont conclus dix nouveaux partenariats de l'OIT faisant la promotion"
    )
    assert (line.timeline, line.due_date) == ("2021-2025", datetime.date(2025, 12, 31))


def test_unknown_outputs_are_warnings_not_created(db):
    changes = import_plan(parse("GB.341-POL-4.xlsx"))  # no reference data loaded
    assert counts(changes.plan)["output_links"] == 0
    assert (
        'sheet "Vue d\'ensemble", row 13, column A: '
        "output 1.1 of P&B 2020-21 is not in the database"
        in "\n".join(str(w) for w in changes.warnings)
    )


@pytest.mark.parametrize("name", ["GB.279-TC-2.xlsx", "GB.341-POL-4.xlsx"])
def test_importing_the_same_file_twice_changes_nothing(reference_data, name):
    first = import_plan(parse(name))
    before = counts(first.plan), list(ActionLine.objects.values()), list(Question.objects.values())
    updates = set(StatusUpdate.objects.values_list("pk", flat=True))
    again = import_plan(parse(name))
    assert not again.changes_anything
    assert all(c.create == c.update == c.remove == 0 for c in again.counts.values())
    assert (
        counts(again.plan),
        list(ActionLine.objects.values()),
        list(Question.objects.values()),
    ) == before
    assert set(StatusUpdate.objects.values_list("pk", flat=True)) == updates


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_a_new_plan_at_once_make_one_plan(monkeypatch):
    """Neither has a plan row to lock: the second waits for the first, then finds the plan the
    first created and has nothing to change (no duplicate-key error)."""
    content = make_workbook(("Annexe", ROWS))
    both = threading.Barrier(2)
    diff = sync.diff

    def diff_together(parsed, **options):
        # Both reach the diff at once, unless one is made to wait before it.
        with contextlib.suppress(threading.BrokenBarrierError):
            both.wait(timeout=2)
        return diff(parsed, **options)

    monkeypatch.setattr(sync, "diff", diff_together)
    done = at_once(lambda: import_recorded(read_plan(content, "plan.xlsx"), content))
    assert Plan.objects.count() == 1
    assert sorted(changes.plan_action for changes in done) == ["create", "unchanged"]


def test_load_demo_plans_is_idempotent(reference_data):
    call_command("load_demo_plans", stdout=io.StringIO())
    call_command("load_demo_plans", stdout=(out := io.StringIO()))
    assert out.getvalue().splitlines() == [
        "GB.279/TC/2: already up to date",
        "GB.341/POL/4: already up to date",
    ]
    assert Plan.objects.count() == 2


def test_dry_run_writes_nothing(reference_data):
    changes = compare_plan(parse("GB.279-TC-2.xlsx"))
    assert changes.counts["lines"].create == 78 and changes.counts["status_updates"].create == 35
    assert not Plan.objects.exists()
