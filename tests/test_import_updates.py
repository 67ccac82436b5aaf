"""Re-importing an edited file updates the plan in place and never loses what users entered."""

import datetime
import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from ilo_tracker import bulk
from measures.models import (
    ActionLine,
    DeadlineKind,
    Plan,
    Question,
    ReportingRound,
    StatusCategory,
    StatusUpdate,
)
from tests.plan_workbooks import PART_I, make_workbook

pytestmark = pytest.mark.django_db

FIXTURE = settings.BASE_DIR / "fixtures" / "GB.279-TC-2.xlsx"

ORIGINAL = [
    PART_I,
    [
        "1 a) Question",
        "Contexte:\n- ligne un\n- ligne deux\n- ligne trois",
        "Mai 2000\nJuin 2000\nEn cours",
        "Fait\nEn cours\nRetardé",
    ],
    ["1 b) Autre", "- seule ligne", "Fin 2000", "Terminé"],
]


def run(tmp_path, rows, *args):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(make_workbook(("Annexe", rows)))
    out = io.StringIO()
    call_command("import_plan", str(path), *args, stdout=out)
    return out.getvalue()


def lines():
    return list(
        ActionLine.objects.order_by("question__order", "order").values_list(
            "pk", "text", "timeline"
        )
    )


def test_an_edited_file_updates_lines_in_place(tmp_path):
    run(tmp_path, ORIGINAL)
    before = lines()
    edited = [
        PART_I,
        [
            "1 a) Question reformulée",
            "Contexte:\n- ligne zéro\n- ligne un\n- ligne deux\n- ligne trois",
            "Avril 2000\nMai 2000\nJuin 2000\nEn cours",
            "Prévu\nFait\nEn cours\nRetardé",
        ],
        ORIGINAL[2],
    ]
    output = run(tmp_path, edited)
    after = lines()
    assert "action lines: 1 created, 3 updated, 1 unchanged, 0 missing" in output
    # Lines are matched by text: the inserted line is new, the others keep their identity.
    assert [pk for pk, *_ in after[1:]] == [pk for pk, *_ in before]
    assert after[0][1:] == ("- ligne zéro", "Avril 2000")
    assert Question.objects.get(code="1 a)").title == "Question reformulée"
    assert "status updates: 1 created, 0 updated, 4 unchanged" in output


def test_a_changed_status_is_added_as_a_newer_update(tmp_path):
    run(tmp_path, ORIGINAL)
    rows = [PART_I, ORIGINAL[1], ["1 b) Autre", "- seule ligne", "Fin 2000", "Retardé en 2001"]]
    output = run(tmp_path, rows)
    assert "status updates: 0 created, 1 updated, 3 unchanged" in output
    narratives = StatusUpdate.objects.filter(action_line__text="- seule ligne").newest_first()
    assert [u.narrative for u in narratives] == ["Retardé en 2001", "Terminé"]


def test_app_updates_and_confirmed_categories_are_never_touched(tmp_path, staff_user):
    run(tmp_path, ORIGINAL)
    line = ActionLine.objects.get(text="- ligne deux")
    entered = StatusUpdate.objects.create(
        action_line=line,
        as_of=datetime.date(2000, 9, 15),
        category=StatusCategory.COMPLETED,
        narrative="Fini.",
        author=staff_user,
    )
    imported = StatusUpdate.objects.get(action_line__text="- ligne trois")
    imported.category, imported.category_confirmed = StatusCategory.POSTPONED, True
    imported.save()
    rows = [
        PART_I,
        [
            "1 a) Question",
            "Contexte:\n- ligne un\n- ligne trois",
            "Mai 2000\nEn cours",
            "Fait\nRetardé",
        ],
        ORIGINAL[2],
    ]
    output = run(tmp_path, rows, "--delete-missing")
    assert "kept: it has status updates entered in the app" in output
    assert ActionLine.objects.filter(pk=line.pk).exists()
    assert StatusUpdate.objects.get(pk=entered.pk).narrative == "Fini."
    imported.refresh_from_db()
    assert (imported.category, imported.category_confirmed) == (StatusCategory.POSTPONED, True)


