"""The one definition of a line's status on a date, of "overdue" and of "due within"."""

import datetime

import pytest
from django.db.models import F
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from measures.models import (
    NO_STATUS,
    ActionLine,
    Clearance,
    DeadlineKind,
    StatusCategory,
    StatusUpdate,
)
from tests.factories import (
    make_drawn_updates,
    make_line,
    make_lines_due,
    make_plan,
    make_update,
    status_by_the_rule,
)

AS_OF = datetime.date(2000, 8, 31)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def question(db):
    return make_plan(lines=0).parts.get().questions.get()


def overdue_ids(as_of=AS_OF):
    return set(ActionLine.objects.overdue(as_of).values_list("pk", flat=True))


def status_of(line, as_of=AS_OF):
    return (
        ActionLine.objects.with_status_as_of(as_of)
        .annotate(status_category=F("status_category"), status_as_of=F("status_as_of"))
        .get(pk=line.pk)
    )


def test_line_due_before_as_of_without_update_is_overdue(question):
    line = make_line(question, due=AS_OF - DAY)
    assert overdue_ids() == {line.pk}


def test_line_due_on_the_as_of_date_is_not_overdue_but_due(question):
    line = make_line(question, due=AS_OF)
    assert overdue_ids() == set()
    assert list(ActionLine.objects.due_within(30, AS_OF)) == [line]


def test_due_within_includes_its_last_day_and_not_the_next(question):
    last_day = make_line(question, due=AS_OF + 30 * DAY)
    make_line(question, due=AS_OF + 31 * DAY)
    assert list(ActionLine.objects.due_within(30, AS_OF)) == [last_day]


def test_completed_before_as_of_is_not_overdue(question):
    line = make_line(question, due=AS_OF - 10 * DAY)
    make_update(line, AS_OF - DAY, StatusCategory.COMPLETED)
    assert overdue_ids() == set()


def test_completed_after_as_of_was_still_overdue_on_that_date(question):
    line = make_line(question, due=AS_OF - 10 * DAY)
    make_update(line, AS_OF + DAY, StatusCategory.COMPLETED)
    assert overdue_ids() == {line.pk}
    assert overdue_ids(AS_OF + DAY) == set()


def test_cancelled_is_never_overdue(question):
    line = make_line(question, due=AS_OF - 10 * DAY)
    make_update(line, AS_OF - 20 * DAY, StatusCategory.CANCELLED)
    assert overdue_ids() == set()


@pytest.mark.parametrize("kind", [DeadlineKind.ONGOING, DeadlineKind.AS_NEEDED])
def test_ongoing_and_as_needed_lines_are_never_overdue(question, kind):
    make_line(question, due=None, kind=kind)
    assert overdue_ids(datetime.date(2099, 1, 1)) == set()


def test_unread_deadline_is_not_overdue_but_counted(question):
    line = make_line(question, due=None, kind=DeadlineKind.UNREAD)
    assert overdue_ids(datetime.date(2099, 1, 1)) == set()
    assert list(ActionLine.objects.deadline_not_read()) == [line]


def test_two_updates_on_the_same_day_the_last_entered_wins(question):
    line = make_line(question, due=AS_OF - DAY)
    now = timezone.now()
    make_update(line, AS_OF, StatusCategory.COMPLETED, entered_at=now)
    make_update(line, AS_OF, StatusCategory.DELAYED, entered_at=now + datetime.timedelta(hours=1))
    assert status_of(line).status_category == StatusCategory.DELAYED
    assert overdue_ids() == {line.pk}


def test_no_update_means_no_status(question):
    line = make_line(question)
    annotated = status_of(line)
    assert annotated.status_category == ""
    assert annotated.status_update_id is None
    assert list(ActionLine.objects.with_status_as_of(AS_OF).filter(NO_STATUS)) == [line]


def test_an_update_without_category_means_no_status_too(question):
    line = make_line(question)
    make_update(line, AS_OF, category="", narrative="Rien à signaler")
    assert status_of(line).status_update_id is not None
    assert list(ActionLine.objects.with_status_as_of(AS_OF).filter(NO_STATUS)) == [line]


def test_question_level_update_counts_for_lines_without_their_own(question):
    plain = make_line(question, due=AS_OF - DAY)
    reported = make_line(question, due=AS_OF - DAY)
    make_update(question, AS_OF - 5 * DAY, StatusCategory.COMPLETED)
    make_update(reported, AS_OF - 10 * DAY, StatusCategory.DELAYED)
    assert status_of(plain).status_category == StatusCategory.COMPLETED
    assert status_of(plain).status_as_of == AS_OF - 5 * DAY
    # The question's update is newer than the line's own: it is the line's status too.
    assert status_of(reported).status_category == StatusCategory.COMPLETED
    assert overdue_ids() == set()


