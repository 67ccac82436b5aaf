"""What the API sends and accepts; field names follow the models'."""

import datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

from measures.forms import EARLIEST_DATE, LATEST_DATE
from measures.models import Clearance, DeadlineKind, StatusCategory

# What any endpoint may answer instead: unreadable body, not signed in, forbidden, not found,
# invalid input, too many requests.
ERRORS = frozenset({400, 401, 403, 404, 422, 429})


# Files answered as they are, outside the JSON schemas.
IATI_FILE = {
    "responses": {
        200: {
            "description": "An IATI 2.03 activity file (iati-activities), schema-valid.",
            "content": {"application/xml": {"schema": {"type": "string"}}},
        }
    }
}


# A date the app reasons about, as its forms check it: out of range, the answer is 422.
ReportDate = Annotated[datetime.date, Field(ge=EARLIEST_DATE, le=LATEST_DATE)]


class Error(Schema):
    detail: str | dict | list


class FrameworkSummary(Schema):
    id: int
    code: str
    kind: str
    title: str
    first_year: int
    last_year: int
    symbol: str
    language: str


class MilestoneOut(Schema):
    period: str
    value: float | None
    text: str


class GoalOut(Schema):
    """A milestone or the target, with its assessment as of the date asked for."""

    kind: str
    period: str
    value: float | None
    text: str
    assessment: str


class MeasurementOut(Schema):
    """An actual as known on the date: the newest of a period replaces those before it."""

    id: int
    period_start: datetime.date
    period_end: datetime.date
    value: float | None
    text: str
    assessment: str
    as_of: datetime.date
    source: str
    note: str


class IndicatorOut(Schema):
    id: int
    code: str
    output_id: int | None
    text: str
    unit: str
    baseline_value: float | None
    baseline_text: str
    target_value: float | None
    target_text: str
    target_period: str
    direction: str
    milestones: list[MilestoneOut]
    goals: list[GoalOut]
    measurements: list[MeasurementOut]

    @staticmethod
    def resolve_goals(indicator):
        return indicator.goals()

    @staticmethod
    def resolve_measurements(indicator):
        return indicator.known_measurements


class OutputOut(Schema):
    id: int
    code: str
    title: str


class OutcomeOut(Schema):
    id: int
    code: str
    kind: str
    title: str
    outputs: list[OutputOut]
    indicators: list[IndicatorOut]


class FrameworkOut(FrameworkSummary):
    outcomes: list[OutcomeOut]


class PlanSummary(Schema):
    id: int
    symbol: str
    title: str
    session: int | None
    committee: str
    language: str
    date: datetime.date | None


class Status(Schema):
    """A line's or question's latest status update on or before the as-of date."""

    update_id: int | None
    category: StatusCategory | Literal[""] | None
    as_of: datetime.date | None
    narrative: str | None


class PlanLine(Schema):
    """A line annotated by `with_status_as_of(…).with_status_columns()`."""

    id: int
    order: int
    text: str
    timeline: str
    deadline_kind: DeadlineKind
    due_date: datetime.date | None
    units: list[str]
    status: Status
    overdue: bool

    @staticmethod
    def resolve_units(line):
        return [unit.code for unit in line.units.all()]

    @staticmethod
    def resolve_status(line):
        return {
            "update_id": line.status_update_id,
            "category": line.current_category,
            "as_of": line.current_as_of,
            "narrative": line.current_narrative,
        }

    @staticmethod
    def resolve_overdue(line):
        return line.is_overdue


class LineOut(PlanLine):
    plan_id: int
    plan: str
    part: str
    question_id: int
    question: str

    @staticmethod
    def resolve_plan_id(line):
        return line.question.part.plan_id

    @staticmethod
    def resolve_plan(line):
        return str(line.question.part.plan)

    @staticmethod
    def resolve_part(line):
        return line.question.part.number

    @staticmethod
    def resolve_question(line):
        return line.question.code


class LineDetail(LineOut):
    # Send it back as `seen_update` when posting: any newer update makes the post a conflict.
    latest_update_id: int | None


class QuestionOut(Schema):
    id: int
    code: str
    title: str
    context: str
    timeline: str
    is_heading: bool
    heading_id: int | None
    status: Status
    lines: list[PlanLine]

    @staticmethod
    def resolve_status(question):
        return question.tree_status

    @staticmethod
    def resolve_lines(question):
        return question.tree_lines


class PartOut(Schema):
    id: int
    number: str
    title: str
    questions: list[QuestionOut]

    @staticmethod
    def resolve_questions(part):
        return part.tree_questions


class PlanOut(PlanSummary):
    as_of: datetime.date
    parts: list[PartOut]

    @staticmethod
    def resolve_parts(plan):
        return plan.tree_parts


class UpdateOut(Schema):
    id: int
    about: Literal["line", "question"]
    action_line_id: int | None
    question_id: int | None
    as_of: datetime.date
    category: StatusCategory | Literal[""]
    category_confirmed: bool
    narrative: str
    author: str | None
    entered_at: datetime.datetime
    source: str
    # Only "cleared" updates count; the others are shown to those allowed (issue 14).
    clearance: Clearance

    @staticmethod
    def resolve_about(update):
        return "line" if update.action_line_id else "question"

    @staticmethod
    def resolve_author(update):
        return update.author.username if update.author else None


class UpdateIn(Schema):
    as_of: datetime.date
    category: StatusCategory
    narrative: str = ""
    about: Literal["line", "question"] = "line"
    seen_update: int | None = None


class Conflict(Schema):
    detail: str
    latest_update_id: int
    newer: list[UpdateOut]


class RoundOut(Schema):
    id: int
    as_of: datetime.date
    created_at: datetime.datetime
    published_at: datetime.datetime | None
    published_by: str | None

    @staticmethod
    def resolve_published_by(round_):
        return round_.published_by.username if round_.published_by else None
