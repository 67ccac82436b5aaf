"""Import a plan from Excel in the admin: upload → preview → confirm.

The upload is kept in a temporary file named by a random token that only the uploader's
session knows, so confirming re-reads the very bytes previewed. Nothing is written before
the administrator confirms; the confirmed import runs in one transaction. A large file is
imported by the task worker while a progress page follows it.
"""

import datetime
import errno
import secrets
import time
from functools import partial
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.tasks import TaskResultStatus
from django.tasks.exceptions import TaskResultDoesNotExist
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from measures.audit import import_recorded
from measures.forms import validate_report_date
from measures.heartbeat import WORKER_LOST_ERROR
from measures.importing import (
    ImportRefused,
    compare_plan,
    read_plan,
    write_blank_template,
)
from measures.importing.layouts import get_layout
from measures.importing.summary import kind_label
from measures.importing.tasks import (
    STEPS,
    import_stored_workbook,
    read_progress,
    recover_stalled,
    uploads_in_use,
)
from measures.importing.workbook import Problem, check_size
from measures.policy import can_import_plans, require

# Under MEDIA_ROOT, which every app server and task worker shares: any of them may confirm
# the upload or import it.
UPLOAD_DIR = Path(settings.MEDIA_ROOT) / "imports"
SESSION_KEY = "plan_imports"
# Imports handed to the task worker, by token: only the session that confirmed them sees them.
BACKGROUND_KEY = "plan_imports_running"
UPLOAD_LIFETIME = 24 * 3600
# The preview lists the plan's lines up to this number; a larger plan is summarised.
PREVIEW_LINES = 1000
# A confirmed file with more rows than this is imported by the task worker.
BACKGROUND_ROWS = 3000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Workbook (.xlsx)"))
    symbol = forms.CharField(
        label=gettext_lazy("GB symbol"),
        required=False,
        max_length=40,
        help_text=gettext_lazy(
            "Needed when the file's title rows name none, e.g. GB.279/TC/2; given, it wins "
            "over the one the file names."
        ),
    )
    date = forms.DateField(
        label=gettext_lazy("Plan date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_report_date],
        help_text=gettext_lazy(
            "When the plan was adopted or examined. Timelines such as "
            "“Immédiatement” are dated at it. Left empty, the file's “Date du plan” title row "
            "gives it."
        ),
    )


def import_urls(model_admin):
    def view(function):
        return model_admin.admin_site.admin_view(partial(function, model_admin=model_admin))

    return [
        path("import/", view(upload), name="measures_plan_import"),
        path("import/<str:token>/", view(preview), name="measures_plan_import_preview"),
        path(
            "import/<str:token>/progress/",
            view(import_progress),
            name="measures_plan_import_progress",
        ),
        path("template.xlsx", view(blank_template), name="measures_plan_template"),
    ]


def _context(request, model_admin, **context):
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        **context,
    }


def upload(request, model_admin):
    require(can_import_plans(request.user))
    form = UploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        workbook = form.cleaned_data["file"]
        try:
            check_size(workbook.size, workbook.name)
            token = _store(workbook)
        except ImportRefused as refused:
            problems = refused.problems
        else:
            request.session.setdefault(SESSION_KEY, {})[token] = {
                "name": workbook.name,
                "symbol": form.cleaned_data["symbol"],
                "date": form.cleaned_data["date"] and form.cleaned_data["date"].isoformat(),
            }
            request.session.modified = True
            return redirect("admin:measures_plan_import_preview", token=token)
    return render(
        request,
        "admin/measures/plan/import_upload.html",
        _context(request, model_admin, form=form, problems=problems, title=_("Import a plan")),
    )


def preview(request, model_admin, token):
    require(can_import_plans(request.user))
    stored = request.session.get(SESSION_KEY, {}).get(token)
    path = UPLOAD_DIR / f"{token}.xlsx"
    if stored is not None and confirmed(token).is_file():
        return _confirmed_already(request, token, stored)
    if stored is None or not path.is_file():
        raise Http404(_("This upload is no longer available: upload the file again."))
    if request.method == "POST":
        return _confirm(request, token, stored, path)
    context = _context(request, model_admin, title=_("Import a plan: preview"), token=token)
    try:
        parsed = _read(path, stored)
    except ImportRefused as refused:
        context["problems"] = refused.problems
        return render(request, "admin/measures/plan/import_preview.html", context)
    stored["rows"] = parsed.row_count
    changes = compare_plan(parsed)
    stored["previewed"] = changes.fingerprint()
    request.session.modified = True
    context.update(
        parsed=parsed,
        layout=get_layout(parsed.layout),
        changes=changes,
        counts=_labelled(changes.counts),
        unread=parsed.unread_timelines(),
        removable=[m for m in changes.missing if not m.kept],
        plan_rows=_plan_rows(parsed),
        background=parsed.row_count > BACKGROUND_ROWS,
        confirm_url=reverse("admin:measures_plan_import_preview", args=[token]),
    )
    return render(request, "admin/measures/plan/import_preview.html", context)


def confirmed(token):
    """Where a confirmed upload waits for its import: renamed, so that it is confirmed once."""
    return UPLOAD_DIR / f"{token}.confirmed.xlsx"


