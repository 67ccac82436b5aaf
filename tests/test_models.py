"""Invariants the database itself enforces, whatever code writes to it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from measures.models import ActionLine, DeadlineKind, Part, Plan, Question, StatusUpdate
from outcomes.models import Framework, Indicator, Outcome, Output
from tests.factories import make_line, make_plan


def refused(model, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**fields)


@pytest.fixture
def plan(db):
    return make_plan(symbol="GB.279/TC/2")


def test_plan_symbol_is_unique_when_set_and_may_be_empty_many_times(plan):
    refused(Plan, {"title": "Another", "symbol": "GB.279/TC/2"})
    Plan.objects.create(title="One without symbol")
    Plan.objects.create(title="Another without symbol")


def test_part_numbers_and_orders_are_unique_within_a_plan(plan):
    part = plan.parts.get()
    refused(Part, {"plan": plan, "order": 2, "number": part.number, "title": "x"})
    refused(Part, {"plan": plan, "order": part.order, "number": "II", "title": "x"})
    Part.objects.create(
        plan=Plan.objects.create(title="x"), order=part.order, number=part.number, title="ok"
    )


def test_question_codes_are_unique_within_a_part(plan):
    question = Question.objects.get(part__plan=plan)
    refused(Question, {"part": question.part, "order": 9, "code": question.code})


def test_line_orders_are_unique_within_a_question(plan):
    line = ActionLine.objects.get(question__part__plan=plan)
    refused(ActionLine, {"question": line.question, "order": line.order, "text": "x"})


def test_a_dated_line_has_a_due_date_and_only_a_dated_one(plan):
    question = Question.objects.get(part__plan=plan)
    refused(ActionLine, {"question": question, "order": 5, "deadline_kind": "dated"})
    refused(
        ActionLine,
        {
            "question": question,
            "order": 5,
            "deadline_kind": DeadlineKind.ONGOING,
            "due_date": datetime.date(2000, 1, 1),
        },
    )
    refused(ActionLine, {"question": question, "order": 5, "deadline_kind": "someday"})


def test_status_update_is_about_exactly_one_line_or_question(plan):
    line = ActionLine.objects.get(question__part__plan=plan)
    as_of = datetime.date(2000, 8, 31)
    refused(StatusUpdate, {"as_of": as_of, "category": "completed"})
    refused(
        StatusUpdate,
        {
            "as_of": as_of,
            "category": "completed",
            "action_line": line,
            "question": line.question,
        },
    )
    refused(StatusUpdate, {"as_of": as_of, "category": "finished", "action_line": line})


def test_heading_question_groups_the_questions_below_it(plan):
    part = plan.parts.get()
    heading = Question.objects.create(
        part=part, order=9, code="1.", title="Un programme", is_heading=True
    )
    question = part.questions.get(code="1 a)")
    question.heading = heading
    question.save()
    assert list(heading.subquestions.all()) == [question]
    make_line(question)


def test_framework_years_in_order(db):
    refused(
        Framework,
        {
            "code": "X",
            "kind": "strategy",
            "title": "X",
            "first_year": 2015,
            "last_year": 2010,
            "language": "fr",
        },
    )


def test_indicator_output_must_belong_to_its_outcome(db):
    framework = Framework.objects.create(
        code="P&B 2024-25",
        kind="programme_budget",
        title="P&B",
        first_year=2024,
        last_year=2025,
        language="fr",
    )
    one = Outcome.objects.create(framework=framework, order=1, code="1")
    two = Outcome.objects.create(framework=framework, order=2, code="2")
    output = Output.objects.create(outcome=two, order=1, code="2.1", title="x")
    refused(Output, {"outcome": two, "order": 2, "code": "2.1", "title": "dup"})
    indicator = Indicator(outcome=one, output=output, order=1, code="1.1", text="x")
    with pytest.raises(ValidationError, match="same outcome"):
        indicator.full_clean()


def test_deleting_a_line_or_question_never_takes_its_status_history(plan):
    from django.db.models import ProtectedError

    from tests.factories import make_update

    line = ActionLine.objects.get(question__part__plan=plan)
    make_update(line, datetime.date(2000, 8, 31))
    make_update(line.question, datetime.date(2000, 8, 31))
    with pytest.raises(ProtectedError):
        line.delete()
    with pytest.raises(ProtectedError):
        plan.delete()
    assert StatusUpdate.objects.count() == 2
