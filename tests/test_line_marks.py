"""The outline reads statuses itself and marks lines in Python (`models.line_marks`): it must
agree, line for line, with the one rule in SQL (`ActionLine.objects.with_marks_as_of`)."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from measures.models import (
    ActionLine,
    Clearance,
    Question,
    StatusCategory,
    StatusUpdate,
)
from measures.outline import lines_outline, plan_outline
from tests.factories import make_drawn_updates, make_line, make_lines_due, make_plan, make_update

AS_OF = datetime.date(2000, 8, 31)
DAY = datetime.timedelta(days=1)
ENTERED = datetime.datetime(2000, 9, 1, tzinfo=datetime.UTC)


@pytest.fixture
def question(db):
    return make_plan(lines=0).parts.get().questions.get()


def by_sql(question, as_of):
    """{line id: (status id, overdue, due soon, own newest update id)}; the question's status."""
    own = StatusUpdate.objects.cleared().filter(as_of__lte=as_of).newest_first()
    rows = ActionLine.objects.filter(question=question).with_marks_as_of(as_of)
    lines = {
        pk: (status, overdue, due_soon, own.filter(action_line=pk).values_list("pk").first())
        for pk, status, overdue, due_soon in rows.values_list(
            "pk", "status_update_id", "is_overdue", "is_due_soon"
        )
    }
    whole = Question.objects.with_status_as_of(as_of).get(pk=question.pk).status_update_id
    return lines, whole


def by_outline(lines):
    def update_id(status):
        return status.update_id if status else None

    return {
        line.pk: (
            update_id(line.status),
            line.is_overdue,
            line.is_due_soon,
            (line.own_update.update_id,) if line.own_update else None,
        )
        for line in lines
    }


@given(
    # Each line: None for an ongoing one, else its due date in days from AS_OF.
    dues=st.lists(st.none() | st.integers(-40, 40), min_size=1, max_size=3),
    updates=st.lists(
        st.tuples(
            st.integers(-1, 2),  # about the question (-1) or a line (modulo their number)
            st.integers(-20, 20),  # as of, in days from AS_OF
            st.sampled_from(["", *StatusCategory.values]),
            st.sampled_from([Clearance.CLEARED, Clearance.DRAFT, Clearance.SUBMITTED]),
            st.integers(0, 2),  # entered at: a few instants, so that some tie
        ),
        max_size=10,
    ),
    day=st.integers(-20, 40),
)
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_outline_marks_and_statuses_are_the_sql_rules(question, dues, updates, day):
    lines = make_lines_due(question, dues, AS_OF)
    made = make_drawn_updates(lines, updates, {-1: question}, AS_OF, ENTERED)
    as_of = AS_OF + day * DAY
    expected, whole = by_sql(question, as_of)

    outline = plan_outline(question.part.plan, as_of)
    assert by_outline(outline.lines) == expected
    [node] = outline.parts[0].questions
    assert (node.status.update_id if node.status else None) == whole

    [plan] = lines_outline(ActionLine.objects.filter(question=question), as_of)
    assert by_outline(plan.lines) == expected

    StatusUpdate.objects.filter(pk__in=[u.pk for u in made]).delete()
    ActionLine.objects.filter(pk__in=[line.pk for line in lines]).delete()


def test_a_line_closed_by_its_questions_update_is_neither_overdue_nor_due(question):
    late = make_line(question, due=AS_OF - DAY)
    make_line(question, due=AS_OF + DAY)
    make_update(late, AS_OF - DAY, StatusCategory.IN_PROGRESS)
    outline = plan_outline(question.part.plan, AS_OF)
    assert [(line.is_overdue, line.is_due_soon) for line in outline.lines] == [
        (True, False),
        (False, True),
    ]
    make_update(question, AS_OF, StatusCategory.COMPLETED)
    outline = plan_outline(question.part.plan, AS_OF)
    assert [(line.is_overdue, line.is_due_soon) for line in outline.lines] == [
        (False, False),
        (False, False),
    ]
    assert {line.mark for line in outline.lines} == {None}
