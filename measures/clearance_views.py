"""Clearance of status updates (issue 14): drafts for their author, the page of updates
awaiting clearance for focal points and managers, one click per update or a batch."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Max
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from . import policy, services
from .forms import BatchClearForm, ReturnForm, StatusUpdateForm
from .http import form_action
from .models import Clearance, Plan, StatusUpdate
from .views import saved_message

UPDATES_PER_PAGE = 100


@login_required
@require_http_methods(["GET", "POST"])
def draft_edit(request, update_id):
    # Found even when submitted meanwhile (another tab, a double click): the service then
    # says it is no longer a draft, and the words sent stay in the form.
    draft = policy.update_of_author(request.user, update_id)
    line = _line_of(draft, request.user)
    kwargs = {"may_report_on_question": policy.can_update_question(request.user, line.question)}
    conflict = None
    if request.method == "GET" and draft.clearance != Clearance.DRAFT:
        messages.info(request, _("This update is no longer a draft: it cannot be changed."))
        return redirect("line_detail", line_id=line.pk)
    if request.method == "GET":
        seen = policy.updates_seen_on_line(
            request.user, line, StatusUpdate.objects.about_line(line)
        )
        newest = seen.aggregate(newest=Max("pk"))["newest"]
        form = StatusUpdateForm.for_draft(draft, seen_update=newest, **kwargs)
    else:
        form = StatusUpdateForm(request.POST, **kwargs)
        try:
            if form.is_valid():
                update = form.edit_draft(draft, line, submit="save_draft" not in request.POST)
                messages.success(request, saved_message(update))
                return redirect("line_detail", line_id=line.pk)
        except ValidationError as error:
            form.add_error(None, error)
        except services.StatusConflict as error:
            # Keep the author's words; saving again goes through unless yet another arrives.
            conflict = error.newer
            data = request.POST.copy()
            data["seen_update"] = conflict[0].pk
            form = StatusUpdateForm(data, **kwargs)
    context = {"draft": draft, "line": line, "plan": line.question.part.plan, "form": form}
    return render(request, "measures/draft_edit.html", context | {"conflict": conflict})


def _line_of(draft, user):
    """The line a draft is written from: its own, or its whole question's first line."""
    line_id = draft.action_line_id or draft.question.lines.values_list("pk", flat=True).first()
    return policy.line_for_user(user, line_id, to_update=True)


@login_required
@require_POST
def draft_submit(request, update_id):
    draft = policy.update_of_author(request.user, update_id)
    line = _line_of(draft, request.user)
    _attempt(request, lambda: services.status_update_submit(update=draft), saved_message)
    return redirect("line_detail", line_id=line.pk)


@login_required
@require_POST
def draft_delete(request, update_id):
    draft = policy.update_of_author(request.user, update_id)
    line = _line_of(draft, request.user)
    _attempt(
        request,
        lambda: services.status_update_delete(update=draft),
        lambda done: _("Draft deleted."),
    )
    return redirect("line_detail", line_id=line.pk)


@login_required
def clearance_list(request, return_form=None, batch_form=None, status=200):
    """Updates awaiting the user's clearance, oldest first, filterable by plan."""
    policy.require(policy.may_clear_any(request.user))
    plans = list(Plan.objects.filter(requires_clearance=True))
    plan = next((plan for plan in plans if str(plan.pk) == request.GET.get("plan")), None)
    updates = policy.clearable_updates(request.user).submitted()
    if plan:
        updates = updates.of_plan(plan)
    updates = (
        updates.select_related(
            "action_line__question__part__plan", "question__part__plan", "author"
        )
        .with_line_page()
        .order_by("submitted_at", "pk")
    )
    page = Paginator(updates, UPDATES_PER_PAGE).get_page(request.GET.get("page"))
    for update in page:
        if return_form and return_form.update_id == update.pk:
            update.return_form = return_form
        else:
            update.return_form = ReturnForm(prefix=f"return-{update.pk}")
    context = {
        "page": page,
        "plans": plans,
        "plan": plan,
        "batch_form": batch_form,
    }
    return render(request, "measures/clearance.html", context, status=status)


@login_required
@require_POST
def update_clear(request, update_id):
    update = policy.update_to_review(request.user, update_id)
    _attempt(
        request,
        lambda: services.status_update_clear(update=update, reviewer=request.user),
        lambda done: _("Update cleared: it now counts."),
    )
    return _back(request)


@login_required
@form_action("clearance")
def update_return(request, update_id):
    update = policy.update_to_review(request.user, update_id)
    form = ReturnForm(request.POST, prefix=f"return-{update.pk}")
    if not form.is_valid():
        form.update_id = update.pk
        return clearance_list(request, return_form=form, status=400)
    _attempt(
        request,
        lambda: services.status_update_return(
            update=update, reviewer=request.user, comment=form.cleaned_data["comment"]
        ),
        lambda done: _("Update returned to its author with your comment."),
    )
    return _back(request)


@login_required
@form_action("clearance")
def updates_clear(request):
    policy.require(policy.may_clear_any(request.user))
    form = BatchClearForm(request.POST, clearable=policy.reviewable_updates(request.user))
    if not form.is_valid():
        return clearance_list(request, batch_form=form, status=400)
    _attempt(
        request,
        lambda: services.status_updates_clear(
            updates=form.cleaned_data["updates"], reviewer=request.user
        ),
        lambda count: (
            ngettext("%(count)d update cleared.", "%(count)d updates cleared.", count)
            % {"count": count}
        ),
    )
    return _back(request)


def _attempt(request, write, success):
    """Do `write`; say `success(its result)`, or why the service refused (someone else may
    have decided first)."""
    try:
        result = write()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success(result))


def _back(request):
    """To the clearance page, on the plan it was filtered by."""
    plan = request.POST.get("plan", "")
    query = f"?plan={plan}" if plan.isdigit() else ""
    return redirect(reverse("clearance") + query)
