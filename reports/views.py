"""PDF documents, their HTML previews, and the progress page of renders run in the background."""

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext

from measures.policy import framework_for_user, plan_for_user

from . import documents, docx, iati
from .annex import default_as_of
from .filters import filtered_lines
from .forms import AnnexForm
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


def _docx(request, kind, object_id, params):
    document = documents.build(kind, object_id, params, request.user)
    response = HttpResponse(docx.annex_docx(document), content_type=docx.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{docx.filename(document)}"'
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


@login_required
def plan_annex_docx(request, plan_id):
    return _annex(request, plan_id, _docx)


@login_required
def plan_iati(request, plan_id):
    """The plan as an IATI activity, statuses as of the date the annex would show."""
    plan = plan_for_user(request.user, plan_id)
    form = AnnexForm(request.GET)
    if not form.is_valid():
        return _bad_request(form)
    as_of = form.cleaned_data["as_of"] or default_as_of(plan)
    content = iati.plan_file(plan, as_of, request.build_absolute_uri("/").rstrip("/"))
    return iati.download(content, plan, as_of)


@login_required
def framework_iati(request, framework_id):
    framework = framework_for_user(request.user, framework_id)
    as_of = timezone.localdate()
    content = iati.framework_file(framework, as_of, request.build_absolute_uri("/").rstrip("/"))
    return iati.download(content, framework, as_of)


@login_required
def framework_pdf(request, framework_id):
    return _pdf(request, Kind.RESULTS, framework_for_user(request.user, framework_id).pk, {})


@login_required
def framework_preview(request, framework_id):
    return _preview(request, Kind.RESULTS, framework_for_user(request.user, framework_id).pk, {})


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
