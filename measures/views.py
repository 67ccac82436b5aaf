from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import policy, services
from .forms import AsOfForm, ReportingRoundForm, StatusUpdateForm
from .models import DUE_SOON_DAYS, ActionLine, Plan, Question, StatusUpdate


def with_statuses(lines, as_of):
    """Evaluate `lines` with, on each, its status update as of `as_of` and its marks.

    Four queries whatever the number of lines: the lines, their latest updates, and the
    overdue and due-soon lines by the one definition in ActionLineQuerySet.
    """
    lines = list(lines.with_status_as_of(as_of))
    pks = [line.pk for line in lines]
    updates = StatusUpdate.objects.in_bulk([line.status_update_id for line in lines])
    ids = ActionLine.objects.filter(pk__in=pks)
    overdue = set(ids.overdue(as_of).values_list("pk", flat=True))
    due_soon = set(ids.due_within(DUE_SOON_DAYS, as_of).values_list("pk", flat=True))
    for line in lines:
        line.status = updates.get(line.status_update_id)
        line.is_overdue = line.pk in overdue
        line.is_due_soon = line.pk in due_soon
    return lines


@login_required
def home(request):
    today = timezone.localdate()
    lines = with_statuses(
        ActionLine.objects.of_units(request.user.units.all())
        .select_related("question__part__plan")
        .in_print_order(),
        today,
    )
    counts = {
        "lines": len(lines),
        "overdue": sum(line.is_overdue for line in lines),
        "due_soon": sum(line.is_due_soon for line in lines),
        # As the measures filter "No status reported": no update, or one with no category.
        "no_status": sum(not line.status_category for line in lines),
    }
    return render(
        request,
        "measures/home.html",
        {
            "lines": lines,
            "counts": counts,
            "today": today,
            "due_soon_days": DUE_SOON_DAYS,
            "plans": Plan.objects.all(),
        },
    )


@login_required
def plan_detail(request, plan_id):
    return _render_plan(request, policy.plan_for_user(request.user, plan_id))


def _render_plan(request, plan, round_form=None):
    today = timezone.localdate()
    as_of_form = AsOfForm(request.GET or None, initial={"as_of": today})
    as_of = (as_of_form.is_valid() and as_of_form.cleaned_data["as_of"]) or today
    lines = with_statuses(
        ActionLine.objects.filter(question__part__plan=plan)
        .prefetch_related("units")
        .order_by("question_id", "order"),
        as_of,
    )
    questions = list(Question.objects.filter(part__plan=plan).with_status_as_of(as_of))
    question_statuses = StatusUpdate.objects.in_bulk([q.status_update_id for q in questions])
    lines_of = {}
    for line in lines:
        lines_of.setdefault(line.question_id, []).append(line)
    questions_of = {}
    for question in questions:
        question.status = question_statuses.get(question.status_update_id)
        question.line_list = lines_of.get(question.pk, [])
        questions_of.setdefault(question.part_id, []).append(question)
    parts = list(plan.parts.all())
    for part in parts:
        part.question_list = questions_of.get(part.pk, [])
    may_publish = policy.can_publish_round(request.user)
    return render(
        request,
        "measures/plan.html",
        {
            "plan": plan,
            "parts": parts,
            "as_of": as_of,
            "as_of_form": as_of_form,
            "rounds": plan.rounds.select_related("published_by"),
            "may_publish": may_publish,
            "round_form": round_form or (ReportingRoundForm() if may_publish else None),
        },
    )


