"""The importer's bulk writes (ilo_tracker.bulk, audit.bulk_history): tuples written with COPY
on PostgreSQL and executemany on SQLite give the same rows and the same audit trail as
Django's `bulk_create` and simple-history's own bulk records."""

import datetime
import gc

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ilo_tracker import bulk
from ilo_tracker.audit import (
    Source,
    bulk_create_with_history,
    bulk_history,
    bulk_m2m_history,
    recorded,
)
from measures.models import ActionLine, DeadlineKind, ImportBatch, Question, StatusUpdate
from outcomes.models import Output

from .factories import make_plan

pytestmark = pytest.mark.django_db

# Whatever a cell may hold: no NUL (no database stores it in text), no lone surrogate.
cell_text = st.text(
    st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=40
)
line = st.tuples(cell_text, cell_text, st.one_of(st.none(), st.dates(datetime.date(1990, 1, 1))))


def new_lines(question, values):
    return [
        ActionLine(
            question=question,
            order=order,
            text=text,
            timeline=timeline,
            due_date=due,
            deadline_kind=DeadlineKind.DATED if due else DeadlineKind.UNREAD,
        )
        for order, (text, timeline, due) in enumerate(values, start=1)
    ]


def stored(lines, *exclude):
    return [
        {name: value for name, value in row.items() if name not in {"id", *exclude}}
        for row in ActionLine.objects.filter(pk__in=[x.pk for x in lines])
        .order_by("order")
        .values()
    ]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(line, min_size=1, max_size=6))
def test_rows_created_in_bulk_are_the_rows_bulk_create_writes(values):
    first, second = Question.objects.filter(part__plan=make_plan(questions=2, lines=0))
    ours = new_lines(first, values)
    bulk.create(ActionLine, ours)
    django_s = ActionLine.objects.bulk_create(new_lines(second, values))

    assert stored(ours, "question_id") == stored(django_s, "question_id")
    # Tabs, backslashes, line breaks and quotes come back as written.
    assert [(x.text, x.timeline) for x in ActionLine.objects.filter(question=first)] == [
        (text, timeline) for text, timeline, _due in values
    ]
    # The instances have their keys, as after bulk_create.
    assert sorted(x.pk for x in ours) == sorted(
        ActionLine.objects.filter(question=first).values_list("pk", flat=True)
    )


def test_defaults_and_entry_times_are_filled_as_bulk_create_fills_them():
    line = make_plan().parts.get().questions.get().lines.get()
    ours, django_s = (
        StatusUpdate(action_line=line, as_of=datetime.date(2000, 10, 31), narrative=text)
        for text in ("ours", "Django's")
    )
    bulk.create(StatusUpdate, [ours])
    StatusUpdate.objects.bulk_create([django_s])
    ours.refresh_from_db()
    assert (ours.source, ours.clearance, ours.category_confirmed) == (
        django_s.source,
        django_s.clearance,
        django_s.category_confirmed,
    )
    assert abs(ours.entered_at - django_s.entered_at) < datetime.timedelta(minutes=1)


def test_keys_of_deleted_rows_are_never_given_again():
    question = make_plan(lines=2).parts.get().questions.get()
    highest = question.lines.order_by("pk").last().pk
    ActionLine.objects.get(pk=highest).delete()  # its history still names its key
    new = new_lines(question, [("new line", "", None)])
    new[0].order = 5
    bulk.create(ActionLine, new)
    assert new[0].pk > highest
    # Rows saved afterwards one by one take the keys after those given in bulk.
    assert ActionLine.objects.create(question=question, order=9, text="later").pk > new[0].pk


def history_rows(model, records):
    """Each historical record's values but its key and time."""
    return [
        {k: v for k, v in record.items() if k not in {"history_id", "history_date"}}
        for record in model.history.model.objects.filter(history_id__in=records)
        .order_by("id", "history_id")
        .values()
    ]


def test_history_written_in_bulk_is_what_simple_history_writes(admin_user):
    question = make_plan(lines=3).parts.get().questions.get()
    lines = list(question.lines.order_by("order"))
    batch = ImportBatch.objects.create(user=admin_user, filename="plan.xlsx", sha256="0" * 64)
    history = ActionLine.history.model.objects
    before = set(history.values_list("history_id", flat=True))
    start = timezone.now()
    with recorded(Source.IMPORT, user=admin_user, batch=batch):
        bulk_history(ActionLine, lines, "~")
        ours = set(history.values_list("history_id", flat=True)) - before
        theirs = ActionLine.history.bulk_history_create(
            lines, update=True, default_change_reason=None
        )

    assert history_rows(ActionLine, ours) == history_rows(
        ActionLine, [record.pk for record in theirs]
    )
    assert {
        (r["history_user_id"], r["history_batch_id"]) for r in history_rows(ActionLine, ours)
    } == {(admin_user.pk, batch.pk)}
    assert all(start <= r.history_date <= timezone.now() for r in history.filter(pk__in=ours))


def test_history_of_rows_read_in_part_records_their_whole_values():
    """Bulk records read each row's own values; a field the query left out is loaded, not
    recorded empty."""
    question = make_plan(lines=2).parts.get().questions.get()
    partial = list(question.lines.only("id", "text").order_by("order"))
    history = ActionLine.history.model.objects
    before = set(history.values_list("history_id", flat=True))

    bulk_history(ActionLine, partial, "~")

    recorded_rows = history.exclude(history_id__in=before).order_by("id")
    assert [(r.id, r.text, r.timeline, r.question_id) for r in recorded_rows] == list(
        question.lines.order_by("id").values_list("id", "text", "timeline", "question_id")
    )
    assert all(r.timeline for r in recorded_rows)


def test_a_row_created_with_history_then_linked_in_bulk_has_both_records(
    admin_user, reference_data
):
    part = make_plan(questions=0).parts.get()
    question = Question(part=part, order=1, code="1.1", title="Question")
    outputs = list(Output.objects.all()[:2])
    with recorded(Source.IMPORT, user=admin_user):
        bulk_create_with_history(Question, [question])
        through = Question.outputs.through
        fields = [through._meta.get_field(name) for name in ("question", "output")]
        bulk.insert(through, fields, [(question.pk, output.pk) for output in outputs])
        bulk_m2m_history(Question, [question.pk])

    created, linked = question.history.order_by("history_id")
    assert (created.history_type, linked.history_type) == ("+", "~")
    assert not created.outputs.exists()
    assert set(linked.outputs.values_list("output_id", flat=True)) == {o.pk for o in outputs}
    assert {created.history_user, linked.history_user} == {admin_user}


def test_the_garbage_collector_runs_again_after_bulk_work_even_when_it_fails():
    """Imports pause the cyclic collector (it walks every new row again and again); a refused
    file must not leave the server process without it."""
    with pytest.raises(ValueError), bulk.paused_gc():
        assert not gc.isenabled()
        raise ValueError("refused")
    assert gc.isenabled()
    gc.disable()
    try:
        with bulk.paused_gc():
            pass
        assert not gc.isenabled()  # it was off before: left off
    finally:
        gc.enable()