def test_missing_lines_are_removed_only_on_confirmation(tmp_path):
    run(tmp_path, ORIGINAL)
    shorter = [PART_I, ["1 a) Question", "Contexte:\n- ligne un", "Mai 2000", "Fait"]]
    output = run(tmp_path, shorter)
    assert (
        "Missing from the file (kept: give --delete-missing to remove it): 1 a): - ligne deux"
        in output
    )
    assert "Missing from the file (kept: give --delete-missing to remove it): 1 b) Autre" in output
    assert ActionLine.objects.count() == 4
    # Kept lines move after the file's lines, in their former order.
    assert [t for _, t, _ in lines()][:3] == ["- ligne un", "- ligne deux", "- ligne trois"]
    output = run(tmp_path, shorter, "--delete-missing")
    assert "Missing from the file (removed): 1 a): - ligne deux" in output
    assert [t for _, t, _ in lines()] == ["- ligne un"]
    assert list(Question.objects.values_list("code", flat=True)) == ["1 a)"]


def test_reordered_questions_and_lines_keep_their_identity(tmp_path):
    run(tmp_path, ORIGINAL)
    ids = dict(Question.objects.values_list("code", "pk"))
    line_ids = {text: pk for pk, text, _ in lines()}
    swapped = [
        PART_I,
        ORIGINAL[2],
        [
            "1 a) Question",
            "Contexte:\n- ligne trois\n- ligne deux\n- ligne un",
            "En cours\nJuin 2000\nMai 2000",
            "Retardé\nEn cours\nFait",
        ],
    ]
    output = run(tmp_path, swapped)
    assert "status updates: 0 created, 0 updated, 4 unchanged" in output
    assert list(Question.objects.order_by("order").values_list("code", "pk")) == [
        ("1 b)", ids["1 b)"]),
        ("1 a)", ids["1 a)"]),
    ]
    assert [(pk, text) for pk, text, _ in lines()][1:] == [
        (line_ids[t], t) for t in ("- ligne trois", "- ligne deux", "- ligne un")
    ]


def test_dry_run_prints_the_summary_and_writes_nothing(tmp_path):
    output = run(tmp_path, ORIGINAL, "--dry-run")
    assert output.splitlines()[:3] == [
        "GB.900/TC/1 (new plan), would be:",
        "  parts: 1 created, 0 updated, 0 unchanged, 0 missing from the file",
        "  questions: 2 created, 0 updated, 0 unchanged, 0 missing from the file",
    ]
    assert not Plan.objects.exists()


def edited_gb279(tmp_path):
    """GB.279/TC/2 with question 2 c) edited: two line texts, one timeline, its status."""
    book = load_workbook(settings.BASE_DIR / "fixtures" / "GB.279-TC-2.xlsx", rich_text=True)
    sheet = book["Annexe"]
    assert sheet["A11"].value.startswith("2 c)")
    paragraphs = sheet["B11"].value.split("\n")
    paragraphs[2] = "- le Programme ISEP sera intégré au programme IFP/SEED;"
    paragraphs[4] = "- développement des programmes du Centre de Turin, avec le BIT."
    sheet["B11"] = "\n".join(paragraphs)
    sheet["C11"] = (
        "Démarrage en janvier 2000\nTerminé en décembre 2001\nDe manière continue\nEn cours"
    )
    sheet["D11"] = "Le programme IFP/SEED a repris l'ISEP en octobre 2000."
    path = tmp_path / "GB.279-TC-2.xlsx"
    book.save(path)
    return path


def snapshot():
    return (
        list(ActionLine.objects.order_by("pk").values_list("pk", "text", "timeline", "due_date")),
        list(StatusUpdate.objects.order_by("pk").values()),
        list(Question.objects.order_by("pk").values()),
    )


