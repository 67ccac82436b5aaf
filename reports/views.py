"""PDF documents, their HTML previews, and the progress page of renders run in the background."""

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext

from measures.policy import framework_for_user, plan_for_user

from . import documents
from .filters import filtered_lines
from .forms import AnnexForm, ResultsForm
from .models import RenderJob
from .pdf import render_html, write_pdf
from .tasks import render_job

Kind = RenderJob.Kind


def _bad_request(form):
    errors = "; ".join(f"{name}: {' '.join(e)}" for name, e in form.errors.items())
    return HttpResponseBadRequest(gettext("Invalid parameters: %(errors)s") % {"errors": errors})


def _pdf(request, kind, object_id, params):
    """The PDF now, or, for a large document, a background render and its progress page."""
    lines = documents.size(kind, object_id, params, request.user)
    if lines > documents.BACKGROUND_LINES:
        return redirect(start_render(request.user, kind, object_id, params, lines))
    document = documents.build(kind, object_id, params, request.user)
    return _pdf_response(write_pdf(document), document.filename)


def _pdf_response(content, filename):
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _preview(request, kind, object_id, params):
    document = documents.build(kind, object_id, params, request.user)
    return HttpResponse(render_html(document, request=request))


def start_render(user, kind, object_id, params, lines):
    """A render job for the worker; the same document already on its way is not queued twice."""
    pending = RenderJob.objects.filter(
        requested_by=user, kind=kind, object_id=object_id, params=params
    ).exclude(status__in=[RenderJob.Status.DONE, RenderJob.Status.FAILED])
    job = pending.first()
    if job is None:
        document_title = documents.title(kind, object_id, params, user)
        job = RenderJob.objects.create(
            requested_by=user,
            kind=kind,
            object_id=object_id,
            params=params,
            title=document_title,
            expected_pages=max(1, lines // documents.LINES_PER_PAGE),
        )
        transaction.on_commit(lambda: render_job.enqueue(job.pk))
    return job


def _annex(request, plan_id, respond):
    plan_for_user(request.user, plan_id)
    form = AnnexForm(request.GET)
    if not form.is_valid():
        return _bad_request(form)
    return respond(request, Kind.ANNEX, plan_id, form.params())


@login_required
def plan_annex_pdf(request, plan_id):
    return _annex(request, plan_id, _pdf)


@login_required
def plan_annex_preview(request, plan_id):
    return _annex(request, plan_id, _preview)


def _results(request, framework_id, respond):
    framework = framework_for_user(request.user, framework_id)
    form = ResultsForm(request.GET)
    if not form.is_valid():
        return _bad_request(form)
    return respond(request, Kind.RESULTS, framework.pk, form.params())


@login_required
def framework_pdf(request, framework_id):
    return _results(request, framework_id, _pdf)


@login_required
def framework_preview(request, framework_id):
    return _results(request, framework_id, _preview)


@login_required
def measures_pdf(request):
    filterset = filtered_lines(request, request.user)[0]
    if not filterset.is_valid():
        return _bad_request(filterset.form)
    params = {"query": request.GET.urlencode(), "language": get_language()}
    return _pdf(request, Kind.MEASURES, None, params)


def _job_for_user(user, job_id):
    """Only the person who asked for a render sees it."""
    return get_object_or_404(RenderJob, pk=job_id, requested_by=user)


@login_required
def job_detail(request, job_id):
    job = _job_for_user(request.user, job_id)
    return render(request, "reports/job.html", {"job": job})


@login_required
def job_file(request, job_id):
    job = _job_for_user(request.user, job_id)
    if job.status != RenderJob.Status.DONE:
        raise Http404
    return FileResponse(job.file.open("rb"), filename=job.filename, content_type="application/pdf")


@login_required
def job_list(request):
    jobs = RenderJob.objects.filter(requested_by=request.user)[:20]
    return render(request, "reports/jobs.html", {"jobs": jobs})