def _render_line(request, line, form=None, conflict=None, saved=None, copy_into=None):
    """The line page, or with htmx its form, status badge and history (swapped out of band).

    `saved` is the update just saved: the form comes back empty for the next one, on its date.
    `copy_into` is the form's data when the user asked to copy the last text into it.
    """
    history = list(StatusUpdate.objects.about_line(line).select_related("author").newest_first())
    current = with_statuses(ActionLine.objects.filter(pk=line.pk), timezone.localdate())[0]
    may_update = policy.can_update_line(request.user, line)
    if copy_into is not None:
        form = _form_with_last_text(
            copy_into,
            current.status,
            may_report_on_question=policy.can_update_question(request.user, line.question),
        )
    if form is None and may_update:
        # Opened on the newest update shown, so that any later one is reported as a conflict.
        # It starts empty: the last text is copied only on request (`line_update`).
        initial = {"seen_update": max((u.pk for u in history), default=None)}
        if saved:
            initial |= {"as_of": saved.as_of, "category": saved.category}
        form = StatusUpdateForm(
            initial=initial,
            may_report_on_question=policy.can_update_question(request.user, line.question),
        )
    context = {
        "line": line,
        "question": line.question,
        "plan": line.question.part.plan,
        "current": current,
        "history": history,
        "form": form,
        "conflict": conflict,
        "saved": saved,
        "line_outputs": line.outputs.with_framework(),
        "question_outputs": line.question.outputs.with_framework(),
        "units": line.units.all(),
    }
    if request.htmx:
        return render(request, "measures/line.html#htmx_response", context | {"oob": True})
    return render(request, "measures/line.html", context)


@login_required
def line_detail(request, line_id):
    return _render_line(request, policy.line_for_user(request.user, line_id))


@login_required
@require_POST
def line_update(request, line_id):
    line = policy.line_for_user(request.user, line_id, to_update=True)
    may_report_on_question = policy.can_update_question(request.user, line.question)
    if "copy_last" in request.POST:
        return _render_line(request, line, copy_into=request.POST)
    form = StatusUpdateForm(request.POST, may_report_on_question=may_report_on_question)
    if not form.is_valid():
        return _render_line(request, line, form)
    try:
        update = services.status_update_create(
            line=line,
            author=request.user,
            as_of=form.cleaned_data["as_of"],
            category=form.cleaned_data["category"],
            narrative=form.cleaned_data["narrative"],
            about_question=form.about_question(),
            seen_update_id=form.cleaned_data["seen_update"],
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _render_line(request, line, form)
    except services.StatusConflict as conflict:
        # Keep the user's words; saving again goes through unless yet another update arrives.
        data = request.POST.copy()
        data["seen_update"] = conflict.newer[0].pk
        form = StatusUpdateForm(data, may_report_on_question=may_report_on_question)
        return _render_line(request, line, form, conflict=conflict.newer)
    if request.htmx:
        return _render_line(request, line, saved=update)
    messages.success(request, _("Status saved."))
    return redirect("line_detail", line_id=line.pk)


def _form_with_last_text(data, last, may_report_on_question):
    """The form as the user left it, with the `last` update's status and text added: not saved,
    and nothing typed is lost (the last text goes after it)."""
    initial = data.dict()
    if last:
        initial["category"] = initial.get("category") or last.category
        typed = initial.get("narrative", "").replace("\r\n", "\n").strip()
        initial["narrative"] = "\n\n".join(text for text in (typed, last.narrative) if text)
    form = StatusUpdateForm(initial=initial, may_report_on_question=may_report_on_question)
    form.fields["narrative"].widget.attrs["autofocus"] = True
    return form


@login_required
@require_POST
def round_create(request, plan_id):
    policy.require(policy.can_publish_round(request.user))
    plan = policy.plan_for_user(request.user, plan_id)
    form = ReportingRoundForm(request.POST)
    try:
        if form.is_valid():
            services.round_create(plan=plan, as_of=form.cleaned_data["as_of"])
            messages.success(request, _("Reporting round added."))
            return redirect("plan_detail", plan_id=plan.pk)
    except ValidationError as error:
        form.add_error(None, error)
    return _render_plan(request, plan, round_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def round_publish(request, round_id):
    """Publishing cannot be undone: it asks first, saying what it freezes, then needs `confirm`."""
    round_ = policy.round_for_publisher(request.user, round_id)
    if request.method == "GET" or "confirm" not in request.POST:
        return render(request, "measures/round_publish.html", {"round": round_})
    try:
        services.round_publish(round_=round_, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The round as of %(date)s is published.") % {"date": date_format(round_.as_of)},
        )
    return redirect("plan_detail", plan_id=round_.plan_id)