def _confirm(request, token, stored, path):
    """Import the previewed bytes; a large file goes to the task worker."""
    try:
        # The claim: of two confirmations at once (a double click), one renames the file.
        path = path.rename(confirmed(token))
    except FileNotFoundError:
        return _confirmed_already(request, token, stored)
    request.session[SESSION_KEY].pop(token, None)
    request.session.modified = True
    delete_missing = bool(request.POST.get("delete_missing"))
    if stored.get("rows", 0) > BACKGROUND_ROWS:
        result = import_stored_workbook.enqueue(
            str(path),
            stored["name"],
            stored["symbol"],
            delete_missing,
            get_language(),
            stored.get("date"),
            user_id=request.user.pk,
            previewed=stored.get("previewed"),
        )
        request.session.setdefault(BACKGROUND_KEY, {})[token] = {
            "task": result.id,
            "name": stored["name"],
            "rows": stored["rows"],
        }
        return redirect("admin:measures_plan_import_progress", token=token)
    try:
        parsed = _read(path, stored)
        changes = import_recorded(
            parsed,
            path.read_bytes(),
            user=request.user,
            delete_missing=delete_missing,
            previewed=stored.get("previewed"),
        )
    except ImportRefused as refused:
        for problem in refused.problems:
            messages.error(request, str(problem))
        return redirect("admin:measures_plan_import")
    finally:
        path.unlink(missing_ok=True)
    messages.success(
        request,
        _("%(plan)s imported from %(file)s.") % {"plan": parsed.symbol, "file": stored["name"]},
    )
    return redirect("admin:measures_plan_change", changes.plan.pk)


def _confirmed_already(request, token, stored):
    """A second confirmation (a double click, another tab): it leaves the session alone, where
    the first one keeps the import's progress."""
    messages.info(request, _("This import was confirmed already: it runs once."))
    if stored.get("rows", 0) > BACKGROUND_ROWS:
        return redirect("admin:measures_plan_import_progress", token=token)
    return redirect("admin:measures_plan_changelist")


def _read(path, stored):
    given = stored.get("date")
    return read_plan(
        path.read_bytes(),
        stored["name"],
        stored["symbol"],
        datetime.date.fromisoformat(given) if given else None,
    )


def import_progress(request, model_admin, token):
    """Where a background import stands; the page polls itself until the import ends."""
    require(can_import_plans(request.user))
    job = request.session.get(BACKGROUND_KEY, {}).get(token)
    try:
        result = import_stored_workbook.get_result(job["task"]) if job else None
    except TaskResultDoesNotExist:
        result = None
    if result is None:
        raise Http404(_("This import is not known to your session."))
    if recover_stalled(result, confirmed(token)):
        result.refresh()
    context = _context(
        request, model_admin, title=_("Import a plan: progress"), job=job, result=result
    )
    if result.status == TaskResultStatus.SUCCESSFUL:
        outcome = result.return_value
        if "problems" in outcome:
            context.update(state="refused", problems=outcome["problems"])
        else:
            context.update(
                state="done",
                symbol=outcome["symbol"],
                plan_url=reverse("admin:measures_plan_change", args=[outcome["plan"]]),
                counts=_labelled(outcome["counts"]),
            )
    elif result.status == TaskResultStatus.FAILED:
        lost = result.errors[-1].exception_class_path == WORKER_LOST_ERROR
        context.update(state="failed", lost=lost)
    else:
        step, stage = read_progress(confirmed(token))
        context.update(state="running" if step else "queued", step=step, stage=stage, steps=STEPS)
    return render(request, "admin/measures/plan/import_progress.html", context)


def _labelled(counts):
    return [(kind_label(kind), count) for kind, count in counts.items()]


def blank_template(request, model_admin):
    require(can_import_plans(request.user))
    language = (get_language() or "fr")[:2]
    response = HttpResponse(
        write_blank_template(
            language if language in ("fr", "en", "es") else "fr", timezone.localdate()
        ),
        content_type=XLSX,
    )
    response["Content-Disposition"] = 'attachment; filename="plan-template.xlsx"'
    return response


def remove_old_uploads():
    """Delete uploads (and their progress files) left for longer than UPLOAD_LIFETIME, by a
    preview never confirmed or a worker that died, but none an import still waits for."""
    too_old = time.time() - UPLOAD_LIFETIME
    in_use = {upload.name.split(".")[0] for upload in uploads_in_use()}  # their tokens
    removed = 0
    for old in UPLOAD_DIR.glob("*") if UPLOAD_DIR.is_dir() else ():
        # token.xlsx, token.confirmed.xlsx, token.confirmed.progress.json…
        if old.stat().st_mtime < too_old and old.name.split(".")[0] not in in_use:
            old.unlink(missing_ok=True)
            removed += 1
    return removed


def _store(workbook):
    """The upload kept under a new token; on a full disk, nothing is kept (ImportRefused)."""
    UPLOAD_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    remove_old_uploads()
    token = secrets.token_urlsafe(24)
    path = UPLOAD_DIR / f"{token}.xlsx"
    try:
        with path.open("wb") as target:
            for chunk in workbook.chunks():
                target.write(chunk)
    except OSError as error:
        path.unlink(missing_ok=True)
        if error.errno != errno.ENOSPC:
            raise
        message = _("the server's disk is full: the file was not stored. Tell an administrator.")
        raise ImportRefused([Problem(workbook.name, None, None, None, message)]) from error
    return token


def _plan_rows(parsed):
    """The plan as it will look, cut after PREVIEW_LINES lines: (parts, lines left out)."""
    shown, parts = 0, []
    total = sum(len(q.lines) for _part, q in parsed.questions())
    for part in parsed.parts:
        questions = []
        for question in part.questions:
            if shown >= PREVIEW_LINES:
                break
            lines = question.lines[: PREVIEW_LINES - shown]
            shown += len(lines)
            questions.append((question, lines))
        parts.append((part, questions))
    return parts, total - shown
