"""A fixed number of queries whatever the number of lines: the table and both dashboards."""

import datetime

import pytest
from django.urls import reverse

from measures.models import ActionLine, DeadlineKind, Question, StatusCategory, StatusUpdate
from outcomes.models import Framework, Indicator, Milestone, Outcome, Output
from tests.factories import make_plan

AS_OF = datetime.date(2000, 8, 31)


def bulk_plan(count, units):
    """A plan of `count` lines over 2 parts × 10 questions, built with bulk_create."""
    plan = make_plan(parts=2, questions=10, lines=0)
    questions = list(Question.objects.filter(part__plan=plan))
    kinds = [DeadlineKind.DATED, DeadlineKind.DATED, DeadlineKind.ONGOING, DeadlineKind.UNREAD]
    lines = ActionLine.objects.bulk_create(
        ActionLine(
            question=questions[i % len(questions)],
            order=i // len(questions) + 1,
            text=f"ligne {i}",
            deadline_kind=kinds[i % 4],
            due_date=AS_OF + datetime.timedelta(days=i % 200 - 100)
            if kinds[i % 4] == DeadlineKind.DATED
            else None,
        )
        for i in range(count)
    )
    through = ActionLine.units.through
    through.objects.bulk_create(
        through(actionline_id=line.pk, unit_id=units[i % len(units)].pk)
        for i, line in enumerate(lines)
    )
    categories = list(StatusCategory)
    StatusUpdate.objects.bulk_create(
        StatusUpdate(
            action_line=line,
            as_of=AS_OF - datetime.timedelta(days=i % 30),
            category=categories[i % len(categories)],
            narrative=f"état {i}",
        )
        for i, line in enumerate(lines)
        if i % 3
    )
    framework = Framework.objects.create(
        code="P&B Q",
        kind="programme_budget",
        title="Q",
        first_year=2000,
        last_year=2001,
        language="fr",
    )
    outcome = Outcome.objects.create(framework=framework, order=1, code="1", title="Emploi")
    output = Output.objects.create(outcome=outcome, order=1, code="1.1", title="Capacités")
    output.lines.add(*lines[::2])
    indicator = Indicator.objects.create(outcome=outcome, order=1, code="1.1", text="Pays")
    Milestone.objects.create(indicator=indicator, period="2000-01", text="3 pays")
    questions[0].outputs.add(output)
    return plan, framework


@pytest.fixture
def manager_client(client, manager_user):
    client.force_login(manager_user)
    return client


# Expected queries, whatever the number of lines:
# * session * user * (table) count * page of lines * their units * their status updates
# * the filter form's choices: plans, parts, units, frameworks, outcomes, outputs
TABLE_QUERIES = 12
# * session * user * plan * counts by part and status * parts * oldest overdue lines
# * their units * their status updates
PLAN_DASHBOARD_QUERIES = 8
# * session * user * framework * outcomes * their outputs * indicators * milestones
# * direct links * links through questions * statuses of linked lines
# * the indicators' assessments: outcomes * outputs * indicators * milestones * measurements
FRAMEWORK_DASHBOARD_QUERIES = 15


@pytest.mark.parametrize("count", [10, 2000])
def test_pages_run_a_fixed_number_of_queries(
    manager_client, pardev, program_unit, django_assert_num_queries, count
):
    plan, framework = bulk_plan(count, [pardev, program_unit])
    as_of = {"as_of": AS_OF.isoformat()}
    with django_assert_num_queries(TABLE_QUERIES):
        response = manager_client.get(reverse("measures"), {**as_of, "sort": "-status"})
    assert len(response.context["table"].paginated_rows) == min(count, 50)
    with django_assert_num_queries(PLAN_DASHBOARD_QUERIES):
        response = manager_client.get(reverse("plan_dashboard", args=[plan.pk]), as_of)
    assert response.context["dashboard"].whole.total.number == count
    with django_assert_num_queries(FRAMEWORK_DASHBOARD_QUERIES):
        response = manager_client.get(reverse("framework_dashboard", args=[framework.pk]), as_of)
    # Every other line directly; the first question's lines are among them.
    assert response.context["dashboard"].whole.total.number == count // 2
