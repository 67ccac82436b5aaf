"""PDF documents, their HTML previews, and the progress page of renders run in the background."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext

from measures.policy import framework_for_user, owned_by_user, owned_for_user, plan_for_user

from . import documents, docx, iati
from .filters import filtered_lines
from .forms import AnnexForm, ResultsForm
from .models import RenderJob
from .pdf import PdfTooLarge, over_budget_message, render_html, write_pdf
from .tasks import enqueue, recover_stalled

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
    try:
        return _pdf_response(write_pdf(document), document.filename)
    except PdfTooLarge as error:
        return HttpResponse(str(error), status=413, content_type="text/plain; charset=utf-8")


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
    """A render job for the worker; the same document already on its way is not queued twice,
    but one whose worker died is never handed back as on its way."""
    same = RenderJob.objects.filter(
        requested_by=user, kind=kind, object_id=object_id, params=params
    )
    recover_stalled(same)
    job = same.unfinished().first()
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
        enqueue(job)
    return job


def _annex(request, plan_id, respond):
    form = AnnexForm(request.GET, plan=plan_for_user(request.user, plan_id))
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
def plan_annex_docx(request, plan_id):
    return _annex(request, plan_id, _docx)


@login_required
def plan_iati(request, plan_id):
    """The plan as an IATI activity, statuses as of the date the annex would show."""
    plan = plan_for_user(request.user, plan_id)
    form = AnnexForm(request.GET, plan=plan)
    if not form.is_valid():
        return _bad_request(form)
    as_of = form.as_of_date()
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
    return owned_for_user(user, RenderJob.objects.all(), job_id)


@login_required
def job_detail(request, job_id):
    job = _job_for_user(request.user, job_id)
    if recover_stalled(RenderJob.objects.filter(pk=job.pk)):
        job.refresh_from_db()
    context = {"job": job}
    if job.failure == RenderJob.Failure.TOO_LARGE:
        context["over_budget"] = over_budget_message()
    return render(request, "reports/job.html", context)


@login_required
def job_file(request, job_id):
    job = _job_for_user(request.user, job_id)
    if job.status != RenderJob.Status.DONE:
        raise Http404
    return FileResponse(job.file.open("rb"), filename=job.filename, content_type="application/pdf")


@login_required
def job_list(request):
    jobs = owned_by_user(request.user, RenderJob.objects.all())
    recover_stalled(jobs)
    jobs = jobs[:20]
    return render(request, "reports/jobs.html", {"jobs": jobs})