def test_the_newest_update_about_a_line_is_its_status_its_own_or_its_questions(question):
    line = make_line(question, due=AS_OF + 10 * DAY)
    own = make_update(line, datetime.date(2000, 1, 1), StatusCategory.NOT_STARTED)
    whole = make_update(question, AS_OF, StatusCategory.IN_PROGRESS)
    assert status_of(line).status_update_id == whole.pk
    assert status_of(line, AS_OF - DAY).status_update_id == own.pk
    later = make_update(line, AS_OF + DAY, StatusCategory.COMPLETED)
    assert status_of(line, AS_OF + DAY).status_update_id == later.pk


@given(
    updates=st.lists(
        st.tuples(st.booleans(), st.integers(0, 20), st.sampled_from(StatusCategory.values)),
        max_size=8,
    ),
    day=st.integers(0, 20),
)
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_status_is_the_newest_update_about_the_line_on_the_day(question, updates, day):
    """Against a plain reading of the rule: sort the updates about the line (removed after
    each example, the question fixture is shared)."""
    line = make_line(question, due=AS_OF)
    made = [
        make_update(question if whole else line, AS_OF + offset * DAY, category)
        for whole, offset, category in updates
    ]
    as_of = AS_OF + day * DAY
    newest = status_by_the_rule(made, line, as_of)
    annotated = status_of(line, as_of)
    assert annotated.status_update_id == (newest.pk if newest else None)
    assert annotated.status_category == (newest.category if newest else "")
    StatusUpdate.objects.filter(pk__in=[u.pk for u in made]).delete()
    line.delete()


ENTERED = datetime.datetime(2000, 9, 1, tzinfo=datetime.UTC)


@given(
    # Each line: None for an ongoing one, else its due date in days from AS_OF.
    dues=st.lists(st.none() | st.integers(-10, 10), min_size=1, max_size=3),
    updates=st.lists(
        st.tuples(
            st.integers(-2, 2),  # about the question (-1), another one (-2) or a line
            st.integers(-10, 10),  # as of, in days from AS_OF: some on the same day
            st.sampled_from(["", *StatusCategory.values]),
            st.sampled_from([Clearance.CLEARED, Clearance.DRAFT, Clearance.SUBMITTED]),
            st.integers(0, 1),  # entered at: two instants, so that some tie (then the id)
        ),
        max_size=10,
    ),
    day=st.integers(-10, 12),
)
@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_overdue_lines_and_statuses_are_the_rule_read_plainly(question, dues, updates, day):
    """Statuses and overdue lines from the SQL, against the rule read in Python: the newest
    cleared update about the line or its question by (as of, entered at, id)."""
    other = question.part.questions.create(order=2, code="2", title="Autre question")
    lines = make_lines_due(question, dues, AS_OF)
    made = make_drawn_updates(lines, updates, {-2: other, -1: question}, AS_OF, ENTERED)
    as_of = AS_OF + day * DAY

    def status(line):
        return status_by_the_rule(made, line, as_of)

    def overdue(line):
        closed = status(line) and status(line).category in StatusCategory.closed()
        return line.deadline_kind == DeadlineKind.DATED and line.due_date < as_of and not closed

    annotated = ActionLine.objects.filter(question=question).with_status_as_of(as_of)
    assert {line.pk: line.status_update_id for line in annotated} == {
        line.pk: getattr(status(line), "pk", None) for line in lines
    }
    assert overdue_ids(as_of) == {line.pk for line in lines if overdue(line)}

    StatusUpdate.objects.filter(pk__in=[u.pk for u in made]).delete()
    ActionLine.objects.filter(pk__in=[line.pk for line in lines]).delete()
    other.delete()


def test_update_of_another_question_does_not_count(question):
    line = make_line(question, due=AS_OF - DAY)
    other = make_plan(lines=0).parts.get().questions.get()
    make_update(other, AS_OF - DAY, StatusCategory.COMPLETED)
    assert overdue_ids() == {line.pk}


@pytest.mark.parametrize("size", [10, 1000])
def test_overdue_runs_one_query_whatever_the_number_of_lines(
    django_assert_num_queries, size, pardev
):
    plan = make_plan(questions=size // 10, lines=10, units=[pardev], bulk=True)
    lines = ActionLine.objects.filter(question__part__plan=plan)
    make_update(lines.first().question, AS_OF - DAY, StatusCategory.IN_PROGRESS)
    with django_assert_num_queries(1):
        assert len(list(lines.overdue(datetime.date(2000, 10, 1)))) == size
    with django_assert_num_queries(1):
        assert len(list(lines.due_within(30, AS_OF))) == size
