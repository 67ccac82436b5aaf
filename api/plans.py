"""Plans → parts → questions → lines with status as of a date; status updates; rounds."""

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import http_date
from ninja import Query, Router, Status
from ninja.pagination import paginate

from measures import policy
from measures.forms import StatusUpdateForm
from measures.models import ActionLine, Plan, Question, StatusUpdate
from measures.services import StatusConflict
from reports import iati
from reports.annex import default_as_of
from reports.filters import filtered_lines

from .auth import WRITE
from .core import Pages
from .filters import LineFilters, as_query
from .schemas import (
    ERRORS,
    IATI_FILE,
    Conflict,
    Error,
    LineDetail,
    LineOut,
    PlanOut,
    PlanSummary,
    ReportDate,
    RoundOut,
    UpdateIn,
    UpdateOut,
)

router = Router(tags=["plans"])


def _last_modified(response, moment):
    """Set Last-Modified where the data only ever grows (rounds). Not on a line's updates: a
    clearance or a draft's edit changes one without a newer date, and a draft can be deleted."""
    if moment is not None:
        response["Last-Modified"] = http_date(moment.timestamp())


@router.get("/plans", response={200: list[PlanSummary], ERRORS: Error})
@paginate(Pages)
def list_plans(request):
    policy.require(policy.can_read_plans(request.user))
    return Plan.objects.order_by("-date", "symbol", "pk")


@router.get("/plans/{plan_id}", response={200: PlanOut, ERRORS: Error})
def get_plan(request, plan_id: int, as_of: ReportDate | None = None):
    """The plan's parts, questions and lines, with each status as it stood on `as_of`
    (default: today)."""
    plan = policy.plan_for_user(request.user, plan_id)
    plan.as_of = as_of or timezone.localdate()
    lines = (
        ActionLine.objects.with_status_as_of(plan.as_of)
        .with_status_columns()
        .filter(question__part__plan=plan)
        .prefetch_related("units")
        .order_by("question_id", "order")
    )
    questions = list(
        Question.objects.filter(part__plan=plan)
        .with_status_as_of(plan.as_of)
        .order_by("part_id", "order")
    )
    updates = StatusUpdate.objects.in_bulk([q.status_update_id for q in questions])
    lines_of, questions_of = {}, {}
    for line in lines:
        lines_of.setdefault(line.question_id, []).append(line)
    for question in questions:
        question.tree_lines = lines_of.get(question.pk, [])
        question.tree_status = _status(updates.get(question.status_update_id))
        questions_of.setdefault(question.part_id, []).append(question)
    plan.tree_parts = list(plan.parts.all())
    for part in plan.tree_parts:
        part.tree_questions = questions_of.get(part.pk, [])
    return plan


def _status(update):
    if update is None:
        return {"update_id": None, "category": None, "as_of": None, "narrative": None}
    return {
        "update_id": update.pk,
        "category": update.category,
        "as_of": update.as_of,
        "narrative": update.narrative,
    }


@router.get("/plans/{plan_id}/iati", response={ERRORS: Error}, openapi_extra=IATI_FILE)
def get_plan_iati(request, plan_id: int, as_of: ReportDate | None = None):
    """The plan as an IATI activity, statuses as of `as_of` (default: its latest report)."""
    plan = policy.plan_for_user(request.user, plan_id)
    as_of = as_of or default_as_of(plan)
    content = iati.plan_file(plan, as_of, request.build_absolute_uri("/").rstrip("/"))
    return iati.download(content, plan, as_of)


@router.get("/plans/{plan_id}/rounds", response={200: list[RoundOut], ERRORS: Error})
@paginate(Pages)
def list_rounds(request, plan_id: int, response: HttpResponse):
    plan = policy.plan_for_user(request.user, plan_id)
    rounds = plan.rounds.select_related("published_by").order_by("-as_of", "pk")
    latest = rounds.aggregate(created=Max("created_at"), published=Max("published_at"))
    _last_modified(response, max(filter(None, latest.values()), default=None))
    return rounds


@router.get(
    "/lines", response={200: list[LineOut], ERRORS: Error}, summary="Lines, filtered as the table"
)
@paginate(Pages)
def list_lines(request, filters: Query[LineFilters]):
    """Action lines with their status as of `as_of` (default: today), in print order, with the
    measures table's filters: `?overdue=true&as_of=2000-08-31` is every line overdue then."""
    policy.require(policy.can_read_plans(request.user))
    filterset, lines, _ = filtered_lines(as_query(filters), request.user)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return lines.with_status_columns()


@router.get("/lines/{line_id}", response={200: LineDetail, ERRORS: Error})
def get_line(request, line_id: int, as_of: ReportDate | None = None):
    line = policy.line_for_user(request.user, line_id)
    found = (
        ActionLine.objects.with_status_as_of(as_of or timezone.localdate())
        .with_status_columns()
        .select_related("question__part__plan")
        .prefetch_related("units")
        .get(pk=line.pk)
    )
    seen = policy.updates_seen_on_line(request.user, line, StatusUpdate.objects.about_line(line))
    found.latest_update_id = seen.aggregate(Max("pk"))["pk__max"]
    return found


@router.get("/lines/{line_id}/updates", response={200: list[UpdateOut], ERRORS: Error})
@paginate(Pages)
def list_updates(request, line_id: int):
    """The line's status history, newest first: its own updates and its whole question's."""
    line = policy.line_for_user(request.user, line_id)
    updates = StatusUpdate.objects.about_line(line)
    updates = policy.updates_seen_on_line(request.user, line, updates)
    return updates.select_related("author").newest_first()


@router.post(
    "/lines/{line_id}/updates",
    auth=WRITE,
    response={201: UpdateOut, 409: Conflict, ERRORS: Error},
)
def post_update(request, line_id: int, payload: UpdateIn):
    """Report a line's (or its whole question's) status, with the rules of the status form.

    On a plan that requires clearance the update is submitted for clearance (cleared at once
    if you may clear it yourself): `clearance` in the answer says which.

    `seen_update` is the newest update you saw (`latest_update_id` of the line): if another was
    entered since, nothing is written and the answer is 409 with the newer updates.
    """
    line = policy.line_for_user(request.user, line_id, to_update=True)
    form = StatusUpdateForm(
        {**payload.dict(), "seen_update": payload.seen_update or ""},
        may_report_on_question=policy.can_update_question(request.user, line.question),
    )
    if not form.is_valid():
        raise ValidationError(form.errors)
    try:
        update = form.create_update(line, request.user)
    except StatusConflict as conflict:
        return Status(
            409,
            {
                "detail": "Another status update was entered after the one you saw.",
                "latest_update_id": conflict.newer[0].pk,
                "newer": conflict.newer,
            },
        )
    return Status(201, update)
