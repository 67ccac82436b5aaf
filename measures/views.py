from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import OperationalError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from . import policy, services
from .forms import AsOfForm, ReportingRoundForm, StatusUpdateForm
from .history import history_page, records_of_line, records_of_plan
from .http import form_action
from .models import DUE_SOON_DAYS, ActionLine, Clearance, Plan, StatusUpdate
from .outline import lines_outline, plan_outline, question_pages

LINES_PER_PAGE = 200
DISK_FULL = gettext_lazy(
    "The server's disk is full: your update was not saved. Your text is kept here: try again "
    "later, or tell an administrator."
)


@login_required
def home(request):
    """My measures: the lines of the user's units, a page at a time, with their counts.

    Managers and administrators with no line of their own land on the measures table.
    """
    today = timezone.localdate()
    lines = ActionLine.objects.of_units(request.user.units.all())
    counts = lines.counts_as_of(today)
    if not counts["lines"] and policy.sees_all_lines(request.user):
        return redirect("measures")
    page = Paginator(range(counts["lines"]), LINES_PER_PAGE).get_page(request.GET.get("page"))
    rows = page.object_list  # a range: the page's positions in print order
    plans = lines_outline(lines, today, slice(rows.start, rows.stop)) if rows else []
    return render(
        request,
        "measures/home.html",
        {
            "plans": plans,
            "page": page,
            "counts": counts,
            "today": today,
            "due_soon_days": DUE_SOON_DAYS,
            "all_plans": Plan.objects.all(),
        },
    )


@login_required
def plan_detail(request, plan_id):
    return _render_plan(request, policy.plan_for_user(request.user, plan_id))


def _render_plan(request, plan, round_form=None):
    today = timezone.localdate()
    as_of_form = AsOfForm(request.GET or None, initial={"as_of": today})
    chosen = as_of_form.is_valid() and as_of_form.cleaned_data["as_of"]
    as_of = chosen or today
    # A plan of a thousand lines is read a few hundred lines at a time, questions whole.
    pages = Paginator(question_pages(plan, LINES_PER_PAGE), 1)
    page = pages.get_page(request.GET.get("page"))
    outline = plan_outline(plan, as_of, page.object_list[0])
    may_publish = policy.can_publish_round(request.user)
    return render(
        request,
        "measures/plan.html",
        {
            "plan": plan,
            "outline": outline,
            "page": page,
            "as_of": as_of,
            "as_of_form": as_of_form,
            # The annex takes the date chosen here; else its own default, the latest round.
            "annex_query": f"?as_of={chosen:%Y-%m-%d}" if chosen else "",
            "rounds": plan.rounds.select_related("published_by").order_by("-as_of"),
            "may_publish": may_publish,
            "round_form": round_form or (ReportingRoundForm() if may_publish else None),
            # One count: updates of this plan awaiting the user's clearance (none for staff).
            "awaiting_clearance": policy.clearable_updates(request.user)
            .submitted()
            .of_plan(plan)
            .count(),
        },
    )


def _render_line(request, line, form=None, conflict=None, saved=None, copy_into=None):
    """The line page, or with htmx its form, status badge and history (swapped out of band).

    `saved` is the update just saved: the form comes back empty for the next one, on its date.
    `copy_into` is the form's data when the user asked to copy the last text into it.
    """
    updates = StatusUpdate.objects.about_line(line).select_related("author", "reviewed_by")
    history = list(policy.updates_seen_on_line(request.user, line, updates).newest_first())
    current = ActionLine.objects.with_marks_as_of(timezone.localdate()).get(pk=line.pk)
    current.status = next((u for u in history if u.pk == current.status_update_id), None)
    may_update = policy.can_update_line(request.user, line)
    may_confirm = bool(current.status and current.status.is_suggested) and policy.can_confirm(
        request.user, line, current.status
    )
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
        "saved_message": saved and saved_message(saved),
        "may_confirm": may_confirm,
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
@form_action("line_detail", "line_id")
def line_update(request, line_id):
    line = policy.line_for_user(request.user, line_id, to_update=True)
    may_report_on_question = policy.can_update_question(request.user, line.question)
    if "copy_last" in request.POST:
        return _render_line(request, line, copy_into=request.POST)
    form = StatusUpdateForm(request.POST, may_report_on_question=may_report_on_question)
    if not form.is_valid():
        return _render_line(request, line, form)
    try:
        update = form.create_update(line, request.user, submit="save_draft" not in request.POST)
    except ValidationError as error:
        form.add_error(None, error)
        return _render_line(request, line, form)
    except OperationalError as error:
        if not services.is_disk_full(error):
            raise
        form.add_error(None, DISK_FULL)
        return _render_line(request, line, form)
    except services.StatusConflict as conflict:
        # Keep the user's words; saving again goes through unless yet another update arrives.
        data = request.POST.copy()
        data["seen_update"] = conflict.newer[0].pk
        form = StatusUpdateForm(data, may_report_on_question=may_report_on_question)
        return _render_line(request, line, form, conflict=conflict.newer)
    if request.htmx:
        return _render_line(request, line, saved=update)
    messages.success(request, saved_message(update))
    return redirect("line_detail", line_id=line.pk)


def saved_message(update):
    """What saving did: on a plan that requires clearance, the update may not count yet."""
    return {
        Clearance.DRAFT: _("Draft saved: only you see it until you submit it."),
        Clearance.SUBMITTED: _("Submitted for clearance: it counts once it is cleared."),
    }.get(update.clearance, _("Status saved."))


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
@form_action("plan_detail", "plan_id")
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
    # Updates dated in the round still awaiting clearance hold it back: listed to be cleared.
    awaiting = round_.awaiting_clearance().with_line_page().select_related("author")
    context = {"round": round_, "awaiting": awaiting}
    if request.method == "GET" or "confirm" not in request.POST:
        return render(request, "measures/round_publish.html", context)
    try:
        services.round_publish(round_=round_, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        if awaiting:
            return render(request, "measures/round_publish.html", context, status=409)
    else:
        messages.success(
            request,
            _("The round as of %(date)s is published.") % {"date": date_format(round_.as_of)},
        )
    return redirect("plan_detail", plan_id=round_.plan_id)


@login_required
@require_POST
def status_confirm(request, line_id):
    """Confirm, as it stands, the category the importer suggested for the line: one click."""
    line = policy.line_for_user(request.user, line_id)
    update = policy.update_to_confirm(request.user, line, request.POST.get("update"))
    services.status_update_confirm(update=update)
    messages.success(request, _("Status confirmed."))
    return redirect("line_detail", line_id=line.pk)


@login_required
def plan_history(request, plan_id):
    plan = policy.plan_for_user(request.user, plan_id)
    policy.require(policy.can_read_history(request.user))
    page = history_page(records_of_plan(plan), request.GET.get("page"))
    return render(request, "measures/history.html", {"plan": plan, "page": page})


@login_required
def line_history(request, line_id):
    line = policy.line_for_user(request.user, line_id)
    policy.require(policy.can_read_history(request.user, line))
    page = history_page(records_of_line(line), request.GET.get("page"))
    context = {"plan": line.question.part.plan, "line": line, "page": page}
    return render(request, "measures/history.html", context)