def test_an_edited_real_plan_is_updated_in_place(tmp_path, staff_user):
    call_command("import_plan", str(FIXTURE), stdout=io.StringIO())
    before = dict(ActionLine.objects.values_list("pk", "question__code"))
    isep = ActionLine.objects.get(question__code="2 c)", order=2)
    entered = StatusUpdate.objects.create(
        action_line=isep,
        as_of=datetime.date(2000, 10, 1),
        category=StatusCategory.IN_PROGRESS,
        narrative="ISEP intégré à IFP/SEED.",
        author=staff_user,
    )
    entered_values = StatusUpdate.objects.filter(pk=entered.pk).values().get()

    out = io.StringIO()
    call_command("import_plan", str(edited_gb279(tmp_path)), stdout=out)
    output = out.getvalue()

    assert "action lines: 0 created, 2 updated, 76 unchanged, 0 missing" in output
    assert "status updates: 0 created, 1 updated," in output
    # Every line keeps its identity, the edited ones included.
    assert dict(ActionLine.objects.values_list("pk", "question__code")) == before
    isep.refresh_from_db()
    assert isep.text == "- le Programme ISEP sera intégré au programme IFP/SEED;"
    assert (isep.timeline, isep.due_date) == (
        "Terminé en décembre 2001",
        datetime.date(2001, 12, 31),
    )
    assert ActionLine.objects.get(question__code="2 c)", order=4).text.endswith("avec le BIT.")
    # The changed whole-question status is a newer imported update; the older one stays.
    question_updates = StatusUpdate.objects.filter(question__code="2 c)").newest_first()
    assert [u.narrative[:30] for u in question_updates] == [
        "Le programme IFP/SEED a repris",
        "Les stratégies du programme fo",
    ]
    assert question_updates[0].source == StatusUpdate.Source.IMPORT
    assert not question_updates[0].category_confirmed
    # What a person entered in the app is untouched.
    assert StatusUpdate.objects.filter(pk=entered.pk).values().get() == entered_values

    out = io.StringIO()
    call_command("import_plan", str(tmp_path / "GB.279-TC-2.xlsx"), stdout=out)
    # Importing the edited file again changes nothing.
    assert "action lines: 0 created, 0 updated, 78 unchanged" in out.getvalue()
    assert "status updates: 0 created, 0 updated," in out.getvalue()


def test_an_error_while_writing_leaves_the_plan_as_it_was(tmp_path, monkeypatch):
    call_command("import_plan", str(FIXTURE), stdout=io.StringIO())
    before = snapshot()

    create = bulk.create

    def fail(model, objs):
        if model is StatusUpdate:
            raise RuntimeError("the database went away")
        create(model, objs)

    # Writing the status updates fails, after parts, questions and lines were written.
    monkeypatch.setattr(bulk, "create", fail)
    with pytest.raises(RuntimeError):
        call_command("import_plan", str(edited_gb279(tmp_path)), stdout=io.StringIO())
    assert snapshot() == before


def test_a_deadline_set_by_hand_for_an_unread_timeline_survives_a_reimport(tmp_path):
    rows = [PART_I, ["1 a) Question", "- ligne un\n- ligne deux", "Bientôt\nMai 2000", ""]]
    run(tmp_path, rows)
    unread, dated = ActionLine.objects.order_by("order")
    assert unread.deadline_kind == DeadlineKind.UNREAD
    # A person reads "Bientôt" and sets the deadline in the admin.
    unread.deadline_kind, unread.due_date = DeadlineKind.DATED, datetime.date(2000, 7, 31)
    unread.save()

    run(tmp_path, rows)
    unread.refresh_from_db()
    assert (unread.deadline_kind, unread.due_date) == ("dated", datetime.date(2000, 7, 31))

    # A new timeline in the file is read again: the file speaks for the new text.
    rows[1][2] = "Juin 2000\nMai 2000"
    run(tmp_path, rows)
    unread.refresh_from_db()
    assert unread.due_date == datetime.date(2000, 6, 30)


def test_a_published_round_takes_no_new_imported_status(tmp_path, manager_user):
    run(tmp_path, ORIGINAL)
    ReportingRound.objects.create(
        plan=Plan.objects.get(),
        as_of=datetime.date(2000, 8, 31),
        published_at=timezone.now(),
        published_by=manager_user,
    )
    rows = [PART_I, ORIGINAL[1], ["1 b) Autre", "- seule ligne", "Fin 2000", "Retardé en 2001"]]
    output = run(tmp_path, rows)
    assert "the round as of Aug. 31, 2000 has been published" in output
    narratives = StatusUpdate.objects.filter(action_line__text="- seule ligne")
    assert [u.narrative for u in narratives] == ["Terminé"]
